#include "contract/mock_control_body.h"

#include <nlohmann/json.hpp>

namespace rollgate::internal {

namespace {

using nlohmann::ordered_json;

ordered_json OrNull(int64_t value) { return value < 0 ? ordered_json() : ordered_json(value); }

ordered_json ClientJson(const mock::ClientIdentity& c) {
  return {{"user_agent", c.user_agent}, {"sdk", c.sdk},         {"sdk_version", c.sdk_version},
          {"language", c.language},     {"runtime", c.runtime}, {"os", c.os}};
}

ordered_json ShapeJson(const mock::RequestShape& r) {
  return {{"fields", r.fields},
          {"headers", r.headers},
          {"model", r.model},
          {"stream", r.stream},
          {"stream_options_include_usage", r.stream_options_include_usage},
          {"token_field", r.token_field.empty() ? ordered_json() : ordered_json(r.token_field)}};
}

ordered_json TimeoutJson(const ClientTimeout& t) {
  return {{"stalls", t.stalls},
          {"hung_up", t.hung_up},
          {"hung_up_after_ms", t.hung_up_after_ms},
          {"timeout_ms", t.timeout_ms ? ordered_json(*t.timeout_ms) : ordered_json()},
          {"stall_limit_ms", OrNull(t.stall_limit_ms)}};
}

ordered_json ObservedAttemptJson(const ObservedAttempt& a) {
  ordered_json j = {
      {"seq", a.seq},
      {"arrived_ms", a.arrived_ms},
      {"answered_ms", OrNull(a.answered_ms)},
      {"delay_ms", OrNull(a.delay_ms)},
      {"session", a.session},
      {"key_fingerprint", a.key_fingerprint},
      {"client_request_id", a.client_request_id},
      {"method", a.method},
      {"path", a.path},
      {"scenario", a.scenario},
      {"status", a.status},
      {"outcome", a.outcome},
      {"retry_count", a.retry_count < 0 ? ordered_json() : ordered_json(a.retry_count)},
      {"declared_timeout_s",
       a.declared_timeout_s < 0 ? ordered_json() : ordered_json(a.declared_timeout_s)},
      {"retry_after_ms", OrNull(a.retry_after_ms)},
      {"client", ClientJson(a.client)},
      {"request", ShapeJson(a.request)}};
  if (a.stall == StallKind::kNone) {
    j["stall"] = nullptr;
  } else {
    j["stall"] = {{"kind", StallKindName(a.stall)},
                  {"started_ms", OrNull(a.stall_started_ms)},
                  {"limit_ms", OrNull(a.stall_limit_ms)}};
  }
  j["client_closed_ms"] = OrNull(a.client_closed_ms);
  j["complete"] = a.complete;
  return j;
}

std::string DumpLine(const ordered_json& j) {
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace

const char* StallKindName(StallKind kind) {
  switch (kind) {
    case StallKind::kHeaders:
      return "headers";
    case StallKind::kBody:
      return "body";
    case StallKind::kStream:
      return "stream";
    case StallKind::kNone:
      break;
  }
  return "none";
}

std::string ObservationsJson(const Observations& o) {
  ordered_json clients = ordered_json::array();
  for (const auto& c : o.clients) clients.push_back(ClientJson(c));
  ordered_json shapes = ordered_json::array();
  for (const auto& s : o.request_shapes) shapes.push_back(ShapeJson(s));
  ordered_json attempts = ordered_json::object();
  for (const auto& [outcome, n] : o.attempts) attempts[outcome] = n;
  ordered_json waits = ordered_json::array();
  for (const auto& w : o.retry_after_waits) {
    waits.push_back({{"asked_ms", w.asked_ms}, {"waited_ms", w.waited_ms}});
  }
  ordered_json log = ordered_json::array();
  for (const auto& a : o.log) log.push_back(ObservedAttemptJson(a));
  ordered_json j = {{"requests", o.requests},
                    {"clients", clients},
                    {"request_shapes", shapes},
                    {"attempts", attempts},
                    {"retry_after",
                     {{"honoured", o.retry_after_honoured ? ordered_json(*o.retry_after_honoured)
                                                          : ordered_json()},
                      {"waits", waits}}},
                    {"timeouts",
                     {{"headers", TimeoutJson(o.headers_timeout)},
                      {"body", TimeoutJson(o.body_timeout)},
                      {"stream", TimeoutJson(o.stream_timeout)}}},
                    {"log", log}};
  return DumpLine(j);
}

std::string StatsJson(const MockStats& stats) {
  ordered_json by_status = ordered_json::object();
  ordered_json by_id = ordered_json::object();
  for (const auto& [status, n] : stats.by_status) by_status[std::to_string(status)] = n;
  for (const auto& [id, n] : stats.by_client_request_id) by_id[id] = n;
  ordered_json body = {{"requests_total", stats.requests_total},
                       {"by_status", by_status},
                       {"by_client_request_id", by_id}};
  return DumpLine(body);
}

std::string ModelListJson(const std::vector<std::string>& model_ids) {
  ordered_json data = ordered_json::array();
  for (const auto& id : model_ids) {
    data.push_back(
        {{"id", id}, {"object", "model"}, {"created", 1715367049}, {"owned_by", "openai"}});
  }
  ordered_json list = {{"object", "list"}, {"data", data}};
  return DumpLine(list);
}

}  // namespace rollgate::internal
