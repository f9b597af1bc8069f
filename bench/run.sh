#!/usr/bin/env bash
# `make bench`: every figure of bench/RESULTS.md beside its target, measured side by side on
# this machine, against the mock provider on loopback. Prints a table; writes the raw numbers to
# build-bench/results.json. Needs the bench build (make bench does it) and curl, jq, wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/fleet_fixture.sh
B=build-bench
RG=$B/rollgate
RUNSTAT=$B/bench/runstat
out=$B/results.json
work=$(mktemp -d)
mock_pids=()
cleanup() {
  for p in "${mock_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
  [ -z "${shm_dir:-}" ] || rm -rf "$shm_dir"
}
trap cleanup EXIT
: >"$out"

KEY=sk-bench-0123456789abcdef
BODY='{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Reply with a compact JSON object only, no markdown."},{"role":"user","content":"Return {\"ok\":true,\"label\":\"rollback-smoke\"}"}],"temperature":0,"max_tokens":40}'

# start_mock NAME ARGS...: starts `rollgate mock` on a free port, sets $URL
start_mock() {
  local log=$work/$1.log
  shift
  "$RG" mock --listen 127.0.0.1:0 --key "$KEY" "$@" >"$log" 2>&1 &
  mock_pids+=($!)
  for _ in $(seq 200); do grep -q listening "$log" && break; sleep 0.05; done
  URL=$(sed -n 's/.*listening on //p' "$log")
}

row() { printf '%-34s %-28s %-30s %s\n' "$1" "$2" "$3" "$4"; }
echo
row "FIGURE" "MEASURED" "TARGET" "BESIDE IT"

# 1. Probe overhead: rollgate check (chat + invalid-token call + evidence) vs curl.
start_mock overhead --flavor openai
export BENCH_KEY=$KEY
# The link floor: an empty main() that loads exactly the shared libraries rollgate loads, so
# start-up that any program with these libraries pays is told apart from rollgate's own work.
needed=$(readelf -d "$RG" | sed -n 's/.*Shared library: \[\(.*\)\]/-l:\1/p')
echo 'int main() { return 0; }' | c++ -x c++ - -o "$work/link_floor" -Wl,--no-as-needed $needed
"$RUNSTAT" 31 -- "$RG" check --base-url "$URL" --model gpt-4o-mini --api-key-env BENCH_KEY --evidence-dir "$work/ev" \
  --- curl -s -o /dev/null -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$BODY" "$URL/v1/chat/completions" \
  --- curl -s -o /dev/null -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$BODY" "$URL/v1/chat/completions" \
      --next -s -o /dev/null -H "Authorization: Bearer sk-invalid-000000000000" -H 'Content-Type: application/json' -d "$BODY" "$URL/v1/chat/completions" \
  --- "$RG" --help \
  --- "$work/link_floor" \
  --- "$B/rollgate-server" check --base-url "$URL" --model gpt-4o-mini --api-key-env BENCH_KEY --evidence-dir "$work/ev-server" \
  >"$work/overhead.json"
rg=$(sed -n 1p "$work/overhead.json"); c1=$(sed -n 2p "$work/overhead.json"); c2=$(sed -n 3p "$work/overhead.json")
floor=$(sed -n 4p "$work/overhead.json"); libs=$(sed -n 5p "$work/overhead.json")
server=$(sed -n 6p "$work/overhead.json")
echo "{\"overhead\":[$rg,$c1,$c2,$floor,$libs,$server]}" >>"$out"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
rg_cpu=$(jq .cpu_ms <<<"$rg"); c1_cpu=$(jq .cpu_ms <<<"$c1"); c2_cpu=$(jq .cpu_ms <<<"$c2")
rg_wall=$(jq .wall_ms <<<"$rg"); c1_wall=$(jq .wall_ms <<<"$c1"); c2_wall=$(jq .wall_ms <<<"$c2")
row "probe CPU (median of 31)" "$rg_cpu ms = $(ratio "$rg_cpu" "$c1_cpu")x curl" "<= 1.2x curl" "curl 1 call $c1_cpu ms; 2 calls $c2_cpu ms ($(ratio "$rg_cpu" "$c2_cpu")x)"
row "rollgate start-up alone (--help)" "$(jq .cpu_ms <<<"$floor") ms CPU, $(jq .wall_ms <<<"$floor") ms wall" "(the floor of the two above)" "$(ldd "$RG" | wc -l) shared objects loaded"
libs_cpu=$(jq .cpu_ms <<<"$libs")
row "  its libraries alone (empty main)" "$libs_cpu ms CPU = $(ratio "$libs_cpu" "$c1_cpu")x curl" "" "rollgate's own work: $(awk -v a="$rg_cpu" -v b="$libs_cpu" 'BEGIN{printf "%.1f", a-b}') ms"
row "  the same check in rollgate-server" "$(jq .cpu_ms <<<"$server") ms CPU = $(ratio "$(jq .cpu_ms <<<"$server")" "$c1_cpu")x curl" "" "with cpp-httplib & co loaded: $(ldd "$B/rollgate-server" | wc -l) shared objects"
row "probe wall (median of 31)" "$rg_wall ms" "<= curl + 5 ms ($(awk -v c="$c1_wall" 'BEGIN{printf "%.1f", c+5}') ms)" "curl 1 call $c1_wall ms; 2 calls $c2_wall ms"

# 2. Gate concurrency: 2 releases (new streams) + invalid-token call, provider latency 300 ms.
start_mock latency --latency-ms 300 --flavor openai
cat >"$work/contract.yaml" <<YAML
reviewed_on: 2026-11-20
max_age_days: 36500
YAML
cat >"$work/gate.yaml" <<YAML
service: bench
contract: contract.yaml
expect_differences: [model, stream]
releases:
  new: {version: "2", base_url: "$URL", api_key: {env: BENCH_KEY}, model: gpt-5.4-mini, stream: true}
  rollback: {version: "1", base_url: "$URL", api_key: {env: BENCH_KEY}, model: gpt-4o-mini}
YAML
cat >"$work/sequential.sh" <<'SH'
#!/usr/bin/env bash
# What an operator would write: the same four calls one after another, checked with jq.
set -u
u=$1; k=$2; b=$3
ok=0
curl -s -H "Authorization: Bearer $k" -H 'Content-Type: application/json' -d "$b" "$u/v1/chat/completions" \
  | jq -e '.choices[0].message.content | fromjson | .ok == true' >/dev/null || ok=1
curl -s -H "Authorization: Bearer $k" -H 'Content-Type: application/json' -d "${b%\}},\"stream\":true}" "$u/v1/chat/completions" \
  | grep -q '^data: \[DONE\]' || ok=1
curl -s -H "Authorization: Bearer $k" -H 'Content-Type: application/json' -d "$b" "$u/v1/chat/completions" \
  | jq -e '.choices[0].finish_reason == "stop"' >/dev/null || ok=1
test "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer sk-invalid-000000000000' \
  -H 'Content-Type: application/json' -d "$b" "$u/v1/chat/completions")" = 401 || ok=1
exit $ok
SH
chmod +x "$work/sequential.sh"
"$RUNSTAT" 11 -- "$RG" gate --config "$work/gate.yaml" --evidence-dir "$work/gate-ev" \
  --- "$work/sequential.sh" "$URL" "$KEY" "$BODY" >"$work/gate.json"
g=$(sed -n 1p "$work/gate.json"); s=$(sed -n 2p "$work/gate.json")
echo "{\"gate\":[$g,$s]}" >>"$out"
row "gate wall, 300 ms provider" "$(jq .wall_ms <<<"$g") ms" "<= 390 ms (1.3 x 300)" "sequential curl+jq $(jq .wall_ms <<<"$s") ms"

# 3. Fleet: 500 / 2000 / 5000 services x 2 releases, provider latency 100 ms, --concurrency 512,
# with evidence; the three sizes interleaved (A, B, C, A, B, C, ...). The latency floor is
# 100 ms x ceil(calls / 512), with calls counted from the evidence (one probes.jsonl line per
# HTTP attempt: both smoke calls and the one invalid-token call per service, 3 per service).
# Measured twice: evidence on this working directory's disk, and on tmpfs (/dev/shm) where there
# is one: the difference is the host's file system (bench/RESULTS.md, "What the fleet's time is
# made of"), the tmpfs rows are rollgate's own.
start_mock fleet --latency-ms 100 --flavor openai --threads 1024
fleet_sizes=(500 2000 5000)
for n in "${fleet_sizes[@]}"; do write_fleet "$work/fleet$n" "$n" "$URL"; done
fleet_places=("disk:$work")
[ -d /dev/shm ] && [ -w /dev/shm ] && fleet_places+=("tmpfs:$(mktemp -d /dev/shm/rollgate-bench.XXXXXX)")
fleet_rows=()
for place in "${fleet_places[@]}"; do
  where=${place%%:*} root=${place#*:}
  [ "$where" = tmpfs ] && shm_dir=$root
  fleet_cmds=()
  for n in "${fleet_sizes[@]}"; do
    [ ${#fleet_cmds[@]} -gt 0 ] && fleet_cmds+=(---)
    fleet_cmds+=("$RG" gate --config-dir "$work/fleet$n" --concurrency 512 --evidence-dir "$root/fleet-ev$n")
  done
  "$RUNSTAT" 5 -- "${fleet_cmds[@]}" >"$work/fleet-$where.json"
  for k in 0 1 2; do
    n=${fleet_sizes[$k]}
    f=$(sed -n "$((k + 1))p" "$work/fleet-$where.json")
    calls=$(cat "$root/fleet-ev$n"/*/probes.jsonl | wc -l)
    floor=$(( (calls + 511) / 512 * 100 ))
    wall=$(jq .wall_ms <<<"$f"); rss=$(jq .max_rss_mb <<<"$f")
    fleet_rows+=("{\"services\":$n,\"evidence_on\":\"$where\",\"calls\":$calls,\"floor_ms\":$floor,\"run\":$f}")
    target=$(case $n in 500) echo "<= 3000 ms";; 2000) echo "<= 2.5x floor";; *) echo "<= 3x floor";; esac)
    row "fleet ${n}x2, evidence on $where" "$wall ms = $(ratio "$wall" "$floor")x floor" "$target, < 30 KB/service" \
      "floor ${floor} ms ($calls calls / 512); $(jq .cpu_ms <<<"$f") ms CPU; $rss MB = $(awk -v r="$rss" -v n="$n" 'BEGIN{printf "%.1f", r*1024/n}') KB/service"
  done
done
printf '%s\n' $(seq 1500) >"$work/fleet-ids"
"$RUNSTAT" 3 -- xargs -P 64 -I{} -a "$work/fleet-ids" curl -s -o /dev/null -H "Authorization: Bearer $KEY" \
      -H 'Content-Type: application/json' -d "$BODY" "$URL/v1/chat/completions" >"$work/fleet-xargs.json"
x=$(cat "$work/fleet-xargs.json")
echo "{\"fleet\":[$(IFS=,; echo "${fleet_rows[*]}")],\"fleet_xargs\":$x}" >>"$out"
row "  xargs -P 64 curl, 1500 calls" "$(jq .wall_ms <<<"$x") ms" "" "what 500 services' calls take without rollgate"

# 4. SSE parsing throughput.
"$B/bench/sse_parser_bench" --benchmark_format=json --benchmark_min_time=1 >"$work/sse.json" 2>/dev/null
framing=$(jq '[.benchmarks[] | select(.name | startswith("BM_SseFraming/")) | .bytes_per_second][0] / 1e9' "$work/sse.json")
assembly=$(jq '[.benchmarks[] | select(.name == "BM_SseFramingAndAssembly") | .bytes_per_second][0] / 1e6' "$work/sse.json")
echo "{\"sse\":$(cat "$work/sse.json" | jq -c '[.benchmarks[] | {name, bytes_per_second}]')}" >>"$out"
row "SSE framing, 100 MB stream" "$(printf '%.2f' "$framing") GB/s" ">= 1 GB/s" "with JSON + assembly $(printf '%.0f' "$assembly") MB/s"

# 5. Mock throughput (non-streaming), wrk on the same two cores.
start_mock wrk --flavor openai --threads 64
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = [[$BODY]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
wrk -t2 -c64 -d10s -s "$work/post.lua" "$URL/v1/chat/completions" >"$work/wrk.txt"
rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")
echo "{\"wrk\":{\"requests_per_sec\":$rps,\"non_2xx\":${non2xx:-0}}}" >>"$out"
row "mock throughput (wrk -t2 -c64)" "$rps req/s" ">= 20000 req/s" "non-2xx: ${non2xx:-0}"
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; raw: $out"
