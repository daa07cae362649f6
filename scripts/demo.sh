#!/usr/bin/env bash
# `make demo`: the simulator (with a scenario, sending SIM_RATE requests/s to itself and logging
# them) plus `gatewatch serve` on examples/demo.yml, which probes the simulator and tails its log.
# Open http://127.0.0.1:9788/ ; Ctrl-C stops both.
#   SCENARIO=eu-outage make demo      (steady, eu-outage, rate-limit-storm, key-revoked,
#                                      billing-exhausted, slow-upstream)
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${SCENARIO:-eu-outage}
rate=${SIM_RATE:-2}
bin=./.build/release/gatewatch
mkdir -p .build-demo
rm -f .build-demo/app.jsonl
rm -rf .build-demo/state
export GATEWATCH_DEMO_API_KEY=sim-demo-key
$bin check-config examples/demo.yml
$bin simulate --scenario "examples/scenarios/$scenario.yml" --write-log .build-demo/app.jsonl --rate "$rate" \
  2> .build-demo/simulate.log &
sim=$!
trap 'kill $sim 2>/dev/null || true; wait $sim 2>/dev/null || true' EXIT
sleep 1
kill -0 $sim 2>/dev/null || { cat .build-demo/simulate.log >&2; exit 1; }
echo "simulator: scenario $scenario, $rate requests/s, log .build-demo/app.jsonl (its own log: .build-demo/simulate.log)"
echo "gatewatch: http://127.0.0.1:9788/  (metrics on /metrics, status: $bin status)"
$bin serve --config examples/demo.yml ${ARGS:-}
