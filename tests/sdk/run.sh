#!/usr/bin/env bash
# Official-SDK compatibility: starts the mock provider, points the OpenAI Node SDK at it (one
# non-streaming call, one streaming call with include_usage, one call with a wrong key, a
# model list), once per flavor.
#
# Usage: tests/sdk/run.sh SERVER
#   SERVER is build/rollgate (run as `rollgate mock ...`) or build/rollgate_mock_server (the
#   test executable with the same flags and ready line).
# Needs node and `npm ci` in tests/sdk. Exits 0 when every check passes, 1 when one fails,
# 2 on a usage or setup problem. Only 127.0.0.1 is contacted.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
server=${1:-}
if [[ -z $server || ! -x $server ]]; then
  echo "usage: $0 PATH_TO_rollgate_OR_rollgate_mock_server" >&2
  exit 2
fi
if ! command -v node >/dev/null; then
  echo "$0: node is not installed" >&2
  exit 2
fi
if [[ ! -d $here/node_modules/openai ]]; then
  echo "$0: the SDK is not installed; run: (cd $here && npm ci)" >&2
  exit 2
fi

cmd=("$server")
[[ $(basename "$server") == rollgate ]] && cmd+=(mock)
key="sk-rollgate-sdk-test-$$"
server_pid=""

stop_server() {
  [[ -n $server_pid ]] || return 0
  local pid=$server_pid code=0
  server_pid=""
  kill -TERM "$pid" 2>/dev/null || true
  # Stop() is bounded; a mock still running 10 s after SIGTERM is a failure.
  if ! timeout 10 tail --pid="$pid" -f /dev/null; then
    echo "$0: the mock did not stop within 10 s of SIGTERM" >&2
    kill -KILL "$pid" 2>/dev/null || true
    return 1
  fi
  wait "$pid" 2>/dev/null || code=$?
  if [[ $code -ne 0 ]]; then
    echo "$0: the mock exited with $code after SIGTERM" >&2
    return 1
  fi
}
trap 'stop_server || true' EXIT

status=0
for flavor in cometapi openai; do
  coproc MOCK { exec "${cmd[@]}" --listen 127.0.0.1:0 --key "$key" --flavor "$flavor"; }
  server_pid=$MOCK_PID
  line=""
  # The ready line is the synchronisation point: it is printed only once the port listens.
  if ! read -r -t 10 -u "${MOCK[0]}" line || [[ $line != "rollgate mock listening on http://127.0.0.1:"* ]]; then
    echo "$0: no ready line from ${cmd[*]} (got: '$line')" >&2
    exit 2
  fi
  url=${line#rollgate mock listening on }
  echo "mock ($flavor) at $url"
  if ! ROLLGATE_MOCK_BASE_URL=$url ROLLGATE_SDK_KEY=$key ROLLGATE_MOCK_FLAVOR=$flavor \
      node "$here/sdk_compat.mjs"; then
    status=1
  fi
  stop_server || status=1
done
exit $status
