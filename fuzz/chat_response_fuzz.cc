// libFuzzer target: the non-streaming answer parser, the error-body parser and the smoke-answer
// check, on arbitrary bytes (the provider, or anything in front of it, controls them).
#include <cstdint>
#include <string>
#include <string_view>

#include "contract/chat_response.h"
#include "contract/error_body.h"
#include "contract/request_id.h"
#include "contract/smoke_answer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view data(reinterpret_cast<const char*>(bytes), size);
  static const std::vector<std::string> kFields = {"choices.0.message.content",
                                                   "choices.0.finish_reason", "usage.total_tokens",
                                                   "choices.99999999999.x"};
  rollgate::internal::ChatResponse r =
      rollgate::internal::ParseChatResponse(data, "application/json", kFields);
  rollgate::internal::SmokeAnswerInput in;
  in.has_content = r.content_kind == rollgate::internal::ChatResponse::ContentKind::kString;
  in.content = r.content;
  in.finish_reason = r.finish_reason;
  in.label = "rollback-smoke";
  rollgate::internal::EvaluateSmokeAnswer(in);
  auto err = rollgate::internal::ParseErrorBody(data);
  rollgate::internal::FindRequestId({{"X-Oneapi-Request-Id", std::string(data.substr(0, 16))}},
                                    err);
  rollgate::internal::RequestIdFromMessage(data);
  return 0;
}
