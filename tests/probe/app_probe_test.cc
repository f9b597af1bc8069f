// RunExecProbe's failure text: a failed smoke command is shown by the end of its stderr, where
// its cause usually is, and never by the tail of a key it echoed.
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

std::string AppProbeEchoKeyScript(const std::string& key, const std::string& after) {
  return "k=$(echo '" + AppProbeRot13(key) + "' | tr 'A-Za-z' 'N-ZA-Mn-za-m'); echo \"using $k" +
         after + "\" >&2; echo not-json; exit 1";
}

TEST(AppProbeTest, AFailedCommandIsShownByTheEndOfItsStderr) {
  // 400 bytes of start-up chatter, then the line that says what went wrong.
  AppProbeOutcome o = AppProbeRunShell(
      "i=0; while [ $i -lt 20 ]; do echo 'loading module ........' >&2; i=$((i+1)); done; "
      "echo 'FATAL: model alias chat-default is not defined' >&2; echo not-json; exit 3");
  EXPECT_NE(o.failure.find("FATAL: model alias chat-default is not defined"), std::string::npos)
      << o.failure;
  EXPECT_NE(o.failure.find("bytes before)…"), std::string::npos) << o.failure;
}

TEST(AppProbeTest, AnEchoedKeyIsNeitherShownWholeNorByItsLastBytes) {
  const std::string key = "sk-live-AppProbeTail-0123456789abcdefghij";
  Redactor redactor;
  redactor.AddSecret(key);
  // The key, then exactly enough stderr that a 160-byte tail would start inside it.
  std::string after(150, 'z');
  AppProbeOutcome o = AppProbeRunShell(AppProbeEchoKeyScript(key, after), &redactor);
  EXPECT_EQ(o.failure.find(key), std::string::npos) << o.failure;
  EXPECT_EQ(o.failure.find("abcdefghij"), std::string::npos) << o.failure;
  // Without the redactor (the tail alone), a cut inside the key still shows none of it.
  AppProbeOutcome bare = AppProbeRunShell(AppProbeEchoKeyScript(key, " " + after));
  EXPECT_EQ(bare.failure.find("abcdefghij"), std::string::npos) << bare.failure;
  EXPECT_NE(bare.failure.find(after.substr(0, 100)), std::string::npos) << bare.failure;
}

}  // namespace
}  // namespace rollgate::internal
