#include "contract/provider_error.h"

#include <nlohmann/json.hpp>

namespace rollgate::internal {

namespace {

using nlohmann::ordered_json;

struct EnvelopeFields {
  int status;
  std::string message;
  std::string type;
  ordered_json param;  // OpenAI: null or a field name; CometAPI always sends ""
  ordered_json code;   // OpenAI: null or a string; CometAPI: a string, often ""
};

EnvelopeFields OpenAiEntry(ErrorKind kind, const ErrorDetails& d) {
  const std::string invalid = "invalid_request_error";
  switch (kind) {
    case ErrorKind::kMissingToken:
      return {401,
              "You didn't provide an API key. You need to provide your API key in an "
              "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
              invalid, nullptr, nullptr};
    case ErrorKind::kInvalidToken:
      // OpenAI quotes a masked part of the key here; the mock never echoes any of it.
      return {401,
              "Incorrect API key provided. You can find your API key in your account settings.",
              invalid, nullptr, "invalid_api_key"};
    case ErrorKind::kMalformedJson:
      return {400,
              "We could not parse the JSON body of your request. The API expects a JSON payload.",
              invalid, nullptr, nullptr};
    case ErrorKind::kMissingModel:
      return {400, "you must provide a model parameter", invalid, nullptr, nullptr};
    case ErrorKind::kMissingMessages:
      return {400, "Missing required parameter: 'messages'.", invalid, "messages",
              "missing_required_parameter"};
    case ErrorKind::kUnknownModel:
      return {404, "The model `" + d.model + "` does not exist or you do not have access to it.",
              invalid, nullptr, "model_not_found"};
    case ErrorKind::kModelDown:
      return {503, "The model `" + d.model + "` is currently unavailable. Please try again later.",
              "server_error", nullptr, "model_not_found"};
    case ErrorKind::kRateLimited:
      return {429,
              "Rate limit reached for requests. Please try again in " +
                  std::to_string(d.retry_after_s) + "s.",
              "requests", nullptr, "rate_limit_exceeded"};
    case ErrorKind::kBusy:
      return {503, "The server is overloaded or not ready yet.", "server_error", nullptr, nullptr};
    case ErrorKind::kUnknownPath:
      return {404, "Invalid URL (" + d.method + " " + d.path + ")", invalid, nullptr, nullptr};
    case ErrorKind::kUpstreamFailed:
    case ErrorKind::kServerError:
      return {500, "The server had an error while processing your request. Sorry about that!",
              "server_error", nullptr, nullptr};
    case ErrorKind::kBadRequest:
      return {400, "Invalid value for 'temperature': expected a number between 0 and 2.", invalid,
              "temperature", "invalid_value"};
    case ErrorKind::kPermissionDenied:
      return {403, "Country, region, or territory not supported", "request_forbidden", nullptr,
              "unsupported_country_region_territory"};
    case ErrorKind::kNotFound:
      return {404, "Invalid URL (" + d.method + " " + d.path + ")", invalid, nullptr, nullptr};
    case ErrorKind::kUnprocessable:
      return {422, "Unprocessable request: the messages could not be read.", invalid, "messages",
              nullptr};
    case ErrorKind::kServiceUnavailable:
      return {503, "The engine is currently overloaded, please try again later.", "server_error",
              nullptr, nullptr};
  }
  return {500, "internal error", "server_error", nullptr, nullptr};
}

// Wording follows the one-api / new-api gateway family CometAPI runs on (FACTS §1.4).
EnvelopeFields CometEntry(ErrorKind kind, const ErrorDetails& d) {
  const std::string comet = "comet_api_error";
  switch (kind) {
    case ErrorKind::kMissingToken:
      return {401, "no token provided", comet, "", ""};
    case ErrorKind::kInvalidToken:
      return {401, "invalid token", comet, "", ""};
    case ErrorKind::kMalformedJson:
      // The gateway reads the model before anything else; an unreadable body has none.
    case ErrorKind::kMissingModel:
      return {400, "model name is required", comet, "", "invalid_request"};
    case ErrorKind::kMissingMessages:
      return {500, "field messages is required", comet, "", "invalid_request"};
    case ErrorKind::kUnknownModel:
    case ErrorKind::kModelDown:
      return {503, "no available channel for group default and model " + d.model + " (distributor)",
              comet, "", "model_not_found"};
    case ErrorKind::kRateLimited:
      return {429, "rate limit exceeded, please try again later", comet, "", "rate_limit_exceeded"};
    case ErrorKind::kBusy:
      return {503, "bad response status code 503", "bad_response_status_code", "",
              "bad_response_status_code"};
    case ErrorKind::kUnknownPath:
      return {404, "invalid url " + d.path, comet, "", ""};
    case ErrorKind::kUpstreamFailed:
      return {500, "upstream error: do request failed", comet, "", "do_request_failed"};
    case ErrorKind::kBadRequest:
      return {400, "invalid request: temperature out of range", comet, "", "invalid_request"};
    case ErrorKind::kPermissionDenied:
      return {403, "token has no access to this group", comet, "", "access_denied"};
    case ErrorKind::kNotFound:
      return {404, "invalid url " + d.path, comet, "", ""};
    case ErrorKind::kUnprocessable:
      return {422, "unprocessable entity: messages could not be read", comet, "",
              "invalid_request"};
    case ErrorKind::kServerError:
      return {500, "internal server error", comet, "", "internal_error"};
    case ErrorKind::kServiceUnavailable:
      return {503, "service temporarily unavailable", comet, "", "service_unavailable"};
  }
  return {500, "internal error", comet, "", ""};
}

}  // namespace

ProviderError BuildError(mock::Flavor flavor, ErrorKind kind, const ErrorDetails& details) {
  EnvelopeFields e =
      flavor == mock::Flavor::kOpenAi ? OpenAiEntry(kind, details) : CometEntry(kind, details);
  if (flavor == mock::Flavor::kCometApi && !details.request_id.empty()) {
    e.message += " (request id: " + details.request_id + ")";
  }
  ordered_json error = {
      {"message", e.message}, {"type", e.type}, {"param", e.param}, {"code", e.code}};
  ordered_json envelope = {{"error", error}};
  return {e.status, envelope.dump(-1, ' ', false, ordered_json::error_handler_t::replace)};
}

}  // namespace rollgate::internal
