// The library entry points: what `rollgate gate` and `rollgate check` do, minus the printing.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "rollgate/cancel.h"
#include "rollgate/config.h"
#include "rollgate/environment.h"
#include "rollgate/exit_code.h"
#include "rollgate/report.h"
#include "rollgate/status.h"

namespace rollgate {

struct RunOptions {
  Command command = Command::kGate;  // kGate: every release; kCheck: one release
  std::string release;               // check: the release to probe
  std::string evidence_dir = "rollgate-evidence";
  bool write_evidence = true;
  bool append_history = true;  // when the config has `history:`
  /// Not owned; may be null. Once cancelled, every call, retry backoff and command of the run
  /// ends at once; the run still finishes its report (`interrupted`, decision "block") and
  /// writes its evidence. The caller decides what cancels it (the CLI: SIGINT/SIGTERM/SIGHUP).
  CancelToken* cancel = nullptr;
  /// Not owned; null: the process's (ProcessEnvironment, ProcessClock). Where the config's
  /// `{env:}`, `{file:}` and `{command:}` values come from, and the time of the run's records.
  const Environment* env = nullptr;
  const Clock* clock = nullptr;
};

/// How `diff` and `check --explain` resolve a config's values. Neither sends anything nor reads
/// the time, but both read the value sources: `{env:}` and `{file:}` values are read and a
/// `{command:}` source runs.
struct ResolveOptions {
  /// Not owned; null: the process's (ProcessEnvironment). Where `{env:}`, `{file:}` and
  /// `{command:}` values come from.
  const Environment* env = nullptr;
  /// Not owned; may be null. Once cancelled, a `{command:}` source's command is stopped at once
  /// (its value does not resolve and says so).
  CancelToken* cancel = nullptr;
};

/// One compared field of `rollgate diff` (new against rollback).
struct DiffRow {
  std::string field;        // endpoint_host, path, method, model, key_fingerprint, timeout_ms, ...
  std::string left, right;  // values ("" when unresolved; keys only as fingerprints)
  std::string left_source, right_source;  // provenance
  bool differs = false;
  bool expected = false;    // listed in expect_differences
  bool unresolved = false;  // resolved on one side only
};

struct DiffReport {
  std::string left = "new";
  std::string right = "rollback";
  std::vector<DiffRow> rows;
  CheckResult gate;                   // the config_consistency gate over these rows
  std::vector<std::string> warnings;  // e.g. the contract file cannot be read
};

/// Resolves both releases' values from their sources (no network) and compares them. A config
/// or contract file that cannot be understood is InvalidArgument naming the file.
Status DiffFromFile(const std::string& config_path, const ResolveOptions& options,
                    DiffReport* report);

/// One effective setting of a release, for `rollgate check --explain`.
struct ExplainSetting {
  std::string key;     // "base_url", "api_key", "retry", "headers.X-Org", ...
  std::string value;   // keys and secret header values only as "key sha256:..." fingerprints
  std::string source;  // where it came from: "env COMETAPI_KEY", "releases.new (line 9)",
                       // "built-in default", or why it did not resolve
};

/// One request a check would send (or command it would run), described, never sent.
struct ExplainRequest {
  std::string kind;    // chat, stream, fallback, negative_auth, app route, app command
  std::string method;  // POST, GET, EXEC
  std::string target;  // the URL with its port written out, or the command
  std::vector<std::string> headers;      // header names only
  std::vector<std::string> body_fields;  // JSON body field names ("stream_options.include_usage")
  std::string note;                      // when it is sent, or what else it carries
};

struct ExplainReport {
  std::string service;
  std::string config_file;
  std::string release;
  std::vector<ExplainSetting> settings;
  std::vector<ExplainRequest> requests;
  std::vector<std::string>
      errors;  // configuration findings: the check fails on these, sends nothing
  std::vector<std::string> warnings;
};

/// What `check --release NAME` would do, resolved exactly as the run resolves it (value sources
/// are read, so a `{command:}` source runs), without any probe, call or app command. No secret
/// appears in `report`. An unknown release is an InvalidArgument naming the ones there are.
Status ExplainRelease(const Config& config, const std::string& release,
                      const ResolveOptions& options, ExplainReport* report);
Status ExplainFromFile(const std::string& config_path, const std::string& release,
                       const ResolveOptions& options, ExplainReport* report);
/// The explanation on a console: the settings as a table (key, value, source), then the
/// requests; `dry_run` says "nothing was sent" at the end.
std::string RenderExplainConsole(const ExplainReport& report, bool dry_run);

/// How far a fleet run is, after each service is done (checked, gated, evidence staged).
struct FleetProgress {
  std::size_t services_done = 0;
  std::size_t services_total = 0;  // in this run (this shard's services)
  std::size_t blocked = 0;         // of the services done, those whose decision is block
};

struct FleetOptions {
  std::size_t concurrency = 64;      // requests on the wire at once, across every service
  std::string evidence_dir;          // each service's evidence in <dir>/<service>/; empty: none
  int shard_index = 0;               // run only the services of this shard (0-based) ...
  int shard_count = 1;               // ... of this many; a service's shard: docs/fleet.md
  CancelToken* cancel = nullptr;     // as RunOptions::cancel, for every service at once
  const Environment* env = nullptr;  // as RunOptions::env and clock, for every service
  const Clock* clock = nullptr;
  /// Called once when every config is loaded (none done yet), then after each service is
  /// done, one call at a time, from rollgate's threads: keep it quick (a progress line).
  std::function<void(const FleetProgress&)> on_progress;
};

struct FleetReport {
  /// One per config of this shard, in file-name order, each cut to what the summary reads
  /// once its evidence is written: command, service, files, times, decision, gates, warnings,
  /// interruption, each release's name and version. The rest (attempts, checks, parsed
  /// fields, provenance) is in the service's evidence, so memory follows the concurrency.
  std::vector<RunReport> runs;
  Decision decision = Decision::kBlock;  // kBlock when any service blocks
  std::size_t services_total = 0;        // configs in the directory, every shard's
  /// The fleet summary in the evidence directory (Markdown): <dir>/fleet-summary.md, or
  /// <dir>/fleet-summary-shard-INDEX-of-COUNT.md for one shard of several, so shards sharing
  /// one evidence volume do not collide. Empty without an evidence directory.
  std::string summary_file;
};

/// Reads `--shard`: "INDEX/COUNT" or "auto/COUNT" (INDEX from $JOB_COMPLETION_INDEX in
/// options->env, as a Kubernetes Indexed Job sets it) into options->shard_index and shard_count.
/// InvalidArgument saying what to write instead for anything else.
Status ParseFleetShard(const std::string& text, FleetOptions* options);

/// The fleet's console summary (one line per service, then the totals), as `rollgate gate
/// --config-dir` prints it; `color`: ANSI colours.
std::string RenderFleetConsole(const FleetReport& report, bool color);

/// The gate over every *.yaml config in `config_dir` (files named *contract* are skipped) whose
/// service falls in the shard, all their probes on one event loop. Every config is loaded and
/// checked whatever the shard, so every shard refuses the same broken directory: a config that
/// cannot be understood stops the fleet (InvalidArgument naming the file) before any call.
/// With an evidence directory, each service's evidence goes in <dir>/<service>/ and the fleet
/// summary in report->summary_file; failing to write it is an IoError.
Status RunFleet(const std::string& config_dir, const FleetOptions& options, FleetReport* report);

/// Loads `config_path` and runs. A config that cannot be understood is an InvalidArgument
/// Status (exit 2); failing to write evidence is an IoError (exit 3). Findings about the
/// releases are in `report` (decision "block"), never a Status.
Status RunFromFile(const std::string& config_path, const RunOptions& options, RunReport* report);

/// The same with an already loaded config (the ad-hoc `check`, the demo, embedding).
Status RunWithConfig(const Config& config, const RunOptions& options, RunReport* report);

/// The report table `rollgate gate`, `check` and `drill` print on stdout; `color`: ANSI colours.
std::string RenderRunConsole(const RunReport& report, bool color);

/// The exit code for the decision: kPass or kBlock (docs/exit-codes.md). A run a signal
/// interrupted exits ExitCodeForSignal(N) instead; only the caller knows N.
ExitCode ExitCodeFor(const RunReport& report);
ExitCode ExitCodeFor(const FleetReport& report);

}  // namespace rollgate
