#!/usr/bin/env bash
# make bench-ingest: gatewatch's log ingestion beside mtail --one_shot, same generated log, same run.
#
#   LINES=1000000          lines in the generated log (bench-out/ingest.jsonl, reused when present)
#   GATEWATCH_INGEST_CMD   the gatewatch command to time, given the log path as its last argument.
#                          Default: `.build/release/gatewatch replay --config bench-out/ingest.yml`
#                          when that subcommand exists, else `GatewatchBench ingest replay`
#                          (line assembly + decoder + log counters + the Recorder, in process).
#   RUNS=3                 runs of the gatewatch command (the best counts); mtail runs once.
#
# Each tool runs as its own process on the same file; wall and CPU (user+sys) time come from
# bash's `time`. Prints lines per second and lines per CPU-second for both, and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-1000000}
RUNS=${RUNS:-3}
OUT=bench-out
mkdir -p "$OUT"
LOG="$OUT/ingest.jsonl"
PROG=bench/ingest.mtail

command -v mtail >/dev/null || { echo "mtail is missing: run 'make deps-bench'" >&2; exit 1; }
swift build -c release --product GatewatchBench 2>&1 | tail -1
swift build -c release --product gatewatch 2>&1 | tail -1 || true

if [ ! -f "$LOG" ] || [ "$(wc -l < "$LOG")" -ne "$LINES" ]; then
  ./.build/release/GatewatchBench ingest generate "$LOG" "$LINES"
fi

cat > "$OUT/ingest.yml" <<YAML
logs:
  - name: bench
    paths: ["$PWD/$LOG"]
    start_at: beginning
YAML

if [ -n "${GATEWATCH_INGEST_CMD:-}" ]; then
  gw_cmd=($GATEWATCH_INGEST_CMD)
elif ./.build/release/gatewatch replay --help 2>/dev/null | grep -q "gatewatch replay"; then
  gw_cmd=(./.build/release/gatewatch replay --config "$OUT/ingest.yml")
else
  gw_cmd=(./.build/release/GatewatchBench ingest replay)  # the file goes before its flags
fi

# run_timed OUTFILE CMD... : runs CMD with stdout to OUTFILE; prints "wall cpu".
run_timed() {
  local out=$1; shift
  local TIMEFORMAT='%R %U %S'
  local t
  t=$( { time "$@" > "$out" 2>"$out.err"; } 2>&1 )
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' <<< "$t"
}

echo "log: $LOG ($LINES lines, $(du -h "$LOG" | cut -f1))"
echo "gatewatch: ${gw_cmd[*]} $LOG"
best_wall=""; best_cpu=""
for _ in $(seq "$RUNS"); do
  if [ "${gw_cmd[0]}" = ./.build/release/GatewatchBench ]; then
    read -r wall cpu < <(run_timed "$OUT/gatewatch.out" "${gw_cmd[@]}" "$LOG" --repeat 1)
  else
    read -r wall cpu < <(run_timed "$OUT/gatewatch.out" "${gw_cmd[@]}" "$LOG")
  fi
  if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall; fi
  if [ -z "$best_cpu" ] || awk "BEGIN{exit !($cpu < $best_cpu)}"; then best_cpu=$cpu; fi
done
gw_lines=$(grep -oE 'gatewatch_log_lines_total\{log="bench"\} [0-9.e+]+' "$OUT/gatewatch.out" | awk '{print $2}' || true)
[ -n "$gw_lines" ] || gw_lines=$(grep -oE '^gatewatch ingest[^:]*: [0-9]+ lines' "$OUT/gatewatch.out" | grep -oE '[0-9]+ lines' | cut -d' ' -f1 || true)

echo "mtail: mtail --one_shot --progs $PROG --logs $LOG"
read -r m_wall m_cpu < <(run_timed "$OUT/mtail.out" mtail --one_shot --one_shot_format prometheus --logtostderr \
  --progs "$PROG" --logs "$LOG")
m_lines=$(grep -E '^gatewatch_log_lines_total' "$OUT/mtail.out" | awk '{print $2}' || true)

awk -v n="$LINES" -v gw="$best_wall" -v gc="$best_cpu" -v mw="$m_wall" -v mc="$m_cpu" \
    -v gl="${gw_lines:-?}" -v ml="${m_lines:-?}" 'BEGIN {
  printf "%-10s %12s %10s %10s %16s %20s\n", "tool", "lines seen", "wall s", "CPU s", "lines/s (wall)", "lines per CPU-second"
  printf "%-10s %12d %10.3f %10.3f %16.0f %20.0f\n", "gatewatch", gl, gw, gc, n / gw, n / gc
  printf "%-10s %12d %10.3f %10.3f %16.0f %20.0f\n", "mtail", ml, mw, mc, n / mw, n / mc
  printf "ratio gatewatch/mtail: %.1fx (wall), %.1fx (CPU)\n", mw / gw, mc / gc
}'
