// The failure modes, one table. Each names the check or gate that owns the failure (the seed's
// gate table: docs/rehearse.md), and, where retries matter, proves what reached the provider:
// a non-retryable answer must cost exactly one request, a flaky one must recover within the
// policy's budget, and a 429's Retry-After must be honoured.
#include "rehearse/modes.h"

#include <utility>

#include "base/file_util.h"
#include "base/strings.h"
#include "contract/sample_app_config.h"
#include "probe/retry_policy.h"

namespace rollgate::internal {

std::string Expectation::Describe(const std::string& release) const {
  std::string what = where == Where::kDecisionPass ? "decision pass"
                     : where == Where::kGate       ? "gate " + id
                                                   : release + " " + id;
  if (want == Want::kWarn) what += " (note)";
  if (want == Want::kFailOrWarn) what += " (fail or note)";
  return what;
}

namespace {

Expectation Check(const std::string& id, Expectation::Want want = Expectation::Want::kFail) {
  return {Expectation::Where::kCheck, want, id};
}
Expectation Gate(const std::string& id, Expectation::Want want = Expectation::Want::kFail) {
  return {Expectation::Where::kGate, want, id};
}

ReleaseConfig* Target(ModeSetup* s) {
  for (auto& r : s->config->releases) {
    if (r.name == s->target) return &r;
  }
  return nullptr;
}

const ReleaseReport* Release(const RunReport& report, const std::string& name) {
  return report.FindRelease(name);
}

// Requests that reached the mock for the target's chat probe.
int64_t ChatRequests(const RunReport& report, const mock::MockStats& stats,
                     const std::string& release, int* attempts) {
  const ReleaseReport* r = Release(report, release);
  *attempts = 0;
  if (!r) return -1;
  std::string id;
  for (const auto& a : r->attempts) {
    if (a.kind != AttemptKind::kChat) continue;
    id = a.client_request_id;
    ++*attempts;
  }
  auto it = stats.by_client_request_id.find(id);
  return it == stats.by_client_request_id.end() ? 0 : it->second;
}

std::string VerifyExactlyOneRequest(const RunReport& report, const mock::MockStats& stats,
                                    const ModeSetup& s) {
  // An app's client: its count is an observation (the row says it), judged by retry_policy.
  if (s.through_app) return "";
  int attempts = 0;
  int64_t n = ChatRequests(report, stats, s.target, &attempts);
  if (n == 1 && attempts == 1) return "";
  return "a non-retryable answer reached the provider " + std::to_string(n) + " times (" +
         std::to_string(attempts) + " attempts recorded): retries amplify the incident";
}

// Points the target release at the sample app (probe: exec); the app's own config file is
// written once the mock's URL is known (WriteSampleAppConfig).
std::string UseSampleApp(ModeSetup* s, std::map<std::string, std::string> overrides,
                         bool with_logs) {
  if (s->sample_app.empty())
    return "needs the sample app (examples/sample_app, built with the tests)";
  ReleaseConfig* rel = Target(s);
  if (!rel) return "no release " + s->target;
  s->uses_app = true;
  s->through_app = false;  // this mode swaps the release's app for the sample app
  s->app_overrides = std::move(overrides);
  rel->probe = ProbeKind::kExec;
  rel->exec.command = {s->sample_app, "smoke", "--config", s->work_dir + "/app.json"};
  rel->exec.timeout_ms = rel->timeout_ms * 2 + 2000;
  rel->stream = false;
  if (with_logs) {
    LogsConfig logs;
    logs.command = {"cat", s->work_dir + "/app.log"};
    rel->logs = logs;
  }
  return "";
}

// --- Each mode's extra setup (config and mock changes), by mode name. ---

// Recover on the last attempt the policy allows, so recovery proves the budget.
std::string SetupFlaky5xx(ModeSetup* s) {
  ReleaseConfig* rel = Target(s);
  s->mock->flaky_failures = rel && rel->retry.max_attempts > 1 ? rel->retry.max_attempts - 1 : 1;
  return "";
}

std::string SetupPrimaryModelDown(ModeSetup* s) {
  ReleaseConfig* rel = Target(s);
  if (rel) s->mock->down_models = {rel->model.value.literal};
  // An app sends the model its own config names, not rollgate's.
  if (s->through_app && !s->app_model.empty()) s->mock->down_models = {s->app_model};
  return "";
}

std::string SetupRollbackSecretDeleted(ModeSetup* s) {
  ReleaseConfig* rel = Target(s);
  rel->api_key = ValueSource{};
  rel->api_key.kind = ValueSource::Kind::kFile;
  rel->api_key.path = s->work_dir + "/deleted-secret/key";
  return "";
}

// The app reads alias "smart", its map only knows "smoke": a smoke script with a hard-coded
// model would have passed.
std::string SetupModelAliasMissing(ModeSetup* s) {
  return UseSampleApp(s, {{"model_alias", "smart"}}, false);
}

// The rollback's parser became strict about unknown fields after a shared library upgrade;
// CometAPI answers carry fields OpenAI's schema lacks.
std::string SetupRollbackParserUpgrade(ModeSetup* s) {
  s->mock->flavor = mock::Flavor::kCometApi;
  return UseSampleApp(s, {{"parser", "strict-fields"}}, false);
}

std::string SetupRetryNonRetryable(ModeSetup* s) {
  if (s->through_app && s->app_retries) {
    // The release's own client was observed: its retries are what they are, and retry_policy
    // judges them from the observation, not from a declaration.
    std::vector<std::string> once;
    for (const auto& [code, n] : s->app_retries->sends_per_status) {
      if (n > 1 && IsNeverRetriedStatus(code)) return "";
      if (IsNeverRetriedStatus(code)) once.push_back(std::to_string(code));
    }
    return "observed: " + s->target + "'s own client sent each non-retryable request once (" +
           Join(once, ", ") +
           "); an amplifier cannot be injected into the app, and its declared "
           "retry: is not what it does";
  }
  ReleaseConfig* rel = Target(s);
  rel->retry.retry_on = {400, 401, 429, 500, 502, 503, 504};
  rel->retry.max_attempts = std::max(rel->retry.max_attempts, 3);
  return "";
}

// The app logs "completion failed" with no version, route or endpoint.
std::string SetupLogsWithoutContext(ModeSetup* s) {
  return UseSampleApp(s, {{"log_fields", "minimal"}}, true);
}

std::string SetupSmokePromptTooLarge(ModeSetup* s) {
  if (s->through_app) {
    return "the release is rehearsed through its app, which builds its own smoke "
           "prompt (rollgate "
           "passes it only the label and the token budget)";
  }
  // Someone pasted the app's real system prompt into the smoke prompt.
  ReleaseConfig* rel = Target(s);
  std::string big;
  while (big.size() < 8000) big += "You are the checkout assistant. Follow every policy below. ";
  rel->prompt.system = big + "Reply with a compact JSON object only, no markdown.";
  return "";
}

// --- Each mode's extra proof after the run, by mode name: "" when it holds, else why not. ---

std::string VerifyRateLimited(const RunReport& report, const mock::MockStats&, const ModeSetup& s) {
  const ReleaseReport* r = report.FindRelease(s.target);
  if (!r || r->attempts.empty()) return "no attempt recorded";
  const AttemptRecord& first = r->attempts.front();
  if (first.backoff_ms == 0) return "";  // max_attempts 1: nothing to wait for
  // The mock sends Retry-After: 1; the wait must be the server's, not our backoff.
  if (first.backoff_ms < 1000 || first.retry_decision.find("Retry-After") == std::string::npos) {
    return "Retry-After was not honoured: waited " + FormatDurationMs(first.backoff_ms);
  }
  return "";
}

std::string VerifyFlaky5xx(const RunReport& report, const mock::MockStats& stats,
                           const ModeSetup& s) {
  int attempts = 0;
  int64_t n = ChatRequests(report, stats, s.target, &attempts);
  if (n != attempts) {
    return std::to_string(n) + " requests reached the provider but " + std::to_string(attempts) +
           " attempts were recorded";
  }
  const ReleaseReport* r = report.FindRelease(s.target);
  const CheckResult* c = r ? r->FindCheck("connectivity") : nullptr;
  if (c && c->status == CheckStatus::kPass && n != s.mock->flaky_failures + 1) {
    return "recovered after " + std::to_string(n) + " requests, expected " +
           std::to_string(s.mock->flaky_failures + 1);
  }
  return "";
}

std::string VerifyPrimaryModelDown(const RunReport& report, const mock::MockStats&,
                                   const ModeSetup& s) {
  const ReleaseReport* r = report.FindRelease(s.target);
  const CheckResult* c = r ? r->FindCheck("model") : nullptr;
  // With a fallback, passing is right only if the evidence shows it.
  if (c && c->status == CheckStatus::kPass && !(r->fallback && c->warning)) {
    return "the release passed on a fallback that the evidence does not show";
  }
  return "";
}

// The point: the non-streaming path alone would have passed.
std::string VerifyStreamPathsDiverge(const RunReport& report, const mock::MockStats&,
                                     const ModeSetup& s) {
  const ReleaseReport* r = report.FindRelease(s.target);
  const CheckResult* c = r ? r->FindCheck("content_sanity") : nullptr;
  if (!c || c->status != CheckStatus::kPass)
    return "the non-streaming path failed too, so this is no divergence";
  return "";
}

}  // namespace

Status WriteSampleAppConfig(const ModeSetup& s, const std::string& base_url) {
  const ReleaseConfig* rel = nullptr;
  for (const auto& r : s.config->releases) {
    if (r.name == s.target) rel = &r;
  }
  if (!rel) return Status::Ok();
  ROLLGATE_RETURN_IF_ERROR(WriteFileAtomic(s.work_dir + "/app.key", s.target_key + "\n"));
  SampleAppConfig app;
  app.version = rel->version.literal;
  app.base_url = base_url;
  app.model = rel->model.value.literal;
  app.timeout_ms = rel->timeout_ms;
  app.overrides = s.app_overrides;
  return WriteFileAtomic(s.work_dir + "/app.json", RenderSampleAppConfig(app));
}

// The matrix, one entry per mode, in the order it is shown. A field left out keeps Mode's
// default (no scenario, not global, no extra setup or proof). Longer than a function should be
// because it is a table, not logic: each mode's code is in its named Setup/Verify function.
std::vector<Mode> RehearsalModes() {
  using Want = Expectation::Want;
  const Expectation kDecisionPass{.where = Expectation::Where::kDecisionPass};
  return {
      {.name = "ok", .target = "new", .expect = kDecisionPass},

      // Every mock scenario, on the path where it hurts.
      {.name = "rotated-key",
       .scenario = "rotated-key",
       .target = "new",
       .expect = Check("authentication"),
       .verify = VerifyExactlyOneRequest},
      {.name = "rotated-key",
       .scenario = "rotated-key",
       .target = "rollback",
       .expect = Check("authentication"),
       .verify = VerifyExactlyOneRequest},
      {.name = "model-missing",
       .scenario = "model-missing",
       .target = "new",
       .expect = Check("model"),
       .verify = VerifyExactlyOneRequest},
      {.name = "model-missing",
       .scenario = "model-missing",
       .target = "rollback",
       .expect = Check("model"),
       .verify = VerifyExactlyOneRequest},
      {.name = "schema-drift",
       .scenario = "schema-drift",
       .target = "new",
       .expect = Check("parser_compatibility")},
      {.name = "truncated",
       .scenario = "truncated",
       .target = "new",
       .expect = Check("content_sanity")},
      {.name = "prompt-ignored",
       .scenario = "prompt-ignored",
       .target = "new",
       .expect = Check("content_sanity")},
      {.name = "error-in-200",
       .scenario = "error-in-200",
       .target = "new",
       .expect = Check("parser_compatibility")},
      {.name = "html-502",
       .scenario = "html-502",
       .target = "new",
       .expect = Check("connectivity")},
      {.name = "rate-limited",
       .scenario = "rate-limited",
       .target = "new",
       .expect = Check("connectivity"),
       .verify = VerifyRateLimited},
      {.name = "flaky-5xx",
       .scenario = "flaky-5xx",
       .target = "new",
       .expect = Check("connectivity", Want::kFailOrWarn),
       .setup = SetupFlaky5xx,
       .verify = VerifyFlaky5xx},
      {.name = "slow", .scenario = "slow", .target = "new", .expect = Check("connectivity")},
      {.name = "slow-body",
       .scenario = "slow-body",
       .target = "new",
       .expect = Check("connectivity")},
      {.name = "stream-cut",
       .scenario = "stream-cut",
       .target = "stream",
       .expect = Check("streaming")},
      {.name = "stream-error",
       .scenario = "stream-error",
       .target = "stream",
       .expect = Check("streaming")},
      {.name = "stream-no-usage",
       .scenario = "stream-no-usage",
       .target = "stream",
       .expect = Check("streaming", Want::kWarn)},
      {.name = "no-request-id",
       .scenario = "no-request-id",
       .global = true,
       .target = "new",
       .expect = Gate("observability", Want::kWarn)},
      {.name = "accept-any-key",
       .scenario = "accept-any-key",
       .global = true,
       .target = "new",
       .expect = Gate("negative_auth")},
      {.name = "wrong-content-type",
       .scenario = "wrong-content-type",
       .target = "new",
       .expect = Check("parser_compatibility")},
      {.name = "invalid-utf8",
       .scenario = "invalid-utf8",
       .target = "new",
       .expect = Check("parser_compatibility")},
      {.name = "oversized-body",
       .scenario = "oversized-body",
       .target = "new",
       .expect = Check("parser_compatibility")},
      {.name = "reset-mid-body",
       .scenario = "reset-mid-body",
       .target = "new",
       .expect = Check("connectivity")},
      {.name = "empty-choices",
       .scenario = "empty-choices",
       .target = "new",
       .expect = Check("parser_compatibility")},
      {.name = "stream-stall",
       .scenario = "stream-stall",
       .target = "stream",
       .expect = Check("streaming")},
      {.name = "stream-schema-drift",
       .scenario = "stream-schema-drift",
       .target = "stream",
       .expect = Check("streaming")},
      {.name = "primary-model-down",
       .scenario = "primary-model-down",
       .target = "new",
       .expect = Check("model", Want::kFailOrWarn),
       .setup = SetupPrimaryModelDown,
       .verify = VerifyPrimaryModelDown},

      // The seed's failure list, row by row.
      {.name = "seed:rollback-secret-deleted",
       .target = "rollback",
       .expect = Check("configuration"),
       .setup = SetupRollbackSecretDeleted},
      {.name = "seed:model-alias-missing",
       .target = "new",
       .expect = Check("configuration"),
       .setup = SetupModelAliasMissing},
      {.name = "seed:rollback-parser-upgrade",
       .target = "rollback",
       .expect = Check("parser_compatibility"),
       .setup = SetupRollbackParserUpgrade},
      {.name = "seed:retry-non-retryable",
       .target = "rollback",
       .expect = Gate("retry_policy"),
       .setup = SetupRetryNonRetryable},
      {.name = "seed:logs-without-context",
       .target = "new",
       .expect = Gate("observability"),
       .setup = SetupLogsWithoutContext},
      {.name = "seed:stream-paths-diverge",
       .scenario = "stream-schema-drift",
       .target = "stream",
       .expect = Check("streaming"),
       .verify = VerifyStreamPathsDiverge},
      {.name = "seed:smoke-prompt-too-large",
       .target = "new",
       .expect = Check("token_budget"),
       .setup = SetupSmokePromptTooLarge},
  };
}

}  // namespace rollgate::internal
