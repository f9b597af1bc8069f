#include "checks/app_logs.h"

#include <regex.h>

#include <memory>
#include <set>

#include "base/strings.h"
#include "contract/log_line.h"

namespace rollgate::internal {

namespace {

// A plain-text line longer than this is matched on its first kMaxMatchBytes only: a bound on
// regexec's time whatever the app writes.
constexpr std::size_t kMaxMatchBytes = 16 << 10;

// Compiled `patterns`, freed on destruction.
class Patterns {
 public:
  explicit Patterns(const std::map<std::string, std::string>& patterns) {
    for (const auto& [field, pattern] : patterns) {
      auto re = std::make_unique<regex_t>();
      if (::regcomp(re.get(), pattern.c_str(), REG_EXTENDED | REG_NOSUB) == 0)
        compiled_[field] = std::move(re);
    }
  }
  ~Patterns() {
    for (auto& [field, re] : compiled_) ::regfree(re.get());
  }
  Patterns(const Patterns&) = delete;
  Patterns& operator=(const Patterns&) = delete;

  // nullptr when `field` has no (valid) pattern.
  const regex_t* Find(const std::string& field) const {
    auto it = compiled_.find(field);
    return it == compiled_.end() ? nullptr : it->second.get();
  }

 private:
  std::map<std::string, std::unique_ptr<regex_t>> compiled_;
};

// The required fields `line` lacks.
std::vector<std::string> MissingFields(std::string_view line, const AppLogsInput& in,
                                       const Patterns& patterns) {
  std::vector<std::string> missing;
  std::string_view t = TrimView(line);
  // A JSON line: each required field under its configured key (`fields:` renames it).
  std::vector<std::string> json_keys;
  json_keys.reserve(in.require.size());
  for (const auto& want : in.require) {
    auto named = in.fields.find(want);
    json_keys.push_back(named == in.fields.end() ? want : named->second);
  }
  Result<std::set<std::string>> carried = JsonLogLineFields(t, json_keys);
  if (carried.ok()) {
    for (std::size_t i = 0; i < in.require.size(); ++i) {
      if (carried->count(json_keys[i])) continue;
      missing.push_back(in.require[i]);
      if (in.fields.count(in.require[i]))
        missing.back().append(" (").append(json_keys[i]).append(")");
    }
    return missing;
  }
  std::set<std::string> keys;  // logfmt-ish: key=value tokens
  for (const std::string& token : Split(std::string(t), ' ')) {
    std::size_t eq = token.find('=');
    if (eq != std::string::npos && eq > 0 && eq + 1 < token.size())
      keys.insert(token.substr(0, eq));
  }
  const std::string text(t.substr(0, kMaxMatchBytes));
  for (const auto& want : in.require) {
    const regex_t* re = patterns.Find(want);
    bool found = re ? ::regexec(re, text.c_str(), 0, nullptr, 0) == 0 : keys.count(want) > 0;
    if (!found) missing.push_back(re ? want + " (pattern)" : want);
  }
  return missing;
}

}  // namespace

CheckResult CheckAppLogs(const AppLogsInput& in, const Redactor& redactor) {
  CheckResult r{"app_logs", CheckStatus::kPass, "", false};
  std::vector<std::string> lines = Split(in.logs, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  const Patterns patterns(in.patterns);
  int matched = 0;
  std::vector<std::string> problems;
  for (const std::string& line : lines) {
    bool ours = false;
    for (const auto& id : in.correlation_ids)
      ours = ours || (!id.empty() && line.find(id) != std::string::npos);
    if (!ours) continue;
    ++matched;
    if (redactor.Redact(line) != line) {
      problems.push_back(
          "a log line for this probe carries a secret (a key, or a key-shaped token): rotate the "
          "key and stop logging credentials");
      continue;
    }
    std::vector<std::string> missing = MissingFields(line, in, patterns);
    if (!missing.empty()) {
      problems.push_back(
          "the log line for this probe lacks " + Join(missing, ", ") +
          ": a failure there could not be traced to a release, route or provider request");
    }
  }
  if (matched == 0) {
    r.status = CheckStatus::kFail;
    r.detail =
        "no line from " + in.source + " (" + std::to_string(lines.size()) +
        " lines) carries the correlation id " + Join(in.correlation_ids, " or ") +
        ": the app does not log its provider calls with the X-Client-Request-Id it was given";
    return r;
  }
  if (!problems.empty()) {
    r.status = CheckStatus::kFail;
    r.detail = problems.front();
    return r;
  }
  r.detail = std::to_string(matched) + " log line" + (matched > 1 ? "s" : "") +
             " for this probe carry " + Join(in.require, ", ") + " and no secret";
  return r;
}

}  // namespace rollgate::internal
