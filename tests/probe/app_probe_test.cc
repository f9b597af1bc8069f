// RunExecProbe's failure text: a failed smoke command is shown by both ends of its stderr (its
// cause is often the last line), and never by the tail of a key it echoed.
#include "probe/app_probe.h"

#include <gtest/gtest.h>

#include <string>

#include "base/secret.h"

namespace rollgate::internal {
namespace {

AppProbeOutcome AppProbeRunShell(const std::string& script, const Redactor* redactor = nullptr) {
  ExecProbeConfig config;
  config.command = {"sh", "-c", script};
  config.timeout_ms = 10000;
  return RunExecProbe(ProcessEnvironment(), ProcessClock(), config, AppProbeRequest{}, {}, ".",
                      redactor);
}

// The command line is part of the failure text, so the key must not be in it: the script
// decodes it (ROT13) at run time.
std::string AppProbeRot13(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>('a' + (c - 'a' + 13) % 26);
    if (c >= 'A' && c <= 'Z') c = static_cast<char>('A' + (c - 'A' + 13) % 26);
  }
  return s;
}

// Writes to stderr: 100 'y', a space, the key, a space, 60 'z' (all made at run time).
std::string AppProbeEchoKeyScript(const std::string& key) {
  return "k=$(echo '" + AppProbeRot13(key) +
         "' | tr 'A-Za-z' 'N-ZA-Mn-za-m'); y=$(printf '%0100d' 0 | tr 0 y); "
         "z=$(printf '%060d' 0 | tr 0 z); echo \"$y $k $z\" >&2; echo not-json; exit 1";
}

TEST(AppProbeTest, AFailedCommandIsShownByBothEndsOfItsStderr) {
  // 400 bytes of start-up chatter, then the line that says what went wrong.
  AppProbeOutcome o = AppProbeRunShell(
      "i=0; while [ $i -lt 20 ]; do echo 'loading module ........' >&2; i=$((i+1)); done; "
      "echo 'FATAL: model alias chat-default is not defined' >&2; echo not-json; exit 3");
  EXPECT_NE(o.failure.find("FATAL: model alias chat-default is not defined"), std::string::npos)
      << o.failure;
  EXPECT_NE(o.failure.find("loading module"), std::string::npos) << o.failure;
  EXPECT_NE(o.failure.find(" bytes)…"), std::string::npos) << o.failure;
}

TEST(AppProbeTest, AnEchoedKeyIsNeitherShownWholeNorByItsLastBytes) {
  const std::string key = "sk-live-AppProbeTail-0123456789abcdefghij";
  Redactor redactor;
  redactor.AddSecret(key);
  // 100 bytes, the key, then 61: the 80-byte head ends before the key, the 80-byte tail would
  // start inside it.
  const std::string before(100, 'y');
  const std::string after = " " + std::string(60, 'z');
  AppProbeOutcome o = AppProbeRunShell(AppProbeEchoKeyScript(key), &redactor);
  EXPECT_EQ(o.failure.find(key), std::string::npos) << o.failure;
  EXPECT_EQ(o.failure.find("abcdefghij"), std::string::npos) << o.failure;
  // Without the redactor (the tail rule alone), the cut inside the key shows none of it.
  AppProbeOutcome bare = AppProbeRunShell(AppProbeEchoKeyScript(key));
  EXPECT_EQ(bare.failure.find("abcdefghij"), std::string::npos) << bare.failure;
  EXPECT_NE(bare.failure.find(after), std::string::npos) << bare.failure;
  EXPECT_NE(bare.failure.find(before.substr(0, 60)), std::string::npos) << bare.failure;
}

}  // namespace
}  // namespace rollgate::internal
