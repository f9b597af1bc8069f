// The rehearsal's report as JSON (docs/rehearse.md). RehearseReport and AppReport are public
// (rollgate/rehearse.h), so evidence/ renders them without reaching up into rehearse/; the
// words of each row's "result" live with the rest of the vocabulary, in base/report.cc.
#include <nlohmann/json.hpp>
#include <utility>

#include "rollgate/rehearse.h"

namespace rollgate {

namespace {

using nlohmann::ordered_json;

ordered_json OptionalMs(const std::optional<int64_t>& ms) {
  return ms ? ordered_json(*ms) : ordered_json(nullptr);
}

// One `apps[]` entry.
ordered_json AppJson(const AppReport& app) {
  ordered_json j;
  j["release"] = app.release;
  j["through"] = app.through;
  if (!app.reason.empty()) j["reason"] = app.reason;
  if (!app.observed) {
    if (!app.notes.empty()) j["notes"] = app.notes;
    return j;
  }
  j["client"] = {{"user_agent", app.client.user_agent},
                 {"sdk", app.client.sdk},
                 {"sdk_version", app.client.sdk_version},
                 {"runtime", app.client.runtime}};
  j["request"] = {{"fields", app.request.fields},
                  {"headers", app.request.headers},
                  {"model", app.request.model},
                  {"stream", app.request.stream},
                  {"stream_options_include_usage", app.request.stream_options_include_usage},
                  {"token_field", app.request.token_field},
                  {"not_in_contract", app.not_in_contract},
                  {"not_sent", app.not_sent}};
  ordered_json attempts = ordered_json::object();
  for (const auto& [outcome, n] : app.attempts) attempts[outcome] = n;
  j["attempts"] = std::move(attempts);
  j["retry_after_honoured"] =
      app.retry_after_honoured ? ordered_json(*app.retry_after_honoured) : ordered_json(nullptr);
  j["retry_delays_ms"] = app.retry_delays_ms;
  j["timeout_ms"] = {{"headers", OptionalMs(app.timeout_headers_ms)},
                     {"body", OptionalMs(app.timeout_body_ms)},
                     {"stream", OptionalMs(app.timeout_stream_ms)}};
  ordered_json limits = ordered_json::object();
  for (const auto& [kind, ms] : app.stall_limit_ms) limits[kind] = ms;
  j["stall_limit_ms"] = std::move(limits);
  ordered_json reported = ordered_json::object();
  for (const auto& [fault, how] : app.reported_as) reported[fault] = how;
  j["reported_as"] = std::move(reported);
  if (app.disconnect) {
    j["disconnect"] = {{"propagated", app.disconnect->propagated},
                       {"upstream_closed_ms", OptionalMs(app.disconnect->upstream_closed_ms)}};
  }
  if (!app.notes.empty()) j["notes"] = app.notes;
  return j;
}

}  // namespace

std::string RenderRehearseJson(const RehearseReport& report) {
  ordered_json j;
  ordered_json modes = ordered_json::array();
  for (const auto& r : report.rows) {
    modes.push_back({{"mode", r.mode},
                     {"release", r.release},
                     {"expected", r.expected},
                     {"result", ToString(r.result)},
                     {"detail", r.detail}});
  }
  j["modes"] = std::move(modes);
  ordered_json apps = ordered_json::array();
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
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace rollgate
