// libFuzzer target: the SSE parser and the chat-stream assembler. Besides "no crash, no hang",
// it checks the parser's central promise: where a chunk boundary falls never changes the events.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "contract/chat_stream.h"
#include "sse/sse_parser.h"

namespace {

std::vector<rollgate::internal::SseEvent> Parse(std::string_view data, std::size_t cut) {
  std::vector<rollgate::internal::SseEvent> events;
  rollgate::internal::SseParser parser(
      [&](const rollgate::internal::SseEvent& e) { events.push_back(e); }, 1 << 16);
  parser.Feed(data.substr(0, cut));
  parser.Feed(data.substr(cut));
  parser.Finish();
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view data(reinterpret_cast<const char*>(bytes), size);
  std::vector<rollgate::internal::SseEvent> whole = Parse(data, size);
  std::size_t cut = size == 0 ? 0 : (bytes[0] * 131u + size) % (size + 1);
  std::vector<rollgate::internal::SseEvent> split = Parse(data, cut);
  // Overflow makes the two runs stop at different points; only compare when both were whole.
  if (whole.size() == split.size()) {
    for (std::size_t i = 0; i < whole.size(); ++i) {
      if (whole[i].data != split[i].data || whole[i].event != split[i].event) std::abort();
    }
  }
  rollgate::internal::ChatStreamAssembler assembler;
  double t = 0;
  for (const auto& e : whole) assembler.OnEvent(e, t += 1);
  assembler.Finish(size % 2 == 0);
  return 0;
}
