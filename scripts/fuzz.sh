#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each for
# FUZZ_SECONDS (default 60), two at a time, on a copy of its seed corpus (fuzz/corpus/<target>),
# so the corpus in the repository only changes when you copy findings back on purpose.
# A crash, leak, timeout or sanitizer report fails the script and leaves the reproducer in
# build-fuzz/findings/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=(sse_parser chat_response app_protocol config)

# A unity build of the library (16 sources per compiler run, as build-asan/): 57 s instead of
# 108 s on 2 cores (2026-12-01); the fuzz targets are one source each either way.
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DROLLGATE_FUZZ=ON -DROLLGATE_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROLLGATE_WERROR=ON -DCMAKE_UNITY_BUILD=ON \
  -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null

run_one() {
  local t=$1 work=build-fuzz/run/$1 findings=build-fuzz/findings/$1
  rm -rf "$work" "$findings"
  mkdir -p "$work" "$findings"
  cp -r "fuzz/corpus/$t/." "$work/"
  if build-fuzz/fuzz_$t "$work" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 >"build-fuzz/$t.log" 2>&1; then
    echo "fuzz_$t: $(grep -E 'stat::number_of_executed_units' "build-fuzz/$t.log" | awk '{print $2}') runs, no finding"
  else
    echo "fuzz_$t: FAILED, see build-fuzz/$t.log and $findings/" >&2
    tail -40 "build-fuzz/$t.log" >&2
    return 1
  fi
}

status=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  # Two at a time: the machines have two cores.
  if [ ${#pids[@]} -ge 2 ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
