// How a release rehearsed through its app shows in the rehearsal: see app_rows.h.
#include "rehearse/app_rows.h"

#include <algorithm>

#include "base/display.h"
#include "base/strings.h"

namespace rollgate::internal {

std::string AttemptsText(const std::map<std::string, int64_t>& attempts) {
  std::vector<std::string> parts;
  parts.reserve(attempts.size());
  for (const auto& [outcome, n] : attempts) parts.push_back(outcome + ": " + std::to_string(n));
  return Join(parts, ", ");
}

// A row whose release went through its app: what the mock saw the app's client do, and the
// judgement that only the observation can make (an app that absorbed a flaky 5xx by retrying
// passed rightly; one that reported a cut stream as content hides it from every gate).
void AddAppObservation(const Mode& mode, const ModeSetup& setup, const RunReport& report,
                       RehearseRow* row) {
  const mock::Observations& seen = setup.app_seen;
  if (seen.requests == 0) return;
  std::string observed =
      "observed: " + setup.target + "'s app sent " + std::to_string(seen.requests) +
      (seen.requests == 1 ? " request" : " requests") + " (" + AttemptsText(seen.attempts) + ")";
  // Faults that test the limits of rollgate's own client (its body cap, its strict UTF-8, its
  // whole-call timeout): an app whose client reads the answer correctly anyway has nothing to
  // catch, which is not a gap in the gate.
  const ReleaseReport* rel = report.FindRelease(setup.target);
  // (latency aside: an app's end-to-end time includes starting its runtime)
  bool all_pass =
      rel && std::none_of(rel->checks.begin(), rel->checks.end(), [](const CheckResult& c) {
        return c.status == CheckStatus::kFail && c.id != "latency";
      });
  // wrong-content-type and reset-mid-body as well: a client may parse a JSON body served as
  // text/plain, and reports a cut transfer in its own words (an error beside a 200).
  bool client_limit = mode.name == "invalid-utf8" || mode.name == "oversized-body" ||
                      mode.name == "slow-body" || mode.name == "wrong-content-type" ||
                      mode.name == "reset-mid-body";
  if (client_limit && row->result == RehearseResult::kMissed && all_pass) {
    row->result = RehearseResult::kNotApplicable;
    row->detail =
        observed +
        ": its client read the answer correctly despite the fault, so there is nothing to "
        "catch through this client" +
        (mode.name == "slow-body" ? std::string(" (its timeout does not cover "
                                                "a slow body: see apps[].timeout_ms.body)")
                                  : std::string()) +
        "; " + row->detail;
    return;
  }
  if (client_limit && row->result == RehearseResult::kMissed && rel) {
    // The app read past the fault, and another check of the release blocked what it made of it.
    for (const auto& c : rel->checks) {
      if (c.status != CheckStatus::kFail || c.id == "latency") continue;
      row->result = RehearseResult::kCaught;
      row->detail = observed + ": caught by " + setup.target + " " + c.id + " instead: " + c.detail;
      return;
    }
  }
  if (mode.name == "flaky-5xx" && row->result == RehearseResult::kMissed &&
      seen.attempts.count("200") && seen.attempts.size() > 1) {
    row->result = RehearseResult::kCaught;
    row->detail = observed + ": its client absorbed the flaky answers by retrying and recovered; " +
                  row->detail;
    return;
  }
  if ((mode.name == "stream-cut" || mode.name == "stream-error") &&
      row->result == RehearseResult::kMissed) {
    row->detail = observed +
                  ": its app reported the broken stream as content, so no gate can see it through "
                  "this client (a real defect of this release); " +
                  row->detail;
    return;
  }
  row->detail += "; " + observed;
}

namespace {

std::string MsText(const std::optional<int64_t>& ms, int64_t limit) {
  if (ms) return FormatDurationMs(static_cast<double>(*ms));
  return limit >= 0 ? "none within " + FormatDurationMs(static_cast<double>(limit))
                    : "not measured";
}

}  // namespace

// The per-release table under the matrix: how each release was reached and what its client did.
std::string RenderApps(const RehearseReport& report) {
  if (report.apps.empty()) return "";
  std::string out = "\nAPPS\n";
  auto line = [&](const std::string& label, const std::string& text) {
    out += "  " + label + std::string(label.size() < 16 ? 16 - label.size() : 1, ' ') + text + "\n";
  };
  for (const auto& app : report.apps) {
    out += app.release + ": through " + app.through +
           (app.reason.empty() ? "" : " (" + app.reason + ")") + "\n";
    for (const auto& note : app.notes) line("note", note);
    if (!app.observed) continue;
    const mock::ClientIdentity& c = app.client;
    line("client", (c.sdk.empty() ? "(unnamed)" : c.sdk + " " + c.sdk_version) +
                       (c.runtime.empty() ? "" : ", " + c.runtime) + "; User-Agent '" +
                       c.user_agent + "'");
    line("request", "fields " + Join(app.request.fields, ", ") + "; model " + app.request.model +
                        "; token field " +
                        (app.request.token_field.empty() ? "none" : app.request.token_field));
    if (!app.not_in_contract.empty())
      line("", "not in the contract: " + Join(app.not_in_contract, ", "));
    if (!app.not_sent.empty())
      line("", "rollgate's probe sends, the app does not: " + Join(app.not_sent, ", "));
    line("attempts", AttemptsText(app.attempts));
    if (app.retry_after_honoured) {
      std::vector<std::string> waits;
      for (int64_t w : app.retry_delays_ms)
        waits.push_back(FormatDurationMs(static_cast<double>(w)));
      line("retry-after", std::string(*app.retry_after_honoured ? "honoured" : "NOT honoured") +
                              " (waited " + Join(waits, ", ") + ")");
    }
    auto limit = [&](const char* kind) {
      auto it = app.stall_limit_ms.find(kind);
      return it == app.stall_limit_ms.end() ? int64_t{-1} : it->second;
    };
    line("timeout", "before headers " + MsText(app.timeout_headers_ms, limit("headers")) +
                        ", mid-body " + MsText(app.timeout_body_ms, limit("body")) +
                        ", mid-stream " + MsText(app.timeout_stream_ms, limit("stream")));
    std::vector<std::string> reported;
    for (const auto& [fault, how] : app.reported_as)
      reported.emplace_back(fault).append(" as ").append(how);
    if (!reported.empty()) line("broken answers", Join(reported, ", "));
    if (app.disconnect) {
      const DisconnectObservation& d = *app.disconnect;
      line("disconnect",
           d.propagated
               ? "propagated: the app closed its upstream call " +
                     FormatDurationMs(static_cast<double>(d.upstream_closed_ms.value_or(0))) +
                     " after its user hung up mid-stream"
               : "NOT propagated: the upstream call was still open " +
                     FormatDurationMs(static_cast<double>(d.watched_ms)) +
                     " after its user hung up mid-stream");
    }
  }
  if (!report.app_differences.empty()) {
    out += "new vs rollback:\n";
    for (const auto& d : report.app_differences) out += "  - " + d + "\n";
  }
  return out;
}

}  // namespace rollgate::internal
