#include "contract/json_util.h"

#include "base/json_scan.h"
#include "base/strings.h"

namespace rollgate::internal {

namespace {

// A linear pre-scan for nesting depth that skips string contents. Cheap next to parsing, and
// it lets us refuse a depth bomb before building any tree.
bool DepthWithin(std::string_view text, int limit) {
  int depth = 0;
  return ScanJsonBrackets(text, 0, [&](char c, std::size_t) {
           if (c == ']' || c == '}') {
             --depth;
             return true;
           }
           return ++depth <= limit;
         }) == std::string_view::npos;
}

}  // namespace

Result<nlohmann::json> ParseJsonBounded(std::string_view text) {
  if (!DepthWithin(text, kMaxJsonDepth)) {
    return Status::InvalidArgument("nested deeper than " + std::to_string(kMaxJsonDepth) +
                                   " levels");
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    if (!IsValidUtf8(text)) return Status::InvalidArgument("invalid UTF-8");
    return Status::InvalidArgument("not JSON at byte " + std::to_string(e.byte));
  } catch (const std::exception&) {
    return Status::InvalidArgument("not JSON");
  }
}

std::string StringOr(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::string();
  auto it = j.find(key);
  if (it == j.end()) return std::string();
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return std::string();
}

const nlohmann::json* FindPath(const nlohmann::json& root, std::string_view dotted) {
  const nlohmann::json* cur = &root;
  for (const std::string& seg : Split(dotted, '.')) {
    if (cur->is_object()) {
      auto it = cur->find(seg);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      if (seg.empty() || seg.size() > 9 ||
          seg.find_first_not_of("0123456789") != std::string::npos) {
        return nullptr;
      }
      std::size_t idx = std::stoul(seg);
      if (idx >= cur->size()) return nullptr;
      cur = &(*cur)[idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

std::vector<std::string> ObjectKeys(const nlohmann::json& j) {
  std::vector<std::string> keys;
  if (!j.is_object()) return keys;
  // nlohmann::json keeps members in a std::map<std::string, ...>: already in byte order
  // (std::char_traits<char> compares as unsigned char).
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  return keys;
}

const char* JsonTypeName(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "object";
    case nlohmann::json::value_t::array:
      return "array";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::boolean:
      return "boolean";
    case nlohmann::json::value_t::binary:
      return "binary";
    case nlohmann::json::value_t::discarded:
      return "discarded";
    default:
      return "number";
  }
}

}  // namespace rollgate::internal
