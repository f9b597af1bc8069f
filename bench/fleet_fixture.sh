# Sourced by bench/run.sh and bench/fleet_compare.sh: the one fleet both measure.
#
# write_fleet DIR N URL: N service configs (svc-0001.yaml ...) in DIR, each with two releases
# on URL and the key from $BENCH_KEY, beside one contract.yaml reviewed long ago.
write_fleet() {
  local dir=$1 n=$2 url=$3 i
  mkdir -p "$dir"
  printf 'reviewed_on: 2026-11-20\nmax_age_days: 36500\n' >"$dir/contract.yaml"
  for i in $(seq -w 1 "$n"); do
    cat >"$dir/svc-$i.yaml" <<YAML
service: svc-$i
contract: contract.yaml
releases:
  new: {version: "2", base_url: "$url", api_key: {env: BENCH_KEY}, model: gpt-4o-mini}
  rollback: {version: "1", base_url: "$url", api_key: {env: BENCH_KEY}, model: gpt-4o-mini}
YAML
  done
}

# fleet_evidence_root: where the fleet writes its evidence: $FLEET_EVIDENCE_ROOT if set, else
# the working directory given. Evidence on tmpfs (FLEET_EVIDENCE_ROOT=/dev/shm) measures
# rollgate without the disk; on the disk it measures the host as well (bench/RESULTS.md: on an
# ext4 without a journal, creating files costs more than all of rollgate's own work).
fleet_evidence_root() {
  if [ -n "${FLEET_EVIDENCE_ROOT:-}" ]; then
    mktemp -d "$FLEET_EVIDENCE_ROOT/rollgate-bench.XXXXXX"
  else
    echo "$1"
  fi
}
