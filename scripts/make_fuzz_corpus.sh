#!/usr/bin/env bash
# Regenerates the fuzzers' seed corpora from the mock provider's real outputs (every scenario,
# both flavours, streaming and not) and from the shipped configs. Run after `make build`;
# commit what changed under fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/rollgate
out=fuzz/corpus
mkdir -p "$out"/{sse_parser,chat_response,app_protocol,config}
key=sk-corpus-0123456789

for flavor in cometapi openai; do
  for scenario in $("$bin" mock --help | sed -n 's/^Scenarios: //p' | tr -d ','); do
    log=$(mktemp)
    "$bin" mock --listen 127.0.0.1:0 --key "$key" --flavor "$flavor" --scenario "$scenario" \
      --slow-ms 300 --model gpt-4o-mini >"$log" 2>/dev/null &
    pid=$!
    for _ in $(seq 100); do grep -q listening "$log" && break; sleep 0.05; done
    url=$(sed -n 's/.*listening on //p' "$log")/v1/chat/completions
    body='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Return {\"ok\":true,\"label\":\"rollback-smoke\"}"}],"max_tokens":40}'
    sbody='{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Return {\"ok\":true,\"label\":\"rollback-smoke\"}"}]}'
    curl -s -m 2 -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" "$url" \
      | head -c 65536 >"$out/chat_response/$flavor-$scenario.json" || true
    curl -s -m 2 -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$sbody" "$url" \
      | head -c 65536 >"$out/sse_parser/$flavor-$scenario.sse" || true
    kill -TERM $pid; wait $pid || true
    rm -f "$log"
  done
done
find "$out" -type f -empty -delete
cp tests/data/sse/*.sse "$out/sse_parser/"
cp examples/*/rollgate.yaml "$out/config/" 2>/dev/null || true
for f in examples/*/rollgate.yaml; do cp "$f" "$out/config/$(basename "$(dirname "$f")").yaml"; done
cp examples/*/contract.yaml "$out/config/" 2>/dev/null || true
cat >"$out/app_protocol/ok.json" <<'JSON'
{"status":200,"content":"{\"ok\":true,\"label\":\"rollback-smoke\"}","finish_reason":"stop","request_id":"r1","model":"gpt-4o-mini-2024-07-18","fields_present":["choices.0.message.content","choices.0.finish_reason"]}
JSON
cat >"$out/app_protocol/error.json" <<'JSON'
Defaulted container "app" out of: app, sidecar
{"status":503,"error":{"message":"no available channel (request id: abc)","type":"comet_api_error","code":"model_not_found"},"fallback":{"from":"a","to":"b","trigger":"503"}}
JSON
cat >"$out/app_protocol/stream.json" <<'JSON'
{"status":200,"content":"x","finish_reason":"length","done":false,"chunks":3}
JSON
echo "corpus: $(find "$out" -type f | wc -l) files"
