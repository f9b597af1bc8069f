#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "evidence/evidence.h"
#include "rollgate/version.h"

namespace rollgate::internal {

namespace {

using nlohmann::json;

json Checks(const std::vector<CheckResult>& checks) {
  json arr = json::array();
  for (const auto& c : checks) {
    json j = {{"id", c.id}, {"status", ToString(c.status)}, {"detail", c.detail}};
    if (c.warning) j["warning"] = true;
    arr.push_back(std::move(j));
  }
  return arr;
}

json TimingsJson(const Timings& t) {
  return {{"dns_ms", t.dns_ms},
          {"connect_ms", t.connect_ms},
          {"tls_ms", t.tls_ms},
          {"ttfb_ms", t.ttfb_ms},
          {"total_ms", t.total_ms}};
}

json AttemptJson(const AttemptRecord& a) {
  json j = {{"kind", ToString(a.kind)},
            {"attempt", a.attempt},
            {"ts", FormatIsoUtc(a.ts_unix_ms)},
            {"http_status", a.http_status},
            {"outcome", a.outcome},
            {"latency_ms", a.latency_ms},
            {"timings", TimingsJson(a.timings)},
            {"client_request_id", a.client_request_id}};
  j["request_id"] = a.request_id.empty() ? json(nullptr) : json(a.request_id);
  if (!a.request_id_source.empty()) j["request_id_source"] = a.request_id_source;
  if (!a.error.empty()) j["error"] = a.error;
  if (!a.retry_decision.empty()) j["retry_decision"] = a.retry_decision;
  if (a.backoff_ms > 0) j["backoff_ms"] = a.backoff_ms;
  if (!a.model.empty()) j["model"] = a.model;  // a fallback call's model
  return j;
}

json Tokens(int64_t v) { return v < 0 ? json(nullptr) : json(v); }

json ReleaseJson(const ReleaseReport& r) {
  json j = {{"name", r.name},
            {"version", r.version},
            {"probe", ToString(r.probe)},
            {"endpoint", r.endpoint},
            {"method", r.method},
            {"model", r.model},
            {"key_fingerprint", r.key_fingerprint},
            {"provenance", r.provenance},
            {"timestamp",
             r.timestamp_unix_ms > 0 ? json(FormatIsoUtc(r.timestamp_unix_ms)) : json(nullptr)},
            {"http_status", r.http_status},
            {"latency_ms", r.latency_ms},
            {"timings", TimingsJson(r.timings)}};
  j["request_id"] = r.request_id.empty() ? json(nullptr) : json(r.request_id);
  json attempts = json::array();
  for (const auto& a : r.attempts) attempts.push_back(AttemptJson(a));
  j["attempts"] = std::move(attempts);
  json parsed = {{"finish_reason",
                  r.parsed.finish_reason.empty() ? json(nullptr) : json(r.parsed.finish_reason)},
                 {"response_model",
                  r.parsed.response_model.empty() ? json(nullptr) : json(r.parsed.response_model)},
                 {"fields_present", r.parsed.fields_present},
                 {"usage",
                  {{"prompt_tokens", Tokens(r.parsed.prompt_tokens)},
                   {"completion_tokens", Tokens(r.parsed.completion_tokens)},
                   {"total_tokens", Tokens(r.parsed.total_tokens)}}}};
  if (r.parsed.content_json) {
    json content = json::parse(*r.parsed.content_json, nullptr, false);
    if (!content.is_discarded()) parsed["content_json"] = std::move(content);
  }
  j["parsed"] = std::move(parsed);
  if (r.stream.probed) {
    j["stream"] = {{"http_status", r.stream.http_status},
                   {"chunks", r.stream.chunks},
                   {"done_seen", r.stream.done_seen ? json(*r.stream.done_seen) : json(nullptr)},
                   {"usage_seen", r.stream.usage_seen},
                   {"ttft_ms", r.stream.ttft_ms < 0 ? json(nullptr) : json(r.stream.ttft_ms)},
                   {"max_gap_ms", r.stream.max_gap_ms},
                   {"finish_reason", r.stream.finish_reason}};
  }
  if (r.fallback) {  // never silent: which model failed, which answered, and why
    j["fallback"] = {{"primary_model", r.fallback->primary_model},
                     {"fallback_model", r.fallback->fallback_model},
                     {"trigger", r.fallback->trigger}};
  }
  j["checks"] = Checks(r.checks);
  return j;
}

}  // namespace

std::string RenderGateJson(const RunReport& report) {
  json j;
  j["tool"] = {{"name", kToolName}, {"version", kToolVersion}};
  j["command"] = ToString(report.command);
  if (!report.run_id.empty()) j["run_id"] = report.run_id;
  j["service"] = report.service;
  j["config_file"] = report.config_file;
  j["contract_file"] = report.contract_file.empty() ? json(nullptr) : json(report.contract_file);
  j["started_at"] = FormatIsoUtc(report.started_unix_ms);
  j["finished_at"] = FormatIsoUtc(report.finished_unix_ms);
  j["decision"] = ToString(report.decision);
  if (report.interrupted) {  // only then: an uninterrupted run has neither key
    j["interrupted"] = true;
    if (!report.signal.empty()) j["signal"] = report.signal;
  }
  j["gates"] = Checks(report.gates);
  json releases = json::array();
  for (const auto& r : report.releases) releases.push_back(ReleaseJson(r));
  j["releases"] = std::move(releases);
  json neg = json::array();
  for (std::size_t i = 0; i < report.negative_auth_attempts.size(); ++i) {
    json a = AttemptJson(report.negative_auth_attempts[i]);
    a["release"] = report.negative_auth_releases[i];
    neg.push_back(std::move(a));
  }
  j["negative_auth"] = std::move(neg);
  if (!report.drill_steps.empty()) {
    json steps = json::array();
    for (const auto& st : report.drill_steps) {
      json sj = {{"step", st.number},
                 {"name", st.name},
                 {"status", ToString(st.status)},
                 {"detail", st.detail},
                 {"started_at", FormatIsoUtc(st.started_unix_ms)},
                 {"finished_at", FormatIsoUtc(st.finished_unix_ms)}};
      if (st.recovery) sj["recovery"] = true;
      steps.push_back(std::move(sj));
    }
    j["drill"] = {{"steps", std::move(steps)}, {"route_left_on", report.route_left_on}};
  }
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string RenderProbesJsonl(const RunReport& report) {
  std::string out;
  auto line = [&](const AttemptRecord& a, const std::string& release) {
    const ReleaseReport* r = report.FindRelease(release);
    json j = {{"ts", FormatIsoUtc(a.ts_unix_ms)},
              {"run_id", report.run_id},
              {"service", report.service},
              {"release", release},
              {"version", r ? r->version : ""},
              {"endpoint", r ? r->endpoint : ""},
              {"model", r ? r->model : ""},
              {"kind", ToString(a.kind)},
              {"status", a.http_status},
              {"request_id", a.request_id.empty() ? json(nullptr) : json(a.request_id)},
              {"client_request_id", a.client_request_id},
              {"latency_ms", a.latency_ms},
              {"attempt", a.attempt},
              {"outcome", a.outcome}};
    if (!a.error.empty()) j["error"] = a.error;
    out += j.dump(-1, ' ', false, json::error_handler_t::replace);
    out += '\n';
  };
  for (const auto& r : report.releases) {
    for (const auto& a : r.attempts) line(a, r.name);
  }
  for (std::size_t i = 0; i < report.negative_auth_attempts.size(); ++i) {
    line(report.negative_auth_attempts[i], report.negative_auth_releases[i]);
  }
  return out;
}

}  // namespace rollgate::internal
