// The real Prometheus tools the metrics tests use (Debian package prometheus): promtool to lint
// an exposition, and the server itself to scrape `rollgate serve`. A missing tool fails the
// test with the command that installs it; it is never a silent skip.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "base/subprocess.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {

/// The path of `name` in PATH (or /usr/bin), or "" when it is not installed.
inline std::string FindProgram(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/bin:/usr/local/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    if (!dir.empty()) {
      std::string candidate = dir + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    start = end + 1;
  }
  return "";
}

/// Sets *path to the tool, or fails the test (fatally) saying how to install it.
inline void RequireProgram(const std::string& name, std::string* path) {
  *path = FindProgram(name);
  ASSERT_FALSE(path->empty()) << name
                              << " is not installed; the metrics tests need the real Prometheus "
                                 "tools: run scripts/bootstrap.sh --test (Debian package "
                                 "prometheus)";
}

/// Runs `promtool check metrics` with `exposition` on stdin. Returns "" when it passes,
/// otherwise promtool's exit status and everything it printed.
inline std::string PromtoolProblems(const std::string& promtool, const std::string& exposition) {
  TempDir dir;
  std::string file = dir.Write("metrics.txt", exposition);
  internal::CommandOptions options;
  options.timeout_ms = 30000;
  Result<internal::CommandResult> r = internal::RunCommand(
      {"/bin/sh", "-c", "exec \"$0\" check metrics < \"$1\"", promtool, file}, options);
  if (!r.ok()) return "cannot run promtool: " + r.status().message();
  if (r->succeeded()) return "";
  return "promtool check metrics: " + r->Describe(options.timeout_ms) + "\n" + r->out + r->err;
}

}  // namespace rollgate::testing
