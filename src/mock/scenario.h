// The fault scenarios the mock can inject: one per way a release (or its rollback) can break
// that rollgate must catch. The names are part of the CLI (`rollgate mock --scenario`).
//
// The stream-* scenarios change only streaming responses. The others apply to both paths, in
// the stream's own shape where that differs: schema-drift sends delta.content as parts,
// truncated and prompt-ignored stream their answer, invalid-utf8 puts the raw bytes in the
// first content chunk, oversized-body pads the first chunk, empty-choices sends chunks with
// "choices": [], slow-body trickles the SSE bytes, reset-mid-body cuts the chunked stream in
// half, wrong-content-type serves it as text/plain, and error-in-200 answers a stream request
// with the JSON error envelope (status 200, application/json) instead of events.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollgate::mock {

enum class Scenario {
  kOk,                 // normal answers
  kRotatedKey,         // 401 for every request, as if the key had been rotated
  kModelMissing,       // the flavor's unknown-model error for every request
  kSchemaDrift,        // 200, but message.content is an array of parts
  kTruncated,          // finish_reason "length" and cut JSON content
  kPromptIgnored,      // 200, prose instead of the JSON the prompt asked for
  kErrorIn200,         // HTTP 200 whose body is an error envelope
  kHtml502,            // 502 with a proxy's HTML page
  kRateLimited,        // 429 with Retry-After
  kFlaky5xx,           // the first N attempts per probe answer 503, then ok
  kSlow,               // waits slow_ms before answering
  kSlowBody,           // headers at once, then the body trickles over slow_ms
  kStreamCut,          // stream ends cleanly without finish_reason and [DONE]
  kStreamError,        // stream sends an error event after one content chunk
  kStreamNoUsage,      // stream never sends the usage chunk
  kNoRequestId,        // no request id anywhere (header or message)
  kAcceptAnyKey,       // authentication accepts anything
  kWrongContentType,   // valid JSON served as text/plain
  kInvalidUtf8,        // content contains raw invalid UTF-8 bytes
  kOversizedBody,      // a valid ~2 MiB JSON body
  kResetMidBody,       // declares the full length, sends half, closes the connection
  kEmptyChoices,       // 200 with "choices": []
  kStreamStall,        // stream sends two chunks, then nothing until slow_ms or Stop()
  kStreamSchemaDrift,  // stream chunks shaped like non-stream completions
  kPrimaryModelDown,   // 503 model_not_found for the down model(s), ok for the others
  // Stalls that measure the client's own timeout (the mock records when the client hangs up):
  kStallHeaders,  // no status line at all until the client hangs up (or slow_ms: then cut)
  kStallMidBody,  // headers and half the body (or the stream's first events), then silence
  // One plain error status per request, to observe which statuses a client retries:
  kStatus400,
  kStatus403,
  kStatus404,
  kStatus422,
  kStatus500,
  kStatus503,
};

/// Every scenario name, in the enum's order.
const std::vector<std::string>& AllScenarioNames();

std::optional<Scenario> ParseScenario(std::string_view name);
std::string_view ScenarioName(Scenario scenario);

/// The HTTP status a status-NNN scenario answers with; 0 for every other scenario.
int InjectedStatus(Scenario scenario);

/// True for the stream-* scenarios: they only change streaming responses; a non-streaming
/// request under them is answered as under kOk.
bool OnlyAffectsStreams(Scenario scenario);

}  // namespace rollgate::mock
