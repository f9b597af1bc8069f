// The rehearsal: for each failure mode, the user's (or the built-in) releases are pointed at a
// fresh in-process mock provider, the fault is injected on one release's key, the real gate
// pipeline runs, and the mode counts as caught only when the check or gate that owns the failure
// says so (and any extra proof holds, such as "a 401 reached the provider exactly once").
// Modes run in parallel, each with its own mock and transport, so the rehearsal takes about as
// long as its slowest mode (the ones that wait for a timeout).
#include "rehearse/rehearse.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <thread>

#include "base/file_util.h"
#include "base/strings.h"
#include "config/loader.h"
#include "mock/mock_provider.h"
#include "rehearse/app_plan.h"
#include "rehearse/app_rows.h"
#include "rehearse/local_instance.h"
#include "rehearse/modes.h"
#include "rehearse/prepare.h"
#include "run/runner.h"

namespace rollgate::internal {

namespace {

// The built-in setup: a streaming new release and a non-streaming rollback, with short timeouts
// so the modes that wait for one finish in a second or two.
constexpr const char kBuiltInConfig[] = R"(service: rehearsal
contract: contract.yaml
expect_differences: [model, stream, key_fingerprint]
defaults:
  timeout_ms: 1500
  connect_timeout_ms: 1000
  stream_idle_timeout_ms: 700
  retry: {max_attempts: 2, backoff_ms: 100}
releases:
  new: {version: "2.4.0", base_url: "http://127.0.0.1:1", api_key: unset, model: gpt-5.4-mini, stream: true}
  rollback: {version: "2.3.1", base_url: "http://127.0.0.1:1", api_key: unset, model: gpt-4o-mini}
thresholds: {max_latency_ms: 3000}
)";
constexpr const char kBuiltInContract[] =
    "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
    "/v1/chat/completions}\n";

// Whether the check or gate that owns the mode's failure said what the mode expects of it.
bool Meets(const CheckResult& c, Expectation::Want want) {
  switch (want) {
    case Expectation::Want::kFail:
      return c.status == CheckStatus::kFail;
    case Expectation::Want::kWarn:
      return c.status == CheckStatus::kPass && c.warning;
    case Expectation::Want::kFailOrWarn:
      return c.status == CheckStatus::kFail || (c.status == CheckStatus::kPass && c.warning);
  }
  return false;
}

// Why the mode cannot be rehearsed on this setup; "" when it can.
std::string NotApplicableReason(const Mode& mode, const PreparedRehearsal& prepared,
                                const std::string& release) {
  if (mode.target == "stream" && !prepared.any_stream)
    return "no release streams (stream: true), so the streaming path is not in use";
  if (!prepared.config.FindRelease(release)) return "no release named " + release;
  return "";
}

// The mode's mock: every release's rehearsal key, the models it serves, timeouts it outlasts,
// and the mode's scenario on the target's sessions (or on every request, for a global one).
mock::MockOptions ModeMockOptions(const Mode& mode, const PreparedRehearsal& prepared,
                                  const Config& config, const std::string& target) {
  mock::MockOptions mock_options;
  // A thread per open connection: every release's calls and its app's, each session its own
  // endpoint.
  mock_options.threads = 16;
  mock_options.retry_after_s = 1;
  int longest_timeout = 0;
  for (const auto& rel : config.releases) {
    const std::string& key = prepared.keys.at(rel.name);
    if (std::find(mock_options.keys.begin(), mock_options.keys.end(), key) ==
        mock_options.keys.end()) {
      mock_options.keys.push_back(key);
    }
    // An app sends the model its own config names: with an app in the rehearsal, any is served.
    if (!prepared.any_app) {
      mock_options.models.push_back(rel.model.value.literal);
      if (rel.fallback) mock_options.models.push_back(rel.fallback->model.literal);
    }
    longest_timeout = std::max({longest_timeout, rel.timeout_ms, rel.stream_idle_timeout_ms});
  }
  // Long enough to outlast every timeout, short enough that Stop() ends it anyway.
  mock_options.slow_ms = longest_timeout + 1500;
  if (!mode.scenario.empty()) {
    if (mode.global) {
      mock_options.scenario = mode.scenario;
    } else {
      // By session, not by key: releases that read the same key share it at the mock.
      mock_options.scenario_for_session[SessionFor("a-", target)] = mode.scenario;
      mock_options.scenario_for_session[SessionFor("d-", target)] = mode.scenario;
    }
  }
  return mock_options;
}

// What the mode's own setup and proof read and change: the mode's copy of the config, its mock.
ModeSetup MakeModeSetup(const PreparedRehearsal& prepared, const RehearseOptions& options,
                        const std::string& target, const std::string& work_dir, Config* config,
                        mock::MockOptions* mock_options) {
  ModeSetup setup;
  setup.config = config;
  setup.mock = mock_options;
  setup.target = target;
  setup.target_key = prepared.keys.at(target);
  setup.work_dir = work_dir;
  setup.sample_app = options.sample_app;
  setup.through_app = prepared.plans.at(target).through_app;
  for (const auto& app : prepared.apps) {
    if (app.release == target) setup.app_model = app.request.model;
  }
  if (auto it = prepared.observed.find(target); it != prepared.observed.end())
    setup.app_retries = &it->second;
  return setup;
}

// How the releases reach one mode's mock.
struct ModeWiring {
  std::map<std::string, std::vector<std::string>> app_vars;  // exec release -> its app's variables
  // An http release through its app: a local instance per mode, its variables pointed at this
  // mode's mock; destroyed (stopped and reaped) before the mock is.
  std::vector<std::unique_ptr<LocalInstance>> instances;
  std::string target_app_url;  // the target's app session ("a-")
};

// Points every release at the running mock, each in two sessions: "d-" for rollgate's own
// calls (its base_url), "a-" for its app's (the variables its client reads), so what the mock
// saw of the app is the app's alone. A local instance that cannot start is the Status.
Status WireReleases(const PreparedRehearsal& prepared, const RehearseOptions& options,
                    const ModeSetup& setup, mock::MockProvider* mock, Config* config,
                    ModeWiring* wiring) {
  wiring->target_app_url = mock->base_url();
  for (auto& rel : config->releases) {
    Result<std::string> direct_url = mock->OpenSession(SessionFor("d-", rel.name));
    Result<std::string> app_url = mock->OpenSession(SessionFor("a-", rel.name));
    rel.base_url = LiteralValue(direct_url.ok() ? *direct_url : mock->base_url());
    if (!app_url.ok()) continue;
    if (rel.name == setup.target) wiring->target_app_url = *app_url;
    const AppPlan& plan = prepared.plans.at(rel.name);
    if (!plan.through_app || (setup.uses_app && rel.name == setup.target)) continue;
    std::vector<std::string> vars =
        AppVariables(plan, *app_url, prepared.keys.at(rel.name), setup.work_dir);
    if (rel.probe == ProbeKind::kExec) {
      wiring->app_vars[rel.name] = std::move(vars);
      continue;
    }
    if (rel.probe != ProbeKind::kHttp) continue;
    LocalInstanceOptions o;
    o.release = "releases." + rel.name;
    o.command = plan.instance_command;
    o.dir = config->dir;
    o.env = std::move(vars);
    o.cancel = options.cancel;
    o.redactor = &prepared.redactor;
    o.environment = options.env;
    wiring->instances.push_back(std::make_unique<LocalInstance>());
    ROLLGATE_RETURN_IF_ERROR(wiring->instances.back()->Start(o));
    rel.http.url = OnInstance(rel.http.url, wiring->instances.back()->url());
  }
  return Status::Ok();
}

// The real gate pipeline over the mode's config; its evidence under <dir>/<mode>-<release>.
Status RunModeGate(const Config& config, const PreparedRehearsal& prepared,
                   const RehearseOptions& options, const RehearseRow& row, const Environment& env,
                   RunReport* report) {
  RunOptions run_options;
  run_options.command = Command::kGate;
  run_options.write_evidence = !options.evidence_dir.empty();
  std::string slug = row.mode;
  for (char& c : slug) {
    if (c == ':') c = '-';
  }
  run_options.evidence_dir = options.evidence_dir + "/" + slug + "-" + row.release;
  run_options.cancel = options.cancel;
  run_options.clock = options.clock;
  RunSeams seams;
  seams.env = &env;
  seams.observed_retries = &prepared.observed;
  seams.extra_secrets = &prepared.secrets;  // the real keys too, should the app write them
  return RunPipeline(config, run_options, seams, report);
}

// The control row: the healthy setup must pass every gate, or the other rows prove less.
void JudgeControlRow(const RunReport& report, RehearseRow* row) {
  bool pass = report.passed();
  row->result = pass ? RehearseResult::kCaught : RehearseResult::kMissed;
  std::vector<std::string> failed;
  for (const auto& g : report.gates) {
    if (g.status == CheckStatus::kFail) failed.push_back(g.id + ": " + g.detail);
  }
  row->detail =
      pass ? "the healthy setup passes every gate (the control row)"
           : "the healthy setup does not pass, so the other rows prove less: " + Join(failed, "; ");
  const CheckResult* retry = report.FindGate("retry_policy");
  if (!pass && retry && retry->status == CheckStatus::kFail &&
      retry->detail.rfind("observed:", 0) == 0) {
    row->detail =
        "the healthy setup does not pass because of what an app's own client was observed doing, "
        "a real defect in that release rather than a flaw in the gate: " +
        Join(failed, "; ");
  }
}

// A fault row: caught when the check or gate that owns the failure says so and the mode's extra
// proof holds; a target rehearsed through its app also gets what the mock saw its client do.
void JudgeFaultRow(const Mode& mode, const RunReport& report, const mock::MockStats& stats,
                   const ModeSetup& setup, RehearseRow* row) {
  const CheckResult* found = nullptr;
  if (mode.expect.where == Expectation::Where::kGate) {
    found = report.FindGate(mode.expect.id);
  } else if (const ReleaseReport* r = report.FindRelease(row->release)) {
    found = r->FindCheck(mode.expect.id);
  }
  if (!found) {
    row->result = RehearseResult::kMissed;
    row->detail = "no " + row->expected + " in the report";
    return;
  }
  bool caught = Meets(*found, mode.expect.want);
  std::string extra = caught && mode.verify ? mode.verify(report, stats, setup) : "";
  row->result = caught && extra.empty() ? RehearseResult::kCaught : RehearseResult::kMissed;
  row->detail =
      std::string(ToString(found->status)) + (found->warning ? "*" : "") + ": " + found->detail;
  if (!extra.empty()) row->detail = extra + " (" + row->detail + ")";
  if (setup.through_app) AddAppObservation(mode, setup, report, row);
}

// `row` with its result and the detail that says why.
RehearseRow Judged(RehearseRow row, RehearseResult result, const std::string& detail) {
  row.result = result;
  row.detail = detail;
  return row;
}

// One mode end to end: its own mock and config copy, the fault injected, the releases (and
// their apps or local instances) pointed at the mock, the gate run, then the row judged.
RehearseRow RunMode(const Mode& mode, const PreparedRehearsal& prepared,
                    const RehearseOptions& options, const std::string& work_root, int index) {
  RehearseRow row;
  row.mode = mode.name;
  row.release = mode.target == "stream" ? prepared.first_stream : mode.target;
  row.expected = mode.expect.Describe(row.release);
  std::string why = NotApplicableReason(mode, prepared, row.release);
  if (!why.empty()) return Judged(row, RehearseResult::kNotApplicable, why);
  Config config = prepared.config;
  std::string work_dir = work_root + "/" + std::to_string(index);
  std::error_code dir_error;
  std::filesystem::create_directories(work_dir, dir_error);  // a failure shows when the mode writes
  mock::MockOptions mock_options = ModeMockOptions(mode, prepared, config, row.release);
  ModeSetup setup = MakeModeSetup(prepared, options, row.release, work_dir, &config, &mock_options);
  if (mode.setup) {
    why = mode.setup(&setup);
    if (!why.empty()) return Judged(row, RehearseResult::kNotApplicable, why);
  }
  mock::MockProvider mock(mock_options);
  Status st = mock.Start();
  if (!st.ok())
    return Judged(row, RehearseResult::kMissed,
                  "the rehearsal could not start the mock: " + st.message());
  ModeWiring wiring;
  st = WireReleases(prepared, options, setup, &mock, &config, &wiring);
  if (!st.ok()) return Judged(row, RehearseResult::kMissed, "not rehearsed: " + st.message());
  if (setup.uses_app) st = WriteSampleAppConfig(setup, wiring.target_app_url);
  if (!st.ok()) {
    return Judged(row, RehearseResult::kMissed,
                  "not rehearsed: cannot write the sample app's config: " + st.message());
  }
  RehearsalEnvironment env(options.env ? *options.env : ProcessEnvironment(), wiring.app_vars);
  RunReport report;
  st = RunModeGate(config, prepared, options, row, env, &report);
  mock::MockStats stats = mock.stats();
  // The app's calls with its own (rehearsal) key: the gate's invalid-token call through the app
  // reaches the same session with a random key, and is not one of the client's attempts.
  mock::ObservationQuery app_query = mock::ObservationQuery::Session(SessionFor("a-", row.release));
  app_query.key = prepared.keys.at(row.release);
  setup.app_seen = mock.observations(app_query);
  wiring.instances.clear();
  mock.Stop();
  // A handler that threw answered with a 500 the mode did not inject: the row says so.
  const std::string mock_failed = mock.handler_errors().Summary();
  if (st.ok() && report.interrupted)
    return Judged(row, RehearseResult::kInterrupted,
                  "not rehearsed to the end: interrupted by " + report.signal);
  if (!st.ok())
    return Judged(row, RehearseResult::kMissed, "the gate could not run: " + st.message());
  if (mode.expect.where == Expectation::Where::kDecisionPass) {
    JudgeControlRow(report, &row);
  } else {
    JudgeFaultRow(mode, report, stats, setup, &row);
  }
  if (!mock_failed.empty()) row.detail += " [" + mock_failed + "]";
  return row;
}

// The report's text, scrubbed once more as a whole before it is rendered (as RedactReport does
// for a gate's): each source is scrubbed where it is read, and this catches any text that
// reached a row or an app's entry another way (a client's User-Agent, a model it sent).
void RedactRehearseReport(const Redactor& r, RehearseReport* report) {
  auto scrub = [&r](std::string* s) { *s = r.Redact(*s); };
  for (auto& row : report->rows) scrub(&row.detail);
  for (auto& app : report->apps) {
    scrub(&app.reason);
    for (auto& note : app.notes) scrub(&note);
    for (std::string* s :
         {&app.client.user_agent, &app.client.sdk, &app.client.sdk_version, &app.client.language,
          &app.client.runtime, &app.client.os, &app.request.model}) {
      scrub(s);
    }
  }
  for (auto& d : report->app_differences) scrub(&d);
}

// The config the rehearsal runs on: the user's, or the built-in one (its contract written into
// `work_root`).
Result<Config> LoadRehearsalConfig(const RehearseOptions& options, const std::string& work_root) {
  if (options.config_path.empty()) {
    ROLLGATE_RETURN_IF_ERROR(WriteFileAtomic(work_root + "/contract.yaml", kBuiltInContract));
    return ParseConfig(kBuiltInConfig, work_root + "/rollgate.yaml");
  }
  return LoadConfig(options.config_path);
}

// What each app's own client does, before the modes: they judge retries by it.
Status ObserveAppsFirst(const RehearseOptions& options, const std::string& work_root,
                        PreparedRehearsal* prepared) {
  ObserveContext observe;
  observe.config = &prepared->config;
  observe.plans = prepared->plans;
  observe.keys = prepared->keys;
  observe.contract_fields = prepared->contract_fields;
  observe.work_dir = work_root + "/observe";
  observe.cancel = options.cancel;
  observe.env = options.env;
  observe.clock = options.clock;
  observe.redactor = &prepared->redactor;
  std::error_code observe_dir_error;
  std::filesystem::create_directories(observe.work_dir,
                                      observe_dir_error);  // shows as the app's error
  ROLLGATE_RETURN_IF_ERROR(ObserveApps(observe, options.parallel, &prepared->apps));
  for (const auto& app : prepared->apps) {
    if (app.observed) prepared->observed[app.release] = AsObservedRetries(app);
  }
  return Status::Ok();
}

// Every mode, `options.parallel` at a time, one row each in the matrix's order; once cancelled,
// the modes not yet started are rows "interrupted".
std::vector<RehearseRow> RunModes(const PreparedRehearsal& prepared, const RehearseOptions& options,
                                  const std::string& work_root) {
  std::vector<Mode> modes = RehearsalModes();
  std::vector<RehearseRow> rows(modes.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < modes.size(); i = next++) {
      if (options.cancel && options.cancel->cancelled()) {
        rows[i] = {modes[i].name, modes[i].target, modes[i].expect.Describe(modes[i].target),
                   RehearseResult::kInterrupted,
                   "not rehearsed: interrupted by " + SignalName(options.cancel->signal())};
        continue;
      }
      rows[i] = RunMode(modes[i], prepared, options, work_root, static_cast<int>(i));
    }
  };
  std::vector<std::thread> pool;
  int n = std::max(1, std::min<int>(options.parallel, static_cast<int>(modes.size())));
  pool.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  return rows;
}

// The report from the rows: the rehearsal's notes on each applicable row, the counts, the
// interruption, and the apps (new against rollback), scrubbed once more as a whole.
void Summarise(std::vector<RehearseRow> rows, const RehearseOptions& options,
               PreparedRehearsal* prepared, RehearseReport* report) {
  for (const auto& note : prepared->notes) {
    for (auto& row : rows) {
      if (row.result != RehearseResult::kNotApplicable) row.detail += " [" + note + "]";
    }
  }
  for (auto& row : rows) {
    if (row.result == RehearseResult::kCaught) ++report->caught;
    if (row.result == RehearseResult::kMissed) ++report->missed;
    if (row.result == RehearseResult::kNotApplicable) ++report->not_applicable;
    if (row.result == RehearseResult::kInterrupted) ++report->interrupted_rows;
  }
  if (options.cancel && options.cancel->cancelled()) {
    report->interrupted = true;
    report->signal = SignalName(options.cancel->signal());
  }
  report->rows = std::move(rows);
  const AppReport *new_app = nullptr, *rollback_app = nullptr;
  for (const auto& app : prepared->apps) {
    if (app.release == "new") new_app = &app;
    if (app.release == "rollback") rollback_app = &app;
  }
  if (new_app && rollback_app) report->app_differences = AppDifferences(*new_app, *rollback_app);
  report->apps = std::move(prepared->apps);
  RedactRehearseReport(prepared->redactor, report);
}

}  // namespace

}  // namespace rollgate::internal

namespace rollgate {

Status Rehearse(const RehearseOptions& options, RehearseReport* report) {
  const Environment& env = options.env ? *options.env : ProcessEnvironment();
  // The rehearsal's scratch space: $TMPDIR as the caller's environment has it, /tmp without.
  std::optional<std::string> tmp_dir = env.GetEnv("TMPDIR");
  if (!tmp_dir || tmp_dir->empty()) tmp_dir = "/tmp";
  std::string tmpl = *tmp_dir + "/rollgate-rehearse-XXXXXX";
  if (!::mkdtemp(tmpl.data())) {
    return Status::IoError("cannot create a scratch directory for the rehearsal in " + *tmp_dir +
                           " (" + std::strerror(errno) + "): point TMPDIR at a writable directory");
  }
  std::string work_root = tmpl;
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{work_root};

  ROLLGATE_ASSIGN_OR_RETURN(Config loaded, internal::LoadRehearsalConfig(options, work_root));
  internal::PreparedRehearsal prepared = internal::PrepareRehearsal(loaded, env);
  ROLLGATE_RETURN_IF_ERROR(internal::ObserveAppsFirst(options, work_root, &prepared));
  internal::Summarise(internal::RunModes(prepared, options, work_root), options, &prepared, report);
  return Status::Ok();
}

ExitCode ExitCodeFor(const RehearseReport& report) {
  return report.missed > 0 ? ExitCode::kBlock : ExitCode::kPass;
}

}  // namespace rollgate
