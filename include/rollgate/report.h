// What a run found: value types the evidence writers serialise (docs/report-format.md) and the
// CLI renders. Nothing here ever holds an API key, a prompt or completion text.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollgate/vocabulary.h"

namespace rollgate {

enum class CheckStatus { kPass, kFail, kSkip };

const char* ToString(CheckStatus status);
/// nullopt when `text` is not one of "pass", "fail", "skip".
std::optional<CheckStatus> ParseCheckStatus(std::string_view text);

/// One check of one release, or one gate. `id` values are part of the public interface.
struct CheckResult {
  std::string id;
  CheckStatus status = CheckStatus::kSkip;
  std::string detail;    // one line a human can act on: what failed, what it means, where to look
  bool warning = false;  // passed, but the detail names something to look at
};

/// Phase timings of one HTTP attempt, from libcurl. dns/connect/tls are the durations of
/// those phases; ttfb and total are measured from the start of the attempt.
struct Timings {
  double dns_ms = 0;
  double connect_ms = 0;
  double tls_ms = 0;
  double ttfb_ms = 0;
  double total_ms = 0;
};

/// One HTTP attempt (one line of probes.jsonl).
struct AttemptRecord {
  AttemptKind kind = AttemptKind::kChat;  // which probe the attempt belongs to
  int attempt = 1;                        // 1-based within its probe
  int64_t ts_unix_ms = 0;                 // when the attempt started
  int http_status = 0;                    // 0: no HTTP response
  std::string outcome;     // "ok", "http_<status>" or the transport error: "timeout", "dns", ...
  std::string error;       // classified transport error text, when there was one
  std::string request_id;  // the provider's, when it sent one
  std::string request_id_source;  // "header x-request-id", "error message", ...
  double latency_ms = 0;
  Timings timings;
  std::string retry_decision;     // why the next attempt was (not) made, when relevant
  double backoff_ms = 0;          // wait before the next attempt
  std::string client_request_id;  // X-Client-Request-Id rollgate sent (the correlation id)
  std::string model;              // the model asked for, when it is not the release's (fallback)
};

/// A fallback production would take (release `fallback:`), reproduced by rollgate's probe or
/// reported by the app's own client (the smoke protocol's `fallback` object): never silent
/// (DESIGN.md, observability). The one type for it, from the probe to gate.json.
struct FallbackRecord {
  std::string primary_model;   // the model asked for first (the app's `from`)
  std::string fallback_model;  // the model that answered (the app's `to`)
  std::string trigger;         // what made it fall back, e.g. "503 model_not_found"
};

/// What the parser could read from a successful answer (never the completion text itself,
/// except `content_json` when it is the smoke object rollgate asked for).
struct ParsedFields {
  std::string finish_reason;
  std::string response_model;               // may be a dated snapshot of the requested model
  std::optional<std::string> content_json;  // compact JSON of {ok,label} when content parsed
  std::vector<std::string> fields_present;  // the contract's response fields found
  int64_t prompt_tokens = -1;               // -1: not reported
  int64_t completion_tokens = -1;
  int64_t total_tokens = -1;
};

/// The streaming path of a release that streams.
struct StreamSummary {
  bool probed = false;
  int http_status = 0;
  int64_t chunks = 0;
  /// Whether the stream ended with `data: [DONE]`; nullopt when an exec/http app did not
  /// report it (an SDK that hides [DONE] cannot say): unknown, never assumed.
  std::optional<bool> done_seen = false;
  bool usage_seen = false;
  double ttft_ms = -1;    // time to first content token, from the attempt start
  double max_gap_ms = 0;  // longest silence between events
  std::string finish_reason;
  int64_t total_tokens = -1;  // from the usage chunk
};

struct ReleaseReport {
  std::string name;
  std::string version;
  ProbeKind probe = ProbeKind::kDirect;  // direct | http | exec
  std::string endpoint;                  // URL called (never with credentials)
  std::string method;                    // POST, GET, ... or "EXEC" for an exec release
  std::string model;                     // the requested model
  std::string key_fingerprint;           // sha256:<12 hex>, or "" when the key did not resolve
  std::map<std::string, std::string> provenance;  // key -> where its value came from
  int64_t timestamp_unix_ms = 0;
  int http_status = 0;
  std::string request_id;
  double latency_ms = 0;                // end to end, retries and backoff included
  std::vector<AttemptRecord> attempts;  // every attempt of every probe of this release
  Timings timings;                      // of the final chat attempt
  ParsedFields parsed;
  StreamSummary stream;
  std::optional<FallbackRecord> fallback;
  std::vector<CheckResult> checks;
  /// The app's own log line for the probe (release `logs:`), judged for the observability gate.
  std::optional<CheckResult> app_logs;

  const CheckResult* FindCheck(const std::string& id) const {
    for (const auto& c : checks) {
      if (c.id == id) return &c;
    }
    return nullptr;
  }
};

/// One step of the rollback switch drill (DESIGN.md: the order of operations).
struct DrillStep {
  int number = 0;    // 1..8
  std::string name;  // "smoke new release", "switch route to new", ...
  CheckStatus status = CheckStatus::kSkip;
  std::string detail;
  int64_t started_unix_ms = 0;
  int64_t finished_unix_ms = 0;
  bool recovery = false;  // a step run to restore the rollback route after a failure
};

struct RunReport {
  Command command = Command::kGate;
  std::string
      run_id;  // in every evidence file of the run (docs/report-format.md); set when written
  std::string service;
  std::string config_file;
  std::string contract_file;
  int64_t started_unix_ms = 0;
  int64_t finished_unix_ms = 0;
  Decision decision = Decision::kBlock;  // never decided: block (rollgate/vocabulary.h)
  std::vector<CheckResult> gates;
  std::vector<ReleaseReport> releases;
  std::vector<AttemptRecord> negative_auth_attempts;  // with the release whose endpoint they hit
  std::vector<std::string> negative_auth_releases;    // parallel to negative_auth_attempts
  std::vector<std::string> evidence_files;            // paths written
  std::vector<DrillStep> drill_steps;                 // `rollgate drill` only
  std::string route_left_on;                          // drill: "rollback", "new" or "unknown"
  std::vector<std::string> warnings;  // for the operator, not the verdict (e.g. the history
                                      // could not record the run); already redacted
  /// The run was cancelled before it finished (a signal, or serve's run_timeout): decision
  /// kBlock, whatever the probes that did finish said.
  bool interrupted = false;
  std::string signal;  // "SIGINT", "SIGTERM", "SIGHUP" when a signal cancelled it; else ""

  bool passed() const { return decision == Decision::kPass; }
  /// Usage tokens the provider reported across every probe of the run (schedule caps).
  int64_t TokensUsed() const {
    int64_t total = 0;
    for (const auto& r : releases) {
      if (r.parsed.total_tokens > 0) total += r.parsed.total_tokens;
      if (r.stream.total_tokens > 0) total += r.stream.total_tokens;
    }
    return total;
  }
  const ReleaseReport* FindRelease(const std::string& name) const {
    for (const auto& r : releases) {
      if (r.name == name) return &r;
    }
    return nullptr;
  }
  const CheckResult* FindGate(const std::string& id) const {
    for (const auto& g : gates) {
      if (g.id == id) return &g;
    }
    return nullptr;
  }
};

}  // namespace rollgate
