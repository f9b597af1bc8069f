// libFuzzer target: the exec/http probe protocol (what an app prints, or a route answers).
#include <cstdint>
#include <string_view>

#include "contract/app_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view data(reinterpret_cast<const char*>(bytes), size);
  rollgate::internal::AppAnswer a = rollgate::internal::ParseAppAnswer(
      data, {"choices.0.message.content", "choices.0.finish_reason"});
  rollgate::internal::AppAnswerAsStream(a);
  return 0;
}
