// Running the built `rollgate` binary in tests, the way an operator or CI job would.
#pragma once

#include <string>
#include <vector>

#include "base/file_util.h"
#include "base/subprocess.h"

namespace rollgate::testing {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `rollgate <args...>` with `env` (NAME=VALUE) added to the environment, bounded.
inline CliRun RunRollgate(const std::vector<std::string>& args,
                          const std::vector<std::string>& env = {}, int timeout_ms = 60000) {
  std::vector<std::string> argv = {"env"};
  for (const auto& e : env) argv.push_back(e);
  argv.push_back(ROLLGATE_BINARY);
  for (const auto& a : args) argv.push_back(a);
  internal::CommandOptions opts;
  opts.timeout_ms = timeout_ms;
  opts.max_output_bytes = 4 << 20;
  Result<internal::CommandResult> r = internal::RunCommand(argv, opts);
  CliRun out;
  if (!r.ok()) return out;
  out.exit_code = r->timed_out ? -2 : r->exit_code;
  out.out = r->out;
  out.err = r->err;
  return out;
}

inline std::string ReadOr(const std::string& path) {
  Result<std::string> text = internal::ReadFileToString(path);
  return text.ok() ? *text : std::string();
}

}  // namespace rollgate::testing
