#include "config/document_lookup.h"

#include <toml++/toml.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace rollgate::internal {

namespace {

bool IsIndex(const std::string& seg) {
  return !seg.empty() && seg.size() <= 9 &&
         seg.find_first_not_of("0123456789") == std::string::npos;
}

std::string Missing(const std::vector<std::string>& segs, std::size_t upto) {
  std::vector<std::string> head(segs.begin(), segs.begin() + static_cast<long>(upto) + 1);
  return "key '" + Join(head, ".") + "' not found";
}

DocLookup FromJson(std::string_view text, const std::vector<std::string>& segs) {
  DocLookup out;
  nlohmann::json root = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (root.is_discarded()) {
    out.kind = DocLookup::Kind::kParseError;
    out.error = "not valid JSON";
    return out;
  }
  const nlohmann::json* cur = &root;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (cur->is_object() && cur->contains(segs[i])) {
      cur = &(*cur)[segs[i]];
    } else if (cur->is_array() && IsIndex(segs[i]) && std::stoul(segs[i]) < cur->size()) {
      cur = &(*cur)[std::stoul(segs[i])];
    } else {
      out.error = Missing(segs, i);
      return out;
    }
  }
  if (cur->is_string()) {
    out.kind = DocLookup::Kind::kScalar;
    out.scalar = cur->get<std::string>();
  } else if (cur->is_number() || cur->is_boolean()) {
    out.kind = DocLookup::Kind::kScalar;
    out.scalar = cur->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else if (cur->is_object()) {
    out.kind = DocLookup::Kind::kMap;
    for (auto it = cur->begin(); it != cur->end(); ++it) {
      if (it->is_string()) out.map[it.key()] = it->get<std::string>();
    }
  } else {
    out.kind = DocLookup::Kind::kOther;
    out.error = "value is " + std::string(cur->is_null() ? "null" : "a list");
  }
  return out;
}

DocLookup FromYaml(std::string_view text, const std::vector<std::string>& segs) {
  DocLookup out;
  YAML::Node cur;
  try {
    // yaml-cpp nodes are references: rebind with reset(), never assign (that writes through).
    cur.reset(YAML::Load(std::string(text)));
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const YAML::Node& here = cur;
      bool is_index = here.IsSequence() && IsIndex(segs[i]) && std::stoul(segs[i]) < here.size();
      if (!here.IsMap() && !is_index) {
        out.error = Missing(segs, i);
        return out;
      }
      // A missing key yields an invalid node; test it before rebinding to it.
      const YAML::Node child = is_index ? here[std::stoul(segs[i])] : here[segs[i]];
      if (!child.IsDefined()) {
        out.error = Missing(segs, i);
        return out;
      }
      cur.reset(child);
    }
    out.line = cur.Mark().line >= 0 ? cur.Mark().line + 1 : 0;
    if (cur.IsScalar()) {
      out.kind = DocLookup::Kind::kScalar;
      out.scalar = cur.Scalar();
    } else if (cur.IsMap()) {
      out.kind = DocLookup::Kind::kMap;
      for (auto it = cur.begin(); it != cur.end(); ++it) {
        if (it->first.IsScalar() && it->second.IsScalar())
          out.map[it->first.Scalar()] = it->second.Scalar();
      }
    } else {
      out.kind = DocLookup::Kind::kOther;
      out.error = std::string("value is ") + (cur.IsNull() ? "null" : "a list");
    }
  } catch (const YAML::Exception& e) {
    out.kind = DocLookup::Kind::kParseError;
    out.error = "not valid YAML (line " + std::to_string(e.mark.line + 1) + ": " + e.msg + ")";
  }
  return out;
}

DocLookup FromToml(std::string_view text, const std::vector<std::string>& segs) {
  DocLookup out;
  toml::table table;
  try {
    table = toml::parse(text);
  } catch (const toml::parse_error& e) {
    out.kind = DocLookup::Kind::kParseError;
    out.error = "not valid TOML (line " + std::to_string(e.source().begin.line) + ": " +
                std::string(e.description()) + ")";
    return out;
  }
  toml::node* cur = &table;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    toml::node* next = nullptr;
    if (auto* t = cur->as_table()) {
      next = t->get(segs[i]);
    } else if (auto* a = cur->as_array(); a && IsIndex(segs[i])) {
      next = a->get(std::stoul(segs[i]));
    }
    if (!next) {
      out.error = Missing(segs, i);
      return out;
    }
    cur = next;
  }
  out.line = static_cast<int>(cur->source().begin.line);
  if (auto s = cur->value<std::string>(); s && cur->is_string()) {
    out.kind = DocLookup::Kind::kScalar;
    out.scalar = *s;
  } else if (cur->is_integer()) {
    out.kind = DocLookup::Kind::kScalar;
    out.scalar = std::to_string(cur->as_integer()->get());
  } else if (cur->is_boolean()) {
    out.kind = DocLookup::Kind::kScalar;
    out.scalar = cur->as_boolean()->get() ? "true" : "false";
  } else if (auto* t = cur->as_table()) {
    out.kind = DocLookup::Kind::kMap;
    for (auto&& [k, v] : *t) {
      if (auto sv = v.value<std::string>(); sv && v.is_string())
        out.map[std::string(k.str())] = *sv;
    }
  } else {
    out.kind = DocLookup::Kind::kOther;
    out.error = "value is not a string";
  }
  return out;
}

}  // namespace

DocLookup LookupDocument(DocFormat format, std::string_view text, const std::string& key_path) {
  std::vector<std::string> segs = Split(key_path, '.');
  for (const auto& s : segs) {
    if (s.empty()) {
      DocLookup out;
      out.error = "key path '" + key_path + "' has an empty segment";
      return out;
    }
  }
  switch (format) {
    case DocFormat::kJson:
      return FromJson(text, segs);
    case DocFormat::kYaml:
      return FromYaml(text, segs);
    case DocFormat::kToml:
      return FromToml(text, segs);
  }
  return {};
}

}  // namespace rollgate::internal
