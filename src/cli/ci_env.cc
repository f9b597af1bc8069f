#include "cli/ci_env.h"

#include <cstdio>
#include <cstdlib>
#include <random>

#include "cli/cli_common.h"

namespace rollgate::cli {

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// 128 random bits: a token provider text cannot guess, so it cannot resume workflow commands.
std::string RandomToken() {
  std::random_device rd;
  std::string token = "rollgate-";
  for (int i = 0; i < 4; ++i) {
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(rd()));
    token += hex;
  }
  return token;
}

void Print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

CiOutputs::CiOutputs(const std::string& dotenv) {
  targets_.github = Env("GITHUB_ACTIONS") == "true";
  targets_.dotenv = dotenv;
  if (targets_.github) {
    targets_.step_summary = Env("GITHUB_STEP_SUMMARY");
    targets_.step_outputs = Env("GITHUB_OUTPUT");
  }
}

void CiOutputs::BeginConsole() {
  if (!targets_.github || !stop_token_.empty()) return;
  stop_token_ = RandomToken();
  Print(GithubStopCommands(stop_token_));
}

void CiOutputs::EndConsole() {
  if (stop_token_.empty()) return;
  Print("\n" + GithubResumeCommands(stop_token_));
  stop_token_.clear();
}

int CiOutputs::Publish(const RunReport& report, const std::string& evidence_dir, int rc) {
  EndConsole();
  std::string annotations;
  Status st = PublishCiOutputs(targets_, report, evidence_dir, &annotations);
  return Finish(st, annotations, rc);
}

int CiOutputs::Publish(const FleetReport& report, const std::string& evidence_dir, int rc) {
  EndConsole();
  std::string annotations;
  Status st = PublishCiOutputs(targets_, report, evidence_dir, &annotations);
  return Finish(st, annotations, rc);
}

// A value dotenv cannot carry exits 2, a file that cannot be written 3: the pipeline would
// otherwise branch on a value that is not there.
int CiOutputs::Finish(const Status& published, const std::string& annotations, int rc) {
  Print(annotations);
  return published.ok() ? rc : ReportError(published);
}

}  // namespace rollgate::cli
