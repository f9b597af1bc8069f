#include "app_config.h"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/file_util.h"
#include "base/strings.h"

namespace sample_app {

namespace {

using nlohmann::json;
namespace base = rollgate::internal;

constexpr const char* kKnownKeys[] = {"version",    "base_url",   "api_key", "model_alias",
                                      "models",     "timeout_ms", "parser",  "log_file",
                                      "log_fields", "fallback"};

// Collects "<file>: <key>: <what>" messages; the first one is reported.
class Checker {
 public:
  explicit Checker(std::string path) : path_(std::move(path)) {}

  void Fail(const std::string& key, const std::string& what) {
    if (error_.empty()) error_ = path_ + ": " + key + ": " + what;
  }
  bool failed() const { return !error_.empty(); }
  Status status() const { return Status::InvalidArgument(error_); }

  // A required or optional string.
  std::string String(const json& doc, const std::string& key, bool required) {
    auto it = doc.find(key);
    if (it == doc.end()) {
      if (required) Fail(key, "missing (required)");
      return "";
    }
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      Fail(key, "expected a non-empty string");
      return "";
    }
    return it->get<std::string>();
  }

  // A value that is a literal string (when allowed) or {"env": NAME} / {"file": PATH}.
  ValueSource Source(const json& doc, const std::string& key, bool literal_allowed,
                     const std::string& base_dir) {
    ValueSource s;
    s.key = key;
    auto it = doc.find(key);
    const std::string expected = literal_allowed
                                     ? "expected a string, {\"env\": NAME} or {\"file\": PATH}"
                                     : "expected {\"env\": NAME} or {\"file\": PATH} (never the "
                                       "secret itself in a config file)";
    if (it == doc.end()) {
      Fail(key, "missing (required); " + expected);
      return s;
    }
    if (it->is_string() && literal_allowed && !it->get_ref<const std::string&>().empty()) {
      s.text = it->get<std::string>();
      return s;
    }
    if (it->is_object() && it->size() == 1) {
      auto env = it->find("env");
      auto file = it->find("file");
      if (env != it->end() && env->is_string() && !env->get_ref<const std::string&>().empty()) {
        s.kind = ValueSource::Kind::kEnv;
        s.text = env->get<std::string>();
        return s;
      }
      if (file != it->end() && file->is_string() && !file->get_ref<const std::string&>().empty()) {
        s.kind = ValueSource::Kind::kFile;
        s.text = base::ResolveRelative(base_dir, file->get<std::string>());
        return s;
      }
    }
    Fail(key, expected);
    return s;
  }

 private:
  std::string path_;
  std::string error_;
};

// "file:LINE:COL" for a byte offset, so a JSON typo can be found without counting bytes.
std::string Position(const std::string& path, const std::string& text, std::size_t byte) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return path + ":" + std::to_string(line) + ":" + std::to_string(col);
}

std::optional<ParserMode> ParseParserMode(std::string_view name) {
  if (name == "tolerant") return ParserMode::kTolerant;
  if (name == "strict-fields") return ParserMode::kStrictFields;
  if (name == "content-parts") return ParserMode::kContentParts;
  return std::nullopt;
}

std::optional<LogFields> ParseLogFields(std::string_view name) {
  if (name == "full") return LogFields::kFull;
  if (name == "minimal") return LogFields::kMinimal;
  if (name == "leaky") return LogFields::kLeaky;
  return std::nullopt;
}

void ReadModels(const json& doc, Checker& check, AppConfig& config) {
  auto it = doc.find("models");
  if (it == doc.end()) return check.Fail("models", "missing (required); expected {alias: model}");
  if (!it->is_object()) return check.Fail("models", "expected an object {alias: model}");
  for (auto m = it->begin(); m != it->end(); ++m) {
    if (!m->is_string() || m->get_ref<const std::string&>().empty()) {
      return check.Fail("models." + m.key(), "expected a non-empty model name");
    }
    config.models[m.key()] = m->get<std::string>();
  }
}

void ReadFallback(const json& doc, Checker& check, AppConfig& config) {
  auto it = doc.find("fallback");
  if (it == doc.end() || it->is_null()) return;
  if (!it->is_object()) return check.Fail("fallback", "expected {\"model\": M, \"on\": [...]}");
  FallbackConfig fb;
  fb.model = check.String(*it, "model", /*required=*/false);
  if (fb.model.empty()) return check.Fail("fallback.model", "expected a non-empty model name");
  auto on = it->find("on");
  if (on == it->end() || !on->is_array() || on->empty()) {
    return check.Fail("fallback.on",
                      "expected a non-empty list of statuses and error codes, e.g. [503, "
                      "\"model_not_found\"]");
  }
  for (const json& trigger : *on) {
    if (trigger.is_number_integer() && trigger.get<int>() >= 100 && trigger.get<int>() <= 599) {
      fb.on_status.push_back(trigger.get<int>());
    } else if (trigger.is_string() && !trigger.get_ref<const std::string&>().empty()) {
      fb.on_code.push_back(trigger.get<std::string>());
    } else {
      return check.Fail("fallback.on", "entries are HTTP statuses (100-599) or error codes, got " +
                                           trigger.dump());
    }
  }
  for (const auto& key : it->items()) {
    if (key.key() != "model" && key.key() != "on") {
      return check.Fail("fallback." + key.key(), "unknown key (expected model, on)");
    }
  }
  config.fallback = std::move(fb);
}

}  // namespace

std::string_view ParserModeName(ParserMode mode) {
  switch (mode) {
    case ParserMode::kTolerant:
      return "tolerant";
    case ParserMode::kStrictFields:
      return "strict-fields";
    case ParserMode::kContentParts:
      return "content-parts";
  }
  return "tolerant";
}

Result<AppConfig> LoadAppConfig(const std::string& path) {
  Result<std::string> text = base::ReadFileToString(path, 1u << 20);
  if (!text.ok()) return Status::InvalidArgument("cannot read config: " + text.status().message());
  json doc;
  try {
    doc = json::parse(*text);
  } catch (const json::parse_error& e) {
    // nlohmann's message starts with "[json.exception.parse_error.101] parse error at line ..";
    // the position is given in ours, the reason after the last ": " is what helps.
    std::string why = e.what();
    std::size_t colon = why.rfind(": ");
    if (colon != std::string::npos) why = why.substr(colon + 2);
    return Status::InvalidArgument(Position(path, *text, e.byte) + ": invalid JSON: " + why);
  }
  if (!doc.is_object()) {
    return Status::InvalidArgument(path + ": expected a JSON object at the top level");
  }

  Checker check(path);
  for (const auto& item : doc.items()) {
    bool known = false;
    for (const char* k : kKnownKeys) known = known || item.key() == k;
    if (!known) {
      std::vector<std::string> candidates(std::begin(kKnownKeys), std::end(kKnownKeys));
      std::string guess = base::ClosestMatch(item.key(), candidates);
      check.Fail(item.key(),
                 "unknown key" + (guess.empty() ? "" : " (did you mean " + guess + "?)"));
    }
  }

  const std::string base_dir = base::DirName(path);
  AppConfig config;
  config.path = path;
  config.version = check.String(doc, "version", /*required=*/true);
  config.base_url = check.Source(doc, "base_url", /*literal_allowed=*/true, base_dir);
  config.api_key = check.Source(doc, "api_key", /*literal_allowed=*/false, base_dir);
  config.model_alias = check.String(doc, "model_alias", /*required=*/true);
  ReadModels(doc, check, config);

  if (auto t = doc.find("timeout_ms"); t != doc.end()) {
    if (!t->is_number_integer() || t->get<long long>() < 1 || t->get<long long>() > 600000) {
      check.Fail("timeout_ms", "expected milliseconds between 1 and 600000");
    } else {
      config.timeout_ms = t->get<int>();
    }
  }
  if (doc.contains("parser")) {
    std::string name = check.String(doc, "parser", /*required=*/false);
    std::optional<ParserMode> mode = ParseParserMode(name);
    if (!mode && !check.failed()) {
      check.Fail("parser", "unknown parser '" + name +
                               "' (expected tolerant, strict-fields or content-parts)");
    }
    if (mode) config.parser = *mode;
  }
  if (doc.contains("log_file")) {
    std::string file = check.String(doc, "log_file", /*required=*/false);
    if (!file.empty()) config.log_file = base::ResolveRelative(base_dir, file);
  }
  if (doc.contains("log_fields")) {
    std::string name = check.String(doc, "log_fields", /*required=*/false);
    std::optional<LogFields> fields = ParseLogFields(name);
    if (!fields && !check.failed()) {
      check.Fail("log_fields", "unknown value '" + name + "' (expected full, minimal or leaky)");
    }
    if (fields) config.log_fields = *fields;
  }
  ReadFallback(doc, check, config);

  if (check.failed()) return check.status();
  return config;
}

Result<std::string> ResolveValue(const ValueSource& source) {
  switch (source.kind) {
    case ValueSource::Kind::kLiteral:
      return base::Trim(source.text);
    case ValueSource::Kind::kEnv: {
      const char* value = std::getenv(source.text.c_str());
      if (value == nullptr) {
        return Status::NotFound(source.key + ": environment variable " + source.text +
                                " is not set");
      }
      std::string trimmed = base::Trim(value);
      if (trimmed.empty()) {
        return Status::NotFound(source.key + ": environment variable " + source.text + " is empty");
      }
      return trimmed;
    }
    case ValueSource::Kind::kFile: {
      Result<std::string> text = base::ReadFileToString(source.text, 64u << 10);
      if (!text.ok()) return Status::NotFound(source.key + ": " + text.status().message());
      std::string trimmed = base::Trim(*text);
      if (trimmed.empty()) return Status::NotFound(source.key + ": " + source.text + " is empty");
      return trimmed;
    }
  }
  return Status::Internal(source.key + ": unknown source kind");
}

}  // namespace sample_app
