#!/usr/bin/env bash
# make sanitize: the test suite under AddressSanitizer, then the log ingestion path under
# AddressSanitizer with LeakSanitizer, in a build of its own (.build-asan).
#
#   1. swift test --sanitize=address: use after free, overflows, double frees in the hot-path raw
#      storage (Recorder, histograms, classifier, recent failures, the log decoder's caches).
#      Leak checking is off in this process: swift-corelibs-xctest keeps every test case alive
#      (a test and its run refer to each other), so LeakSanitizer would list everything any
#      test holds, and FoundationNetworking's URLSession leaks libcurl URL parts on each request
#      (the tests' HTTP helpers, `gatewatch status`). Neither is gatewatch's.
#   2. gatewatch replay and GatewatchBench ingest replay on a generated log (LINES lines, failures
#      included), then gatewatch serve tailing it until every line is counted and stopped with
#      SIGTERM, with leak checking on: the decoder, recorder, metrics, log tailing and HTTP server
#      with no test framework in the process, so any leak or memory error there fails the target.
#
#   LINES=20000   lines in the generated log
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-20000}
SCRATCH=.build-asan
SWIFT=${SWIFT:-swift}
export GATEWATCH_TEST_PYTHON=${GATEWATCH_TEST_PYTHON:-$PWD/.build-venv/bin/python3}

# (gold warns once per ASan helper symbol it cannot export: hundreds of lines, all alike.)
$SWIFT build --build-tests --sanitize=address --scratch-path "$SCRATCH" 2>&1 \
  | { grep -v 'ld.gold: warning: Cannot export local symbol' || true; }
BIN=$($SWIFT build --sanitize=address --scratch-path "$SCRATCH" --show-bin-path)

echo "== test suite (AddressSanitizer)"
ASAN_OPTIONS=detect_leaks=0 $SWIFT test --skip-build --sanitize=address --scratch-path "$SCRATCH"

echo "== ingestion, $LINES lines (AddressSanitizer, LeakSanitizer)"
LOG="$SCRATCH/sanitize/ingest.jsonl"
mkdir -p "$(dirname "$LOG")"
[ -f "$LOG" ] && [ "$(wc -l < "$LOG")" -eq "$LINES" ] || "$BIN/GatewatchBench" ingest generate "$LOG" "$LINES" >/dev/null
export ASAN_OPTIONS=detect_leaks=1
"$BIN/gatewatch" replay "$LOG" > "$SCRATCH/sanitize/replay.out"
grep '^gatewatch_log_lines_total' "$SCRATCH/sanitize/replay.out"
"$BIN/GatewatchBench" ingest replay "$LOG" --repeat 1 | grep -v '^RESULT'

echo "== gatewatch serve tailing the same log, then SIGTERM (AddressSanitizer, LeakSanitizer)"
DIR="$PWD/$SCRATCH/sanitize"
rm -rf "$DIR/state"
cat > "$DIR/serve.yml" <<YAML
state_dir: $DIR/state
logs:
  - name: sanitize
    paths: ["$DIR/ingest.jsonl"]
    start_at: beginning
YAML
"$BIN/gatewatch" serve --config "$DIR/serve.yml" --web.listen-address 127.0.0.1:0 2> "$DIR/serve.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
url="" lines=""
for _ in $(seq 600); do  # at most a minute for the address, then for every line to be read
  [ -n "$url" ] || url=$(grep -o 'address=127\.0\.0\.1:[0-9]*' "$DIR/serve.err" | head -1 | sed 's|address=|http://|') || true
  if [ -n "$url" ]; then
    lines=$(curl -fsS "$url/metrics" | sed -n 's/^gatewatch_log_lines_total{log="sanitize"} //p') || true
    [ "$lines" = "$LINES" ] && break
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -TERM "$pid" 2>/dev/null || true
status=0
wait "$pid" || status=$?
trap - EXIT
if [ "$lines" != "$LINES" ] || [ "$status" -ne 0 ]; then
  echo "serve read ${lines:-no} lines of $LINES and exited with status $status:" >&2
  tail -40 "$DIR/serve.err" >&2
  exit 1
fi
echo "gatewatch_log_lines_total{log=\"sanitize\"} $lines; serve exited 0"
echo "sanitize: no memory errors, no leaks"
