// rollgate_history_writer: a test-only process for tests/store/history_kill_test.cc. It appends
// gate runs to a history database in a tight loop, through the same AppendToHistory that
// `rollgate gate` and `rollgate serve` use, and prints one flushed line per committed run:
//
//   writer ready <first run number>
//   appended <n> bytes <gate.json size>
//
// so the test can SIGKILL it at a chosen point of its progress (the kill then lands somewhere
// inside the next append) without sleeping. The runs vary in size, from a few pages to a few
// hundred kilobytes of overflow pages, so kills land in transactions of different shapes.
//
// usage: rollgate_history_writer DB FIRST_RUN_NUMBER
#include <cstdio>
#include <cstdlib>
#include <string>

#include "evidence/evidence.h"
#include "store/history_store.h"
#include "store/history_test_util.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DB FIRST_RUN_NUMBER\n", argv[0]);
    return 2;
  }
  const std::string db = argv[1];
  const long long first = std::atoll(argv[2]);
  std::printf("writer ready %lld\n", first);
  std::fflush(stdout);
  for (long long n = first;; ++n) {
    // Every third run blocks on the rollback's authentication, so the listing has both kinds.
    rollgate::RunReport run = rollgate::testing::MakeRun(1795600800000 + n * 1000, "",
                                                         n % 3 == 0 ? "authentication" : "");
    // Padding in a gate detail: 0.5 KB to ~190 KB, so a run spans one page or many.
    run.gates[0].detail = "run " + std::to_string(n) + " " +
                          std::string(static_cast<std::size_t>(512 + (n * 7919) % 190000), 'x');
    const std::string gate_json = rollgate::internal::RenderGateJson(run);
    rollgate::internal::AppendOptions options;
    options.trigger = "writer";
    rollgate::Status st = rollgate::internal::AppendToHistory(db, run, gate_json, options);
    if (!st.ok()) {
      std::fprintf(stderr, "append %lld failed: %s\n", n, st.message().c_str());
      return 3;
    }
    std::printf("appended %lld bytes %zu\n", n, gate_json.size());
    std::fflush(stdout);
  }
}
