// The JSON form of Observations, as GET /_mock/observations serves it (docs/mock.md).
// Unknown times and counts (-1, nullopt) are written as null, never as a sentinel number.
#include "mock/observations.h"

#include <nlohmann/json.hpp>

namespace rollgate::mock {

namespace {

using nlohmann::ordered_json;

ordered_json OrNull(int64_t value) { return value < 0 ? ordered_json() : ordered_json(value); }

ordered_json ClientJson(const ClientIdentity& c) {
  return {{"user_agent", c.user_agent}, {"sdk", c.sdk},         {"sdk_version", c.sdk_version},
          {"language", c.language},     {"runtime", c.runtime}, {"os", c.os}};
}

ordered_json ShapeJson(const RequestShape& r) {
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

ordered_json AttemptJson(const ObservedAttempt& a) {
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

}  // namespace

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
  for (const auto& a : o.log) log.push_back(AttemptJson(a));
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
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace rollgate::mock
