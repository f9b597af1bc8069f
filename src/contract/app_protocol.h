// The smoke protocol an app speaks to rollgate in `probe: exec` and `probe: http`
// (docs/app-probes.md): one JSON object saying what the app's own client and parser saw.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/chat_response.h"
#include "contract/chat_stream.h"
#include "contract/error_body.h"
#include "rollgate/report.h"

namespace rollgate::internal {

struct AppAnswer {
  bool valid = false;
  std::string problem;             // why the output is not a protocol answer
  int status = 0;                  // the provider's HTTP status as the app saw it (0: none)
  std::optional<ErrorBody> error;  // what the app's client or parser raised
  ChatResponse chat;               // the answer as the app parsed it, for the shared checks
  std::string request_id;
  bool fields_reported = false;  // the app listed fields_present
  std::optional<bool> done;      // streaming: the app saw [DONE]
  int64_t chunks = -1;           // streaming: chunks the app read
  std::optional<FallbackRecord> fallback;
  /// The invalid-token call: the app says it made the call with ROLLGATE_SMOKE_API_KEY /
  /// X-Rollgate-Smoke-Api-Key instead of its configured key (`"smoke_api_key_used": true`).
  bool smoke_api_key_used = false;
  /// The app reported `client`: it speaks the protocol revision that has the invalid-token
  /// call, so an answer without `smoke_api_key_used` there means it ignored the key.
  bool client_reported = false;
};

/// Reads the protocol object. Output may carry noise before it (kubectl and docker print
/// warnings), so the last line that is a JSON object is taken.
AppAnswer ParseAppAnswer(std::string_view output, const std::vector<std::string>& response_fields);

/// The answer as a stream summary, for the streaming check.
ChatStream AppAnswerAsStream(const AppAnswer& answer);

}  // namespace rollgate::internal
