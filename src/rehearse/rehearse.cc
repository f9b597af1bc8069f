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
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "base/display.h"
#include "base/file_util.h"
#include "base/secret.h"
#include "base/strings.h"
#include "config/loader.h"
#include "config/resolver.h"
#include "mock/mock_provider.h"
#include "rehearse/app_plan.h"
#include "rehearse/app_rows.h"
#include "rehearse/local_instance.h"
#include "rehearse/modes.h"
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

ValueSource Literal(const std::string& value) {
  ValueSource s;
  s.literal = value;
  return s;
}

std::string KeyFor(const std::string& release) {
  return "sk-rehearse-" + release + "-5f3a9d2c7b1e";
}

struct Prepared {
  Config config;  // every release pointed at "the mock" (base URL filled in per mode)
  bool any_stream = false;
  std::string first_stream;
  std::vector<std::string> notes;           // what the rehearsal changed in the user's setup
  std::map<std::string, AppPlan> plans;     // release -> through its app, or direct and why
  std::map<std::string, std::string> keys;  // release -> its key at the mock
  bool any_app = false;
  std::vector<std::string> contract_fields;
  std::vector<AppReport> apps;                      // the observation pass
  std::map<std::string, ObservedRetries> observed;  // release -> its client's observed retries
  /// Every secret the rehearsal resolved (each release's own key and secret headers, and the
  /// rehearsal keys), and the Redactor that knows them: an app, a local instance or its route
  /// may write any of them out, and nothing it writes is shown unscrubbed.
  std::vector<std::string> secrets;
  Redactor redactor;
};

// The release's secret headers as they resolve here (profile.cc's rule: a value from a source,
// or under a credential-looking name).
void AddHeaderSecrets(const Resolver& resolver, const ReleaseConfig& rel,
                      std::vector<std::string>* secrets) {
  for (const auto& [name, source] : rel.headers) {
    if (source.kind == ValueSource::Kind::kLiteral && !LooksLikeSecretName(name)) continue;
    ResolvedValue v = resolver.Resolve(source, true);
    if (v.ok) secrets->push_back(v.value);
  }
}

// What makes two releases' keys "the same key": the value, when it resolves, else the source.
// A key that resolves is added to `secrets`.
std::string KeyIdentity(const Resolver& resolver, const ValueSource& key,
                        std::vector<std::string>* secrets) {
  ResolvedValue v = resolver.Resolve(key, true);
  if (v.ok) {
    secrets->push_back(v.value);
    return "value:" + v.value;
  }
  return "source:" + std::to_string(static_cast<int>(key.kind)) + "|" + key.literal + "|" +
         key.name + "|" + key.path + "|" + key.key + "|" + Join(key.argv, "\x1f");
}

// Resolves what can be resolved (model, version) once, and decides per release whether it is
// rehearsed through its app (exec, its variables pointed at the mock) or as a direct probe, so
// each mode only swaps the base URL and injects its fault. Releases that read the same key get
// the same rehearsal key (else config_consistency would block the control row on it).
Prepared Prepare(const Config& loaded) {
  Prepared p;
  p.config = loaded;
  Contract contract;
  if (!loaded.contract_path.empty()) {
    Result<Contract> c = LoadContract(loaded.contract_path);
    if (c.ok()) contract = *c;
  }
  p.contract_fields = contract.request_fields;
  Resolver resolver(SystemEnvironment::Get(), loaded.dir);
  std::map<std::string, std::string> key_owner;  // KeyIdentity -> first release reading it
  std::set<ProbeKind> probes_before, probes_after;
  for (auto& rel : p.config.releases) {
    ResolvedValue version = resolver.Resolve(rel.version, false);
    std::string model;
    if (!rel.model.map) {
      ResolvedValue m = resolver.Resolve(rel.model.value, false);
      if (m.ok) model = m.value;
    }
    if (model.empty()) model = "gpt-4o-mini";
    std::string owner =
        key_owner.emplace(KeyIdentity(resolver, rel.api_key, &p.secrets), rel.name).first->second;
    AddHeaderSecrets(resolver, rel, &p.secrets);
    p.keys[rel.name] = KeyFor(owner);
    p.secrets.push_back(p.keys[rel.name]);
    ResolvedValue base = rel.has_base_url ? resolver.Resolve(rel.base_url, false) : ResolvedValue{};
    AppPlan plan = PlanApp(rel, contract.path, base.ok ? base.value : "");
    probes_before.insert(rel.probe);
    if (plan.through_app) {
      p.any_app = true;  // exec stays exec; http is called on its local instance (RunMode)
    } else {
      if (rel.probe != ProbeKind::kDirect) p.notes.push_back(rel.name + ": " + plan.reason);
      rel.probe = ProbeKind::kDirect;
    }
    probes_after.insert(rel.probe);
    p.plans[rel.name] = plan;
    rel.has_base_url = true;
    rel.version = Literal(version.ok ? version.value : "rehearsal");
    rel.model = ModelSource{Literal(model), std::nullopt};
    rel.api_key = Literal(p.keys[rel.name]);
    rel.logs.reset();
    if (rel.fallback) {
      ResolvedValue fb = resolver.Resolve(rel.fallback->model, false);
      rel.fallback->model = Literal(fb.ok ? fb.value : "gpt-4o");
    }
    if (rel.stream && !p.any_stream) {
      p.any_stream = true;
      p.first_stream = rel.name;
    }
  }
  // Releases that agreed on their probe kind and now differ only because one fell back to a
  // direct probe: that difference is the rehearsal's, not the config's.
  auto& expected = p.config.expect_differences;
  if (probes_before.size() == 1 && probes_after.size() > 1 &&
      std::find(expected.begin(), expected.end(), "probe") == expected.end()) {
    expected.push_back("probe");
  }
  for (const auto& secret : p.secrets) p.redactor.AddSecret(secret);
  return p;
}

// A mock session name for one release: "a-" for its app's calls, "d-" for rollgate's own.
std::string SessionFor(const std::string& prefix, const std::string& release) {
  std::string r = release.substr(0, 60);
  for (char& c : r) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  }
  return prefix + r;
}

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

RehearseRow RunMode(const Mode& mode, const Prepared& prepared, const RehearseOptions& options,
                    const std::string& work_root, int index) {
  RehearseRow row;
  row.mode = mode.name;
  row.release = mode.target == "stream" ? prepared.first_stream : mode.target;
  row.expected = mode.expect.Describe(row.release);
  if (mode.target == "stream" && !prepared.any_stream) {
    row.result = "not_applicable";
    row.detail = "no release streams (stream: true), so the streaming path is not in use";
    return row;
  }
  Config config = prepared.config;
  if (!config.FindRelease(row.release)) {
    row.result = "not_applicable";
    row.detail = "no release named " + row.release;
    return row;
  }
  std::string work_dir = work_root + "/" + std::to_string(index);
  std::error_code dir_error;
  std::filesystem::create_directories(work_dir, dir_error);  // a failure shows when the mode writes

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
  ModeSetup setup;
  setup.config = &config;
  setup.mock = &mock_options;
  setup.target = row.release;
  setup.target_key = prepared.keys.at(row.release);
  setup.work_dir = work_dir;
  setup.sample_app = options.sample_app;
  setup.through_app = prepared.plans.at(row.release).through_app;
  for (const auto& app : prepared.apps) {
    if (app.release == row.release) setup.app_model = app.request.model;
  }
  if (auto it = prepared.observed.find(row.release); it != prepared.observed.end())
    setup.app_retries = &it->second;
  if (!mode.scenario.empty()) {
    if (mode.global) {
      mock_options.scenario = mode.scenario;
    } else {
      // By session, not by key: releases that read the same key share it at the mock.
      mock_options.scenario_for_session[SessionFor("a-", row.release)] = mode.scenario;
      mock_options.scenario_for_session[SessionFor("d-", row.release)] = mode.scenario;
    }
  }

  if (mode.setup) {
    std::string why = mode.setup(&setup);
    if (!why.empty()) {
      row.result = "not_applicable";
      row.detail = why;
      return row;
    }
  }
  mock::MockProvider mock(mock_options);
  Status st = mock.Start();
  if (!st.ok()) {
    row.result = "missed";
    row.detail = "the rehearsal could not start the mock: " + st.message();
    return row;
  }
  // Each release in two sessions: "d-" for rollgate's own calls (its base_url), "a-" for its
  // app's (the variables its client reads), so what the mock saw of the app is the app's alone.
  std::map<std::string, std::vector<std::string>> app_vars;
  // An http release through its app: a local instance per mode, its variables pointed at this
  // mode's mock; destroyed (stopped and reaped) before the mock is.
  std::vector<std::unique_ptr<LocalInstance>> instances;
  std::string target_app_url = mock.base_url();
  for (auto& rel : config.releases) {
    Result<std::string> direct_url = mock.OpenSession(SessionFor("d-", rel.name));
    Result<std::string> app_url = mock.OpenSession(SessionFor("a-", rel.name));
    rel.base_url = Literal(direct_url.ok() ? *direct_url : mock.base_url());
    if (!app_url.ok()) continue;
    if (rel.name == row.release) target_app_url = *app_url;
    const AppPlan& plan = prepared.plans.at(rel.name);
    if (!plan.through_app || (setup.uses_app && rel.name == row.release)) continue;
    std::vector<std::string> vars =
        AppVariables(plan, *app_url, prepared.keys.at(rel.name), work_dir);
    if (rel.probe == ProbeKind::kExec) app_vars[rel.name] = std::move(vars);
    if (rel.probe != ProbeKind::kHttp) continue;
    LocalInstanceOptions o;
    o.release = "releases." + rel.name;
    o.command = plan.instance_command;
    o.dir = config.dir;
    o.env = std::move(vars);
    o.cancel = options.cancel;
    o.redactor = &prepared.redactor;
    instances.push_back(std::make_unique<LocalInstance>());
    st = instances.back()->Start(o);
    if (!st.ok()) {
      row.result = "missed";
      row.detail = "not rehearsed: " + st.message();
      return row;
    }
    rel.http.url = OnInstance(rel.http.url, instances.back()->url());
  }
  if (setup.uses_app) WriteSampleAppConfig(setup, target_app_url);
  RehearsalEnvironment env(SystemEnvironment::Get(), app_vars);

  RunOptions run_options;
  run_options.command = Command::kGate;
  run_options.write_evidence = !options.evidence_dir.empty();
  std::string slug = row.mode;
  for (char& c : slug) {
    if (c == ':') c = '-';
  }
  run_options.evidence_dir = options.evidence_dir + "/" + slug + "-" + row.release;
  run_options.cancel = options.cancel;
  RunReport report;
  RunSeams seams;
  seams.env = &env;
  seams.observed_retries = &prepared.observed;
  seams.extra_secrets = &prepared.secrets;  // the real keys too, should the app write them
  st = RunPipeline(config, run_options, seams, &report);
  mock::MockStats stats = mock.stats();
  // The app's calls with its own (rehearsal) key: the gate's invalid-token call through the app
  // reaches the same session with a random key, and is not one of the client's attempts.
  mock::ObservationQuery app_query = mock::ObservationQuery::Session(SessionFor("a-", row.release));
  app_query.key = prepared.keys.at(row.release);
  setup.app_seen = mock.observations(app_query);
  instances.clear();
  mock.Stop();
  if (st.ok() && report.interrupted) {
    row.result = "interrupted";
    row.detail = "not rehearsed to the end: interrupted by " + report.signal;
    return row;
  }
  if (!st.ok()) {
    row.result = "missed";
    row.detail = "the gate could not run: " + st.message();
    return row;
  }

  const CheckResult* found = nullptr;
  if (mode.expect.where == Expectation::Where::kDecisionPass) {
    bool pass = report.passed();
    row.result = pass ? "caught" : "missed";
    std::vector<std::string> failed;
    for (const auto& g : report.gates) {
      if (g.status == CheckStatus::kFail) failed.push_back(g.id + ": " + g.detail);
    }
    row.detail = pass ? "the healthy setup passes every gate (the control row)"
                      : "the healthy setup does not pass, so the other rows prove less: " +
                            Join(failed, "; ");
    const CheckResult* retry = report.FindGate("retry_policy");
    if (!pass && retry && retry->status == CheckStatus::kFail &&
        retry->detail.rfind("observed:", 0) == 0) {
      row.detail =
          "the healthy setup does not pass because of what an app's own client was observed doing, "
          "a real defect in that release rather than a flaw in the gate: " +
          Join(failed, "; ");
    }
    return row;
  }
  if (mode.expect.where == Expectation::Where::kGate) {
    found = report.FindGate(mode.expect.id);
  } else if (const ReleaseReport* r = report.FindRelease(row.release)) {
    found = r->FindCheck(mode.expect.id);
  }
  if (!found) {
    row.result = "missed";
    row.detail = "no " + row.expected + " in the report";
    return row;
  }
  bool caught = Meets(*found, mode.expect.want);
  std::string extra = caught && mode.verify ? mode.verify(report, stats, setup) : "";
  row.result = caught && extra.empty() ? "caught" : "missed";
  row.detail =
      std::string(ToString(found->status)) + (found->warning ? "*" : "") + ": " + found->detail;
  if (!extra.empty()) row.detail = extra + " (" + row.detail + ")";
  if (setup.through_app) AddAppObservation(mode, setup, report, &row);
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

}  // namespace

Status Rehearse(const RehearseOptions& options, RehearseReport* report) {
  std::error_code tmp_error;
  std::filesystem::path tmp_dir = std::filesystem::temp_directory_path(tmp_error);
  if (tmp_error) tmp_dir = "/tmp";  // TMPDIR names something that is not a directory
  std::string tmpl = (tmp_dir / "rollgate-rehearse-XXXXXX").string();
  if (!::mkdtemp(tmpl.data()))
    return Status::IoError("cannot create a temporary directory for the rehearsal");
  std::string work_root = tmpl;
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{work_root};

  Result<Config> loaded = Status::Internal("unset");
  if (options.config_path.empty()) {
    ROLLGATE_RETURN_IF_ERROR(WriteFileAtomic(work_root + "/contract.yaml", kBuiltInContract));
    loaded = ParseConfig(kBuiltInConfig, work_root + "/rollgate.yaml");
  } else {
    loaded = LoadConfig(options.config_path);
  }
  if (!loaded.ok()) return loaded.status();
  Prepared prepared = Prepare(*loaded);

  // What each app's own client does, before the modes: they judge retries by it.
  ObserveContext observe;
  observe.config = &prepared.config;
  observe.plans = prepared.plans;
  observe.keys = prepared.keys;
  observe.contract_fields = prepared.contract_fields;
  observe.work_dir = work_root + "/observe";
  observe.cancel = options.cancel;
  observe.redactor = &prepared.redactor;
  std::error_code observe_dir_error;
  std::filesystem::create_directories(observe.work_dir,
                                      observe_dir_error);  // shows as the app's error
  ROLLGATE_RETURN_IF_ERROR(ObserveApps(observe, options.parallel, &prepared.apps));
  for (const auto& app : prepared.apps) {
    if (app.observed) prepared.observed[app.release] = AsObservedRetries(app);
  }

  std::vector<Mode> modes = RehearsalModes();
  std::vector<RehearseRow> rows(modes.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < modes.size(); i = next++) {
      if (options.cancel && options.cancel->cancelled()) {
        rows[i] = {modes[i].name, modes[i].target, modes[i].expect.Describe(modes[i].target),
                   "interrupted",
                   "not rehearsed: interrupted by " + SignalName(options.cancel->signal())};
        continue;
      }
      rows[i] = RunMode(modes[i], prepared, options, work_root, static_cast<int>(i));
    }
  };
  std::vector<std::thread> pool;
  int n = std::max(1, std::min<int>(options.parallel, static_cast<int>(modes.size())));
  for (int i = 0; i < n; ++i) pool.emplace_back(worker);
  for (auto& t : pool) t.join();

  for (const auto& note : prepared.notes) {
    for (auto& row : rows) {
      if (row.result != "not_applicable") row.detail += " [" + note + "]";
    }
  }
  for (auto& row : rows) {
    if (row.result == "caught") ++report->caught;
    if (row.result == "missed") ++report->missed;
    if (row.result == "not_applicable") ++report->not_applicable;
    if (row.result == "interrupted") ++report->interrupted_rows;
  }
  if (options.cancel && options.cancel->cancelled()) {
    report->interrupted = true;
    report->signal = SignalName(options.cancel->signal());
  }
  report->rows = std::move(rows);
  const AppReport *new_app = nullptr, *rollback_app = nullptr;
  for (const auto& app : prepared.apps) {
    if (app.release == "new") new_app = &app;
    if (app.release == "rollback") rollback_app = &app;
  }
  if (new_app && rollback_app) report->app_differences = AppDifferences(*new_app, *rollback_app);
  report->apps = std::move(prepared.apps);
  RedactRehearseReport(prepared.redactor, report);
  return Status::Ok();
}

std::string RenderRehearseJson(const RehearseReport& report) {
  nlohmann::ordered_json j;
  nlohmann::ordered_json modes = nlohmann::ordered_json::array();
  for (const auto& r : report.rows) {
    modes.push_back({{"mode", r.mode},
                     {"release", r.release},
                     {"expected", r.expected},
                     {"result", r.result},
                     {"detail", r.detail}});
  }
  j["modes"] = std::move(modes);
  nlohmann::ordered_json apps = nlohmann::ordered_json::array();
  for (const auto& app : report.apps) apps.push_back(AppJson(app));
  j["apps"] = std::move(apps);
  j["app_differences"] = report.app_differences;
  j["caught"] = report.caught;
  j["missed"] = report.missed;
  j["not_applicable"] = report.not_applicable;
  if (report.interrupted) {
    j["interrupted"] = true;
    if (!report.signal.empty()) j["signal"] = report.signal;
    j["not_rehearsed"] = report.interrupted_rows;
  }
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string RenderRehearseTable(const RehearseReport& report, bool color) {
  auto paint = [&](const char* code, const std::string& s) {
    return internal::AnsiPaint(color, code, s);
  };
  auto pad = [](std::string s, std::size_t w) {
    if (s.size() < w) s += std::string(w - s.size(), ' ');
    return s + " ";
  };
  std::string out =
      pad("MODE", 30) + pad("RELEASE", 9) + pad("EXPECTED", 34) + pad("RESULT", 14) + "DETAIL\n";
  for (const auto& r : report.rows) {
    std::string result = r.result == "caught"        ? paint("32", pad("caught", 14))
                         : r.result == "missed"      ? paint("1;31", pad("MISSED", 14))
                         : r.result == "interrupted" ? paint("33", pad("interrupted", 14))
                                                     : paint("2", pad("n/a", 14));
    out += pad(r.mode, 30) + pad(r.release, 9) + pad(r.expected, 34) + result + r.detail + "\n";
  }
  out += RenderApps(report);
  out += "\n" + std::to_string(report.caught) + " caught, " + std::to_string(report.missed) +
         " missed, " + std::to_string(report.not_applicable) + " not applicable\n";
  if (report.interrupted) {
    out += "INTERRUPTED by " + report.signal + ": " + std::to_string(report.interrupted_rows) +
           " modes not rehearsed to the end; this is not a complete answer\n";
  }
  return out;
}

}  // namespace rollgate::internal
