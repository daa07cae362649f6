# Sourced by scripts/bench-probe.sh and scripts/bench-probe/profile.sh (from the project root,
# with BENCH set to the GatewatchBench binary): a throw-away CA, a P-256 server certificate for
# 127.0.0.1 (as a typical gateway serves), and GatewatchBench's HTTPS target on a free port.
# Sets WORK (a scratch directory removed on exit, with ca.pem), PIDS (processes killed on exit;
# append yours), PORT and URL (https://127.0.0.1:PORT, no trailing slash).
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$WORK/ca.key" \
  -out "$WORK/ca.pem" -days 2 -subj /CN=bench-ca -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$WORK/server.key" \
  -out "$WORK/server.csr" -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$WORK/ext"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial \
  -out "$WORK/server.pem" -days 2 -extfile "$WORK/ext" 2>/dev/null

"$BENCH" probe-target "$WORK/server.pem" "$WORK/server.key" "$WORK/port" & PIDS+=($!)
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(cat "$WORK/port")
URL="https://127.0.0.1:$PORT"
curl -sf --cacert "$WORK/ca.pem" "$URL/" >/dev/null || { echo "target not answering" >&2; exit 1; }
