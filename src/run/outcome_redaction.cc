#include "run/outcome_redaction.h"

namespace rollgate::internal {

namespace {

void RedactString(const Redactor& r, std::string* s) {
  if (!s->empty()) *s = r.Redact(*s);
}

void RedactStrings(const Redactor& r, std::vector<std::string>* list) {
  for (auto& s : *list) RedactString(r, &s);
}

void RedactErrorBody(const Redactor& r, std::optional<ErrorBody>* error) {
  if (!*error) return;
  for (std::string* s : {&(*error)->message, &(*error)->type, &(*error)->code, &(*error)->param,
                         &(*error)->request_id}) {
    RedactString(r, s);
  }
}

void RedactChatResponse(const Redactor& r, ChatResponse* c) {
  for (std::string* s : {&c->json_error, &c->object, &c->model, &c->finish_reason, &c->content})
    RedactString(r, s);
  if (c->refusal) RedactString(r, &*c->refusal);
  RedactErrorBody(r, &c->error);
  RedactStrings(r, &c->problems);
  RedactStrings(r, &c->warnings);
}

void RedactStream(const Redactor& r, ChatStream* s) {
  for (std::string* f : {&s->content, &s->finish_reason, &s->model}) RedactString(r, f);
  RedactErrorBody(r, &s->error);
  RedactStrings(r, &s->problems);
  RedactStrings(r, &s->warnings);
}

}  // namespace

void RedactExchange(const Redactor& redactor, HttpExchange* ex) {
  RedactString(redactor, &ex->error_detail);
  RedactString(redactor, &ex->body);
  RedactString(redactor, &ex->location);
  for (auto& [name, value] : ex->headers) {
    RedactString(redactor, &name);
    RedactString(redactor, &value);
  }
}

void RedactProbeOutcome(const Redactor& redactor, ProbeOutcome* outcome) {
  for (auto& a : outcome->attempts) {
    RedactExchange(redactor, &a.exchange);
    RedactErrorBody(redactor, &a.error_body);
    RedactString(redactor, &a.decision.reason);
  }
  if (outcome->stream) RedactStream(redactor, &*outcome->stream);
}

void RedactAppProbeOutcome(const Redactor& redactor, AppProbeOutcome* outcome) {
  RedactString(redactor, &outcome->failure);
  RedactString(redactor, &outcome->served_version);
  RedactExchange(redactor, &outcome->route);
  AppAnswer& a = outcome->answer;
  RedactString(redactor, &a.problem);
  RedactString(redactor, &a.request_id);
  RedactErrorBody(redactor, &a.error);
  RedactChatResponse(redactor, &a.chat);
  if (a.fallback) {
    for (std::string* s :
         {&a.fallback->primary_model, &a.fallback->fallback_model, &a.fallback->trigger})
      RedactString(redactor, s);
  }
}

}  // namespace rollgate::internal
