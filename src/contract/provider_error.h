// The provider's side of an error: the envelope each flavor sends (FACTS.md §1.4, §3.1), as the
// mock writes it. contract/error_body.h is the reading side that releases are held to.
//
// OpenAI:   {"error":{"message":..,"type":..,"param":null|"x","code":..|null}}; the request id
//           travels in the x-request-id header only.
// CometAPI: {"error":{"message":".. (request id: <id>)","type":"comet_api_error","param":"",
//           "code":".."}}; the id lives only in the message and there is no header.
// No message ever contains the caller's bearer token or any part of it.
#pragma once

#include <string>

#include "rollgate/mock.h"

namespace rollgate::internal {

enum class ErrorKind {
  kMissingToken,     // no usable Authorization: Bearer header
  kInvalidToken,     // a token the mock does not accept
  kMalformedJson,    // the request body is not a JSON object
  kMissingModel,     // `model` absent or empty
  kMissingMessages,  // `messages` absent or not an array
  kUnknownModel,     // the model is not among the served ones
  kModelDown,        // primary-model-down: the model exists but has no capacity
  kRateLimited,      // 429
  kBusy,             // flaky-5xx: the upstream is busy
  kUnknownPath,      // OpenAI's JSON 404 for a wrong URL
  kUpstreamFailed,   // error-in-200 and stream-error: an error relayed as content
  // The status-NNN scenarios: one plain error per status a client's retry policy must get right.
  kBadRequest,          // 400
  kPermissionDenied,    // 403
  kNotFound,            // 404
  kUnprocessable,       // 422
  kServerError,         // 500
  kServiceUnavailable,  // 503
};

struct ErrorDetails {
  std::string request_id;  // "" (no-request-id): the CometAPI message carries no id suffix
  std::string model;       // for the model errors
  std::string method;      // for kUnknownPath
  std::string path;        // for kUnknownPath
  int retry_after_s = 0;   // for kRateLimited
  int retry_after_ms = 0;  // for kRateLimited: also a retry-after-ms header when > 0
};

struct ProviderError {
  int status = 500;  // the HTTP status the flavor uses for this kind
  std::string body;  // the JSON envelope
};

ProviderError BuildError(mock::Flavor flavor, ErrorKind kind, const ErrorDetails& details);

}  // namespace rollgate::internal
