#!/usr/bin/env bash
# Installs what gatewatch needs and is missing, with apt-get (through sudo when not root),
# and Python's prometheus_client (for the exposition tests) into .build-venv.
#   scripts/install-deps.sh run     libraries to build and run
#   scripts/install-deps.sh test    + promtool (prometheus), openssl, curl, prometheus_client
#   scripts/install-deps.sh bench   + wrk, mtail, blackbox_exporter, hyperfine, valgrind
set -euo pipefail
mode=${1:-run}
cd "$(dirname "$0")/.."

pkgs=(pkg-config libcurl4-openssl-dev libssl-dev libmicrohttpd-dev zlib1g-dev libcrypt-dev)
case "$mode" in
  run) ;;
  test) pkgs+=(prometheus openssl curl python3-venv) ;;
  bench) pkgs+=(prometheus openssl curl python3-venv wrk mtail prometheus-blackbox-exporter hyperfine valgrind) ;;
  *) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  # python3-venv is only needed when the python3 on PATH is Debian's own.
  if [ "$p" = python3-venv ] && python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then continue; fi
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # prometheus and its friends pull in services we do not want started; policy-rc.d aside,
  # --no-install-recommends keeps the install small.
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" != run ]; then
  venv=.build-venv
  if ! "$venv/bin/python3" -c 'import prometheus_client' >/dev/null 2>&1; then
    echo "installing prometheus_client into $venv"
    python3 -m venv "$venv"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check prometheus_client
  fi
fi
