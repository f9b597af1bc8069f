// Running the built examples/sample_app binary in tests, the way rollgate's exec probe (and an
// operator) runs it: a real process, its own config file, environment variables as the only
// input, stdout as the answer.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "base/strings.h"
#include "base/subprocess.h"

namespace rollgate::testing {

struct AppRun {
  int exit_code = -1;  // -2: timed out; -1: could not be started
  std::string out;
  std::string err;
};

/// Runs `sample_app <args...>` with `env` (NAME=VALUE) added to the environment, bounded.
inline AppRun RunSampleApp(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {}, int timeout_ms = 30000) {
  std::vector<std::string> argv = {ROLLGATE_SAMPLE_APP};
  argv.insert(argv.end(), args.begin(), args.end());
  internal::CommandOptions opts;
  opts.timeout_ms = timeout_ms;
  opts.extra_env = env;
  Result<internal::CommandResult> r = internal::RunCommand(argv, opts);
  AppRun run;
  if (!r.ok()) return run;
  run.exit_code = r->timed_out ? -2 : r->exit_code;
  run.out = r->out;
  run.err = r->err;
  return run;
}

/// A config in the app's own format, v2-like: base URL from $SAMPLE_APP_BASE_URL, key from
/// $SAMPLE_APP_KEY, alias "fast" -> gpt-4o-mini, full log lines in app.log.jsonl next to it.
/// Tests override members with json::update().
inline nlohmann::json SampleAppConfig(const std::string& version = "2.4.0") {
  return {{"version", version},
          {"base_url", {{"env", "SAMPLE_APP_BASE_URL"}}},
          {"api_key", {{"env", "SAMPLE_APP_KEY"}}},
          {"model_alias", "fast"},
          {"models", {{"fast", "gpt-4o-mini"}, {"smart", "gpt-4o"}}},
          {"timeout_ms", 10000},
          {"parser", "tolerant"},
          {"log_file", "app.log.jsonl"},
          {"log_fields", "full"}};
}

/// The protocol object the app printed: stdout must be exactly one JSON object line.
/// A discarded json (is_discarded()) when it is not.
inline nlohmann::json ProtocolOf(const std::string& out) {
  std::string_view text = internal::TrimView(out);
  if (text.empty() || text.find('\n') != std::string_view::npos) {
    return nlohmann::json::value_t::discarded;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : nlohmann::json(nlohmann::json::value_t::discarded);
}

/// Every line of a JSON-lines file, parsed (a line that is not JSON comes back discarded).
inline std::vector<nlohmann::json> JsonLines(const std::string& path) {
  Result<std::string> text = internal::ReadFileToString(path);
  std::vector<nlohmann::json> lines;
  if (!text.ok()) return lines;
  for (const std::string& line : internal::Split(*text, '\n')) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line, nullptr, false));
  }
  return lines;
}

}  // namespace rollgate::testing
