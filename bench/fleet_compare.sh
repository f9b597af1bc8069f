#!/usr/bin/env bash
# The fleet rows of bench/RESULTS.md for two builds side by side, interleaved in one runstat
# (A500, B500, A2000, B2000, A5000, B5000, A500, ...), against one `rollgate mock --latency-ms
# 100` on loopback, `--concurrency 512`, with evidence (each run replaces the previous run's).
#
#   bench/fleet_compare.sh BEFORE_DIR AFTER_DIR [RUNS] [SIZES...]
#
# Each DIR holds a `rollgate` (and the `rollgate-server` beside it, for the mock). Prints one
# line per build and size: wall, floor (100 ms x ceil(calls / 512), calls counted from the
# evidence), ratio, user+sys CPU per service, peak RSS per service (medians); the raw runstat
# lines go to stderr. Needs a built runstat: RUNSTAT=path (default build-bench/bench/runstat).
# FLEET_EVIDENCE_ROOT=/dev/shm puts the evidence on tmpfs (bench/fleet_fixture.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/fleet_fixture.sh
before=$1 after=$2 runs=${3:-5}
shift $(( $# < 3 ? $# : 3 ))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(500 2000 5000)
RUNSTAT=${RUNSTAT:-build-bench/bench/runstat}
work=$(mktemp -d)
mock_pid=
cleanup() {
  [ -n "$mock_pid" ] && kill -TERM "$mock_pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
  [ "${evroot:-$work}" = "$work" ] || rm -rf "$evroot"
}
trap cleanup EXIT
KEY=sk-bench-0123456789abcdef
export BENCH_KEY=$KEY
"$after/rollgate" mock --listen 127.0.0.1:0 --key "$KEY" --latency-ms 100 --flavor openai --threads 1024 \
  >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 200); do grep -q listening "$work/mock.log" && break; sleep 0.05; done
URL=$(sed -n 's/.*listening on //p' "$work/mock.log")
evroot=$(fleet_evidence_root "$work")
cmds=()
for n in "${sizes[@]}"; do
  write_fleet "$work/fleet$n" "$n" "$URL"
  for b in before after; do
    dir=$before; [ $b = after ] && dir=$after
    [ ${#cmds[@]} -gt 0 ] && cmds+=(---)
    cmds+=("$dir/rollgate" gate --config-dir "$work/fleet$n" --concurrency 512 --evidence-dir "$evroot/ev-$b-$n")
  done
done
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$RUNSTAT" "$runs" -- "${cmds[@]}" >"$work/runs.json"
echo "load average at end:   $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$work/runs.json" >&2
k=0
printf '%-7s %-6s %-9s %-9s %-7s %-14s %-14s %s\n' build size wall_ms floor_ms ratio cpu_ms/service KB/service mock_median_ms
for n in "${sizes[@]}"; do
  for b in before after; do
    k=$((k + 1))
    f=$(sed -n "${k}p" "$work/runs.json")
    calls=$(cat "$evroot/ev-$b-$n"/*/probes.jsonl | wc -l)
    floor=$(( (calls + 511) / 512 * 100 ))
    lat=$(cat "$evroot/ev-$b-$n"/*/probes.jsonl | jq -s '[.[].latency_ms // empty] | sort | .[length/2|floor]' 2>/dev/null || echo "?")
    printf '%-7s %-6s %-9s %-9s %-7s %-14s %-14s %s\n' "$b" "$n" "$(jq .wall_ms <<<"$f")" "$floor" \
      "$(awk -v a="$(jq .wall_ms <<<"$f")" -v b="$floor" 'BEGIN{printf "%.2f", a/b}')" \
      "$(awk -v c="$(jq .cpu_ms <<<"$f")" -v n="$n" 'BEGIN{printf "%.3f", c/n}')" \
      "$(awk -v r="$(jq .max_rss_mb <<<"$f")" -v n="$n" 'BEGIN{printf "%.1f", r*1024/n}')" "$lat"
  done
done
