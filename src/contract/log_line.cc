#include "contract/log_line.h"

#include "contract/json_util.h"

namespace rollgate::internal {

namespace {

// A value that counts as the field being there: not null and not "".
bool Present(const nlohmann::json& j) {
  return !j.is_null() && !(j.is_string() && j.get_ref<const std::string&>().empty());
}

// Every key of every object reachable through objects, whose value is present.
void CollectKeys(const nlohmann::json& j, std::set<std::string>* keys) {
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (Present(*it)) keys->insert(it.key());
    CollectKeys(*it, keys);
  }
}

}  // namespace

Result<std::set<std::string>> JsonLogLineFields(std::string_view line,
                                                const std::vector<std::string>& keys) {
  if (line.empty() || line.front() != '{') return Status::NotFound("not a JSON line");
  Result<nlohmann::json> parsed = ParseJsonBounded(line);
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& j = *parsed;
  std::set<std::string> anywhere;
  CollectKeys(j, &anywhere);
  std::set<std::string> carried;
  for (const std::string& key : keys) {
    bool found = false;
    if (key.find('.') != std::string::npos) {
      const nlohmann::json* at = FindPath(j, key);
      found = at && Present(*at);
    } else {
      found = anywhere.count(key) > 0;
    }
    if (found) carried.insert(key);
  }
  return carried;
}

}  // namespace rollgate::internal
