#include "checks/app_logs.h"

#include <set>

#include "base/strings.h"
#include "contract/json_util.h"

namespace rollgate::internal {

namespace {

void CollectKeys(const nlohmann::json& j, std::set<std::string>* keys) {
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it->is_null() && !(it->is_string() && it->get_ref<const std::string&>().empty())) keys->insert(it.key());
    CollectKeys(*it, keys);
  }
}

std::set<std::string> FieldsOf(std::string_view line) {
  std::set<std::string> keys;
  nlohmann::json j;
  std::string_view t = TrimView(line);
  if (!t.empty() && t.front() == '{' && ParseJsonBounded(t, &j)) {
    CollectKeys(j, &keys);
    return keys;
  }
  // logfmt-ish: key=value tokens.
  for (const std::string& token : Split(std::string(t), ' ')) {
    std::size_t eq = token.find('=');
    if (eq != std::string::npos && eq > 0 && eq + 1 < token.size()) keys.insert(token.substr(0, eq));
  }
  return keys;
}

}  // namespace

CheckResult CheckAppLogs(const AppLogsInput& in, const Redactor& redactor) {
  CheckResult r{"app_logs", CheckStatus::kPass, "", false};
  std::vector<std::string> lines = Split(in.logs, '\n');
  int matched = 0;
  std::vector<std::string> problems;
  for (const std::string& line : lines) {
    bool ours = false;
    for (const auto& id : in.correlation_ids) ours = ours || (!id.empty() && line.find(id) != std::string::npos);
    if (!ours) continue;
    ++matched;
    if (redactor.Redact(line) != line) {
      problems.push_back("a log line for this probe carries a secret (a key, or a key-shaped token): rotate the "
                         "key and stop logging credentials");
      continue;
    }
    std::set<std::string> fields = FieldsOf(line);
    std::vector<std::string> missing;
    for (const auto& want : in.require) {
      if (!fields.count(want)) missing.push_back(want);
    }
    if (!missing.empty()) {
      problems.push_back("the log line for this probe lacks " + Join(missing, ", ") +
                         ": a failure there could not be traced to a release, route or provider request");
    }
  }
  if (matched == 0) {
    r.status = CheckStatus::kFail;
    r.detail = "no line from `" + in.command + "` (" + std::to_string(lines.size()) +
               " lines) carries the correlation id " + Join(in.correlation_ids, " or ") +
               ": the app does not log its provider calls with the X-Client-Request-Id it was given";
    return r;
  }
  if (!problems.empty()) {
    r.status = CheckStatus::kFail;
    r.detail = problems.front();
    return r;
  }
  r.detail = std::to_string(matched) + " log line" + (matched > 1 ? "s" : "") + " for this probe carry " +
             Join(in.require, ", ") + " and no secret";
  return r;
}

}  // namespace rollgate::internal
