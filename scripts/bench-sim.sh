#!/usr/bin/env bash
# Throughput of `gatewatch simulate` on loopback, measured with wrk (goal: >= 5,000 req/s).
# Prints one line per endpoint, beside two references measured in the same run: the same
# server's static `GET /` answer (what the HTTP layer alone delivers), and the usual hand-written
# mock: Python's ThreadingHTTPServer answering the chat POST with a canned JSON body.
#
#   make bench-sim                 # or: scripts/bench-sim.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
CONNECTIONS="${2:-64}"
BIN=./.build/release/gatewatch
command -v wrk >/dev/null || { echo "wrk is missing: run make deps-bench" >&2; exit 1; }
swift build -c release --product gatewatch 2>&1 | tail -1  # incremental: never time a stale binary

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# A limit no benchmark reaches, so the chat path answers 200 (the 429 path is measured separately).
"$BIN" simulate --listen none --listen-eu none --listen-us 127.0.0.1:0 --api-key bench-key \
    --limit 1000000000 >"$WORK/sim.out" 2>&1 &
PIDS+=($!)
"$BIN" simulate --listen none --listen-eu none --listen-us 127.0.0.1:0 --api-key bench-key \
    --limit 30 >"$WORK/sim429.out" 2>&1 &
PIDS+=($!)
port_of() { for _ in $(seq 100); do
    p=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\) (US).*/\1/p' "$1"); [ -n "$p" ] && { echo "$p"; return; }; sleep 0.1; done
    echo "simulator did not start: $(cat "$1")" >&2; exit 1; }
cat >"$WORK/mock.py" <<'PY'
import json, sys, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        out = json.dumps({"request_id": str(uuid.uuid4()), "object": "chat.completion", "model": body.get("model"),
                          "choices": [{"index": 0, "message": {"role": "assistant", "content": "Paris."},
                                       "finish_reason": "stop"}]}).encode()
        self.send_response(200)
        for k, v in (("Content-Type", "application/json"), ("Content-Length", str(len(out))),
                     ("X-RateLimit-Limit", "30"), ("X-RateLimit-Remaining", "29")):
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(out)
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$WORK/mock.py" >"$WORK/mock.out" 2>&1 &
PIDS+=($!)
PORT=$(port_of "$WORK/sim.out")
PORT429=$(port_of "$WORK/sim429.out")

cat >"$WORK/chat.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "What is the capital of France?"}], "max_tokens": 1000}'
wrk.headers["Authorization"] = "bench-key"
wrk.headers["Content-Type"] = "application/json"
LUA
cat >"$WORK/get.lua" <<'LUA'
wrk.headers["Authorization"] = "bench-key"
LUA

run() {  # name url script
    local out rps non2xx
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$3" "$2")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    printf '%-44s %12s req/s   non-2xx: %s   p50/avg latency: %s\n' "$1" "$rps" "${non2xx:-0}" \
        "$(awk '/Latency/ && !/Distribution/ {print $2; exit}' <<<"$out")"
}

echo "wrk -t2 -c$CONNECTIONS -d${DURATION}s, loopback, $(nproc) cores"
run "ceiling: GET / (static text, same server)" "http://127.0.0.1:$PORT/" "$WORK/get.lua"
run "POST /v1/chat/completions (200)" "http://127.0.0.1:$PORT/v1/chat/completions" "$WORK/chat.lua"
run "POST /v1/chat/completions (429 past limit)" "http://127.0.0.1:$PORT429/v1/chat/completions" "$WORK/chat.lua"
run "GET /v2/transcript?limit=1" "http://127.0.0.1:$PORT/v2/transcript?limit=1" "$WORK/get.lua"
MOCK_PORT=$(head -1 "$WORK/mock.out")
run "python3 ThreadingHTTPServer mock, chat POST" "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" "$WORK/chat.lua"
