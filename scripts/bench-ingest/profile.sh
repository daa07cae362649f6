#!/usr/bin/env bash
# Where log ingestion's CPU goes, in instructions (deterministic, unlike CPU seconds on a shared
# machine): GatewatchBench's in-process replay (the reader, decoder and Recorder of
# `gatewatch replay`) under callgrind, on the first LINES lines of the `make bench-ingest` log,
# once whole and once decoding only, each net of a one-line run (process start-up). Leaves an
# annotated listing, per source line, in bench-out/profile/annotated.txt.
#
# Usage: scripts/bench-ingest/profile.sh [LINES]   (default 100000)
# Needs valgrind (make deps-bench) and bench-out/ingest.jsonl (make bench-ingest writes it).
set -euo pipefail
LINES=${1:-100000}
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { echo "valgrind not found (make deps-bench)" >&2; exit 1; }
[ -f bench-out/ingest.jsonl ] || { echo "bench-out/ingest.jsonl not found (make bench-ingest)" >&2; exit 1; }
WORK=bench-out/profile
mkdir -p "$WORK"
head -n "$LINES" bench-out/ingest.jsonl > "$WORK/sample.jsonl"
head -n 1 bench-out/ingest.jsonl > "$WORK/one.jsonl"

# Valgrind 3.19 cannot read DWARF 5, swiftc's and clang's default: a build of its own with DWARF 4.
swift build -c release --product GatewatchBench --scratch-path .build-profile \
  -Xswiftc -g -Xswiftc -dwarf-version=4 -Xcc -gdwarf-4 2>&1 | tail -1
BENCH=.build-profile/release/GatewatchBench

# Instructions of one callgrind run: BENCH ingest replay FILE [--decode-only].
count() {
  valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="$WORK/cg.$2.out" \
    "$BENCH" ingest replay "$1" --repeat 1 ${3:-} 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
full=$(count "$WORK/sample.jsonl" full)
decode=$(count "$WORK/sample.jsonl" decode --decode-only)
full0=$(count "$WORK/one.jsonl" start)
decode0=$(count "$WORK/one.jsonl" start-decode --decode-only)
callgrind_annotate --auto=yes --threshold=100 --show-percs=no "$WORK/cg.full.out" > "$WORK/annotated.txt" 2>/dev/null
callgrind_annotate --tree=calling --inclusive=yes "$WORK/cg.full.out" > "$WORK/calls.txt" 2>/dev/null

awk -v n="$LINES" -v f="$full" -v d="$decode" -v f0="$full0" -v d0="$decode0" 'BEGIN {
  printf "%-44s %14s %18s\n", "run (" n " lines)", "instructions", "per line, net"
  printf "%-44s %14d %18.0f\n", "replay: read, decode, record", f, (f - f0) / (n - 1)
  printf "%-44s %14d %18.0f\n", "decode only (--decode-only)", d, (d - d0) / (n - 1)
  printf "%-44s %14s %18.0f\n", "the Recorder (the difference)", "", ((f - f0) - (d - d0)) / (n - 1)
}'
echo "per source line: $WORK/annotated.txt; callees with inclusive counts: $WORK/calls.txt"
