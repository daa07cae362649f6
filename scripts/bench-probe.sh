#!/usr/bin/env bash
# gatewatch's probe engine vs Debian's prometheus-blackbox-exporter, probing the same local
# HTTPS target (a separate process) at the same rate. Prints CPU seconds per 1,000 probes for
# each (utime+stime from /proc/PID/stat) and the ratio.
#
# Like for like: both make a new TCP connection and a full TLS handshake per probe (gatewatch:
# CURLOPT_FRESH_CONNECT + FORBID_REUSE, no TLS session reuse; blackbox: a new client per probe),
# verify the same CA and check the status. Blackbox is driven through /probe over a keep-alive
# connection, as Prometheus would; gatewatch's figure includes its 15 s registry renders.
#
# Usage: scripts/bench-probe.sh [RATE_PER_SECOND] [SECONDS]   (default 50 probes/s for 30 s)
set -euo pipefail
RATE=${1:-50}
SECONDS_RUN=${2:-30}
cd "$(dirname "$0")/.."

BLACKBOX=$(command -v prometheus-blackbox-exporter || true)
[ -n "$BLACKBOX" ] || { echo "prometheus-blackbox-exporter not found (make deps-bench)" >&2; exit 1; }
swift build -c release --product GatewatchBench >/dev/null
BENCH=./.build/release/GatewatchBench

# The CA, the certificate and the target: WORK, PIDS, PORT, URL.
source scripts/bench-probe/target.sh

cpu_of() { awk -v tck="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); split($0, f, " "); printf "%.3f", (f[12] + f[13]) / tck }' "/proc/$1/stat"; }

echo "probing $URL at $RATE probes/s each, both at once, for $SECONDS_RUN s (new connection + full TLS handshake per probe)"
echo

# Both probers run at the same time against the same target, so both see the same machine
# (the build machines are shared and their speed drifts from minute to minute).
cat > "$WORK/blackbox.yml" <<YML
modules:
  https_2xx:
    prober: http
    timeout: 5s
    http:
      method: GET
      valid_status_codes: [200]
      preferred_ip_protocol: ip4
      tls_config:
        ca_file: $WORK/ca.pem
YML
BB_PORT=$((20000 + RANDOM % 20000))
"$BLACKBOX" --config.file="$WORK/blackbox.yml" --web.listen-address="127.0.0.1:$BB_PORT" --log.level=warn \
  >"$WORK/blackbox.log" 2>&1 & BB_PID=$!; PIDS+=($BB_PID)
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$BB_PORT/-/healthy" >/dev/null 2>&1 && break; sleep 0.1; done
PROBE_PATH="/probe?module=https_2xx&target=$URL/"
curl -sf "http://127.0.0.1:$BB_PORT$PROBE_PATH" | grep -q '^probe_success 1' || {
  echo "blackbox probe fails:"; curl -s "http://127.0.0.1:$BB_PORT$PROBE_PATH"; cat "$WORK/blackbox.log"; exit 1; }

# gatewatch: RATE http probes at a 1 s interval, in its own process (measures its own /proc/self/stat).
$BENCH probe-engine "$URL/" "$WORK/ca.pem" "$RATE" 1 "$SECONDS_RUN" > "$WORK/gatewatch.out" & GW_PID=$!; PIDS+=($GW_PID)
# For reference: a plain C libcurl loop (CA file and CERTINFO per connection, as a straightforward prober would).
FLOOR=""
if command -v cc >/dev/null && cc -O2 -o "$WORK/curl-floor" scripts/bench-probe/curl-floor.c -lcurl 2>/dev/null; then
  "$WORK/curl-floor" "$URL/" "$WORK/ca.pem" "$RATE" "$SECONDS_RUN" > "$WORK/floor.out" & FL_PID=$!; PIDS+=($FL_PID)
fi
# For reference, not like for like: the same probes on kept-alive connections (reuseConnections).
$BENCH probe-engine "$URL/" "$WORK/ca.pem" "$RATE" 1 "$SECONDS_RUN" keepalive > "$WORK/keepalive.out" & KA_PID=$!; PIDS+=($KA_PID)

# blackbox_exporter: a driver asks /probe RATE times a second over one keep-alive connection.
BB_START=$(cpu_of $BB_PID)
BB=$(python3 - "$BB_PORT" "$PROBE_PATH" "$RATE" "$SECONDS_RUN" <<'PY'
import http.client, sys, time
port, path, rate, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
runs = failed = late = 0
start = time.monotonic()
for i in range(int(rate * seconds)):
    due = start + i / rate
    now = time.monotonic()
    if now < due:
        time.sleep(due - now)
    elif now - due > 0.25:
        late += 1
    conn.request("GET", path)
    body = conn.getresponse().read()
    runs += 1
    if b"\nprobe_success 1" not in body:
        failed += 1
print(f"blackbox_runs={runs} blackbox_failed={failed} driver_late={late}")
PY
)
BB_END=$(cpu_of $BB_PID)
BB_CPU=$(awk -v a="$BB_START" -v b="$BB_END" 'BEGIN { printf "%.3f", b - a }')
wait $GW_PID $KA_PID ${FL_PID:-}
[ -s "$WORK/floor.out" ] && FLOOR=$(cat "$WORK/floor.out") && echo "libcurl C loop:    $FLOOR"
GW=$(cat "$WORK/gatewatch.out")
KA=$(cat "$WORK/keepalive.out")
echo "gatewatch engine:  $GW"
echo "gatewatch (keep-alive): $KA"
echo "blackbox_exporter: $BB blackbox_cpu_seconds=$BB_CPU"
GW_RUNS=$(sed -n 's/.*gatewatch_runs=\([0-9]*\).*/\1/p' <<<"$GW")
GW_CPU=$(sed -n 's/.*gatewatch_cpu_seconds=\([0-9.]*\).*/\1/p' <<<"$GW")
BB_RUNS=$(sed -n 's/.*blackbox_runs=\([0-9]*\).*/\1/p' <<<"$BB")
KA_RUNS=$(sed -n 's/.*gatewatch_runs=\([0-9]*\).*/\1/p' <<<"$KA")
KA_CPU=$(sed -n 's/.*gatewatch_cpu_seconds=\([0-9.]*\).*/\1/p' <<<"$KA")
FL_RUNS=$(sed -n 's/.*floor_runs=\([0-9]*\).*/\1/p' <<<"$FLOOR")
FL_CPU=$(sed -n 's/.*floor_cpu_seconds=\([0-9.]*\).*/\1/p' <<<"$FLOOR")

echo
awk -v gr="$GW_RUNS" -v gc="$GW_CPU" -v br="$BB_RUNS" -v bc="$BB_CPU" -v kr="$KA_RUNS" -v kc="$KA_CPU" -v fr="${FL_RUNS:-0}" -v fc="${FL_CPU:-0}" 'BEGIN {
  g = gc / gr * 1000; b = bc / br * 1000; k = kc / kr * 1000
  printf "%-40s %8s %12s %24s\n", "prober", "probes", "CPU seconds", "CPU s per 1,000 probes"
  printf "%-40s %8d %12.3f %24.3f\n", "gatewatch (new connection/probe)", gr, gc, g
  printf "%-40s %8d %12.3f %24.3f\n", "blackbox_exporter (same)", br, bc, b
  if (fr > 0) printf "%-40s %8d %12.3f %24.3f\n", "plain C libcurl loop (CAINFO+CERTINFO)", fr, fc, fc / fr * 1000
  printf "%-40s %8d %12.3f %24.3f\n", "gatewatch keep-alive (reference)", kr, kc, k
  printf "\nratio gatewatch / blackbox_exporter, like for like: %.2f (goal: <= 0.50)\n", g / b
  printf "ratio gatewatch keep-alive / blackbox_exporter:     %.2f (not like for like: no connect or handshake per probe)\n", k / b
}'
