// SSE parsing throughput (issue: "Prove it"): a 100 MB synthetic stream of realistic
// chat.completion.chunk events, fed in 16 KiB reads as libcurl hands them over, parsed into
// events (framing only), and parsed and assembled (framing + JSON + delta assembly).
#include <benchmark/benchmark.h>

#include <string>

#include "contract/chat_stream.h"
#include "sse/sse_parser.h"

namespace {

const std::string& Stream() {
  static const std::string stream = [] {
    std::string event =
        "data: "
        "{\"id\":\"chatcmpl-9x2\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,"
        "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\",\"choices\":[{"
        "\"index\":0,"
        "\"delta\":{\"content\":\"tok "
        "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\r\n\r\n";
    std::string s;
    s.reserve(100u << 20);
    while (s.size() < (100u << 20)) s += event;
    return s;
  }();
  return stream;
}

void BM_SseFraming(benchmark::State& state) {
  const std::string& s = Stream();
  const std::size_t read = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    std::size_t events = 0, bytes = 0;
    rollgate::internal::SseParser parser([&](const rollgate::internal::SseEvent& e) {
      ++events;
      bytes += e.data.size();
    });
    for (std::size_t pos = 0; pos < s.size(); pos += read)
      parser.Feed(std::string_view(s).substr(pos, read));
    parser.Finish();
    benchmark::DoNotOptimize(events);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_SseFraming)->Arg(16384)->Unit(benchmark::kMillisecond);

void BM_SseFramingAndAssembly(benchmark::State& state) {
  const std::string& s = Stream();
  std::string_view sub =
      std::string_view(s).substr(0, 10u << 20);  // JSON parsing is the cost: 10 MB
  for (auto _ : state) {
    rollgate::internal::ChatStreamAssembler assembler;
    rollgate::internal::SseParser parser(
        [&](const rollgate::internal::SseEvent& e) { assembler.OnEvent(e, 0); });
    for (std::size_t pos = 0; pos < sub.size(); pos += 16384) parser.Feed(sub.substr(pos, 16384));
    parser.Finish();
    assembler.Finish(false);
    benchmark::DoNotOptimize(assembler.result().content.size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(sub.size()));
}
BENCHMARK(BM_SseFramingAndAssembly)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
