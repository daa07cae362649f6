#!/usr/bin/env bash
# Where a gatewatch HTTPS probe's CPU goes, in instructions (deterministic, unlike CPU seconds on
# a shared machine): the probe engine runs PROBES http probes at a 1 s interval for SECONDS
# against a local HTTPS target (as scripts/bench-probe.sh does) under callgrind, counting only
# the probe loop's turns (timers, curl_multi_perform, completions and recording), and prints the
# instructions per probe in libcurl's and OpenSSL's main steps.
#
# Usage: scripts/bench-probe/profile.sh [PROBES] [SECONDS]   (default 5 probes for 20 s: 100 probes)
# Needs valgrind (make deps-bench).
set -euo pipefail
PROBES=${1:-5}
SECONDS_RUN=${2:-20}
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { echo "valgrind not found (make deps-bench)" >&2; exit 1; }
swift build -c release --product GatewatchBench >/dev/null

BENCH=./.build/release/GatewatchBench
# The CA, the certificate and the target: WORK, PIDS, PORT, URL.
source scripts/bench-probe/target.sh

# Valgrind 3.19 cannot read the DWARF 5 that swiftc writes; a copy without debug info keeps the symbols.
strip --strip-debug -o "$WORK/bench" "$BENCH"
valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" --toggle-collect='*CurlLoop*iterate*' \
  "$WORK/bench" probe-engine "$URL/" "$WORK/ca.pem" "$PROBES" 1 "$SECONDS_RUN" > "$WORK/engine.out" 2> "$WORK/valgrind.log"
cat "$WORK/engine.out"
RUNS=$(sed -n 's/.*gatewatch_runs=\([0-9]*\).*/\1/p' "$WORK/engine.out")
callgrind_annotate --inclusive=yes --threshold=100 "$WORK/cg.out" 2>/dev/null > "$WORK/incl.txt"

# Inclusive instructions of a function (exact name as callgrind prints it), 0 when absent.
ir() { awk -v f="???:$1 [" 'index($0, f) { gsub(",", "", $1); print $1; found = 1; exit } END { if (!found) print 0 }' "$WORK/incl.txt"; }
TOTAL=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$WORK/incl.txt")
CTX=$(ir SSL_CTX_new)
CONNECT=$(ir SSL_connect)
D2I=$(ir d2i_X509)
DECODER=$(ir OSSL_DECODER_CTX_new_for_pkey)
VERIFY=$(ir EVP_DigestVerify)
KEYGEN=$(ir EVP_PKEY_keygen)
DERIVE=$(ir EVP_PKEY_derive)
KDF=$(ir EVP_KDF_derive)
awk -v runs="$RUNS" -v total="$TOTAL" -v ctx="$CTX" -v conn="$CONNECT" -v d2i="$D2I" -v dec="$DECODER" \
    -v ver="$VERIFY" -v kg="$KEYGEN" -v dv="$DERIVE" -v kdf="$KDF" 'BEGIN {
  row = "%-66s %12.0f %6.1f%%\n"
  printf "\ninstructions per probe on the probe loop thread (%d probes)\n", runs
  printf "%-66s %12s %7s\n", "step", "per probe", "share"
  printf row, "all (timers, curl, OpenSSL, completion, recording)", total / runs, 100
  printf row, "SSL_CTX_new (libcurl 7.88 makes one per connection)", ctx / runs, 100 * ctx / total
  printf row, "SSL_connect (the handshake), of which:", conn / runs, 100 * conn / total
  printf row, "  d2i_X509 (decoding the served certificate)", d2i / runs, 100 * d2i / total
  printf row, "    OSSL_DECODER_CTX_new_for_pkey (its public key decoder set-up)", dec / runs, 100 * dec / total
  printf row, "  EVP_DigestVerify (ECDSA: certificate signature, CertificateVerify)", ver / runs, 100 * ver / total
  printf row, "  EVP_PKEY_keygen + EVP_PKEY_derive (X25519 key share)", (kg + dv) / runs, 100 * (kg + dv) / total
  printf row, "  EVP_KDF_derive (TLS 1.3 key schedule)", kdf / runs, 100 * kdf / total
  rest = total - ctx - conn
  printf row, "everything else (curl, reads/writes, gatewatch, libc outside these)", rest / runs, 100 * rest / total
}'
