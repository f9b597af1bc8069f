// `rollgate rehearse` as a library call (docs/rehearse.md): every failure mode an operator fears,
// injected through the embedded mock, must be caught by the gate or check that owns it; each
// release's app is observed through its own client. The report renders as the console's matrix
// or as JSON.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollgate/cancel.h"
#include "rollgate/environment.h"
#include "rollgate/exit_code.h"
#include "rollgate/mock.h"
#include "rollgate/status.h"

namespace rollgate {

/// What the app did with its upstream call once its own client had left.
struct DisconnectObservation {
  bool propagated = false;  // it closed its upstream call within `watched_ms` of the hang-up
  std::optional<int64_t> upstream_closed_ms;  // from rollgate's hang-up to that close
  int64_t watched_ms = 0;                     // how long the mock watched after the hang-up
};

/// One release's entry in `apps: [...]`.
struct AppReport {
  std::string release;
  std::string through = "direct";  // "app" | "direct"
  std::string reason;              // how it was reached, or why not through the app
  bool observed = false;           // the app ran against the mock (through == "app")
  mock::ClientIdentity client;     // as seen on the wire, on the plain call
  mock::RequestShape request;  // the plain call's shape (the stream call's when it only streams)
  std::vector<std::string> not_in_contract;  // fields the app sends that the contract does not list
  std::vector<std::string> not_sent;  // fields rollgate's direct probe sends and the app does not
  /// Requests the client sent for one call, per injected answer: "400", "401", "403", "404",
  /// "422", "429", "500", "503", "timeout".
  std::map<std::string, int64_t> attempts;
  std::optional<bool> retry_after_honoured;  // nullopt: the client never retried a 429
  std::vector<int64_t> retry_delays_ms;      // between the 429 and the next attempt, each
  /// The client's own timeout as measured: a stall before the headers, mid-body, mid-stream.
  /// nullopt when it never hung up within the stall (stall_limit_ms) or the case was not run.
  std::optional<int64_t> timeout_headers_ms, timeout_body_ms, timeout_stream_ms;
  std::map<std::string, int64_t>
      stall_limit_ms;  // "headers" | "body" | "stream" -> how long the mock held it
  /// A broken answer, as the app reported it: "error", "content" or "no answer", per fault
  /// ("stream-cut", "stream-error", "error-in-200").
  std::map<std::string, std::string> reported_as;
  /// A streaming `probe: http` release through a local instance: what its app did with its
  /// upstream call when rollgate, its user, hung up mid-stream. nullopt: not measured.
  std::optional<DisconnectObservation> disconnect;
  std::vector<std::string> notes;  // cases that could not run, and why
};

struct RehearseOptions {
  std::string config_path;        // empty: the built-in two-release setup
  std::string evidence_dir;       // each mode's evidence under <dir>/<mode>; empty: none written
  std::string sample_app;         // the sample app binary, for the rows that go through an app
  int parallel = 6;               // modes rehearsed at once
  CancelToken* cancel = nullptr;  // not owned; cancelled: modes in flight stop, no new one starts
  /// Not owned; null: the process's (ProcessEnvironment). Where the releases' `{env:}`, `{file:}`
  /// and `{command:}` values come from, and how each app's smoke command and local instance is
  /// found and started (Environment::FindProgram and Run; the rehearsal adds the variables that
  /// point the app at the mock).
  const Environment* env = nullptr;
  /// Not owned; null: the process's (ProcessClock). The time of each mode's records and of the
  /// contract's age. The waits (an app's readiness, the mock's stalls) are measured on the real
  /// clock whatever this is.
  const Clock* clock = nullptr;
};

/// How a mode's row ended. The words are the JSON's "result" (docs/rehearse.md); the library
/// compares the enum, and the words live only in ToString/ParseRehearseResult.
enum class RehearseResult {
  kCaught,         // "caught": the check or gate that owns the failure said so
  kMissed,         // "missed": it did not (or the mode could not be run)
  kNotApplicable,  // "not_applicable": the mode does not apply to this setup (the detail says why)
  kInterrupted,    // "interrupted": not rehearsed to the end
};

/// "caught", "missed", "not_applicable", "interrupted"; "" for a value that is none of these.
const char* ToString(RehearseResult result);
/// nullopt when `text` is not one of ToString's words.
std::optional<RehearseResult> ParseRehearseResult(std::string_view text);

struct RehearseRow {
  std::string mode;      // a mock scenario name, or seed:<name> for the seed's failure list
  std::string release;   // where it was injected
  std::string expected;  // "rollback authentication", "gate negative_auth", ...
  RehearseResult result = RehearseResult::kMissed;
  std::string detail;  // what rollgate said (or why the row does not apply); "observed" when judged
                       // from what the app's own client was seen doing
};

struct RehearseReport {
  std::vector<RehearseRow> rows;
  int caught = 0;
  int missed = 0;
  int not_applicable = 0;
  int interrupted_rows = 0;
  bool interrupted = false;  // the rehearsal was cancelled: the rows above are not the whole answer
  std::string signal;        // "SIGINT", ... when a signal cancelled it
  std::vector<AppReport> apps;  // per release: through its app or direct, and what the mock saw
  /// new vs rollback: client identity, request shape, attempts, timeouts (AppDifferences).
  std::vector<std::string> app_differences;
};

/// Loads the config (options.config_path, or the built-in setup), observes each release's app
/// through its own client, then rehearses every mode against an in-process mock, `parallel` at
/// a time, each through the real pipeline. A config that cannot be understood is an
/// InvalidArgument naming the file; what the rehearsal found is in `report`, never a Status. No
/// secret appears in `report`.
Status Rehearse(const RehearseOptions& options, RehearseReport* report);

/// kBlock when a mode was missed (the gate would not catch that failure), else kPass. A
/// rehearsal a signal interrupted exits ExitCodeForSignal(N) instead; only the caller knows N.
ExitCode ExitCodeFor(const RehearseReport& report);

/// {"modes":[{"mode","release","expected","result","detail"}],"apps":[...],"app_differences":[...],
///  "caught":N,"missed":N,"not_applicable":N} (docs/rehearse.md)
std::string RenderRehearseJson(const RehearseReport& report);
std::string RenderRehearseTable(const RehearseReport& report, bool color);

}  // namespace rollgate
