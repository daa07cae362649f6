#!/usr/bin/env bash
# Scrape rate: wrk against /metrics served by gatewatch's HTTP server with 10,000 series,
# in text 0.0.4, OpenMetrics and gzip. Prints requests/s and latency per variant.
set -euo pipefail
cd "$(dirname "$0")/.."
series=${SERIES:-10000}
duration=${DURATION:-10s}
swift build -c release --product GatewatchBench >/dev/null
out=$(mktemp)
./.build/release/GatewatchBench scrape-server "$series" 127.0.0.1:0 >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.1; done
addr=$(awk '/listening/ {print $2}' "$out")
echo "scrape benchmark: $series series, wrk -t2 -c8 -d$duration, $(nproc) cores"
printf '%-14s %12s %12s %12s\n' variant "req/s" "p50" "p99"
run() {
  local name=$1; shift
  local res
  res=$(wrk -t2 -c8 -d"$duration" --latency "$@" "http://$addr/metrics")
  printf '%-14s %12s %12s %12s\n' "$name" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$res")" \
    "$(awk '$1=="50%" {print $2}' <<<"$res")" \
    "$(awk '$1=="99%" {print $2}' <<<"$res")"
}
run "text 0.0.4"
run "openmetrics" -H "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
run "text+gzip" -H "Accept-Encoding: gzip"
