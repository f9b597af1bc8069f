// Turns one authenticated Chat Completions request into the response its scenario calls for.
// No state and no I/O: the provider (mock_provider.cc) owns authentication, scenario
// selection, flaky-5xx attempt counting and statistics, and hands the outcome in here.
#pragma once

#include <memory>
#include <string>

#include "contract/provider_error.h"
#include "contract/provider_request.h"
#include "http_server/http_message.h"
#include "mock/delivery.h"
#include "mock/mock_provider.h"
#include "mock/scenario.h"

namespace rollgate::mock {

using internal::ChatRequest;
using internal::ErrorDetails;
using internal::ErrorKind;

struct ChatContext {
  const MockOptions* options = nullptr;
  Scenario scenario = Scenario::kOk;
  const ChatRequest* request = nullptr;
  std::string request_id;  // "" under no-request-id
  int flaky_attempt = 0;   // flaky-5xx: this probe's attempt number, 1-based
  /// Handed to every streamed body (streams, trickles, stalls) so the observations see it
  /// start, stall, finish, or the client leave. Optional.
  std::shared_ptr<AnswerWatch> watch;
};

/// The response to POST /v1/chat/completions once authentication has passed. Checks, in order:
/// faults in front of the model (html-502, rate-limited, flaky-5xx, status-NNN), the request
/// body, the model (unknown, model-missing, primary-model-down), then answers (error-in-200 or
/// a completion, bent by the scenario). Neither latency_ms nor the waits before the status line
/// (slow, stall-headers) are included: the caller owns those.
internal::ServerResponse RespondToChat(const ChatContext& ctx);

/// An error in the flavor's dialect: status, JSON envelope, x-request-id (OpenAI, when there
/// is an id) and Retry-After (rate limits).
internal::ServerResponse ErrorResponse(Flavor flavor, ErrorKind kind, const ErrorDetails& details);

/// Adds x-request-id when the flavor sends one (OpenAI) and `request_id` is not empty.
void AddRequestIdHeader(Flavor flavor, const std::string& request_id,
                        internal::ServerResponse& response);

}  // namespace rollgate::mock
