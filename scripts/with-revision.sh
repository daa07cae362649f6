#!/usr/bin/env bash
# Runs a build command with the git revision stamped into Sources/Gatewatch/BuildRevision.swift
# (for gatewatch_build_info and --version), then puts the committed file ("unknown") back, so
# the work tree stays clean. Outside a git checkout the build runs unstamped.
#   scripts/with-revision.sh swift build -c release --product gatewatch
set -euo pipefail
cd "$(dirname "$0")/.."
file=Sources/Gatewatch/BuildRevision.swift
rev=$(git rev-parse --short=12 HEAD 2>/dev/null || true)
if [ -z "$rev" ]; then exec "$@"; fi
if ! git diff --quiet HEAD -- . 2>/dev/null; then rev="$rev-dirty"; fi
original=$(cat "$file")
trap 'printf "%s\n" "$original" > "$file"' EXIT
printf 'enum BuildRevision { static let value = "%s" }\n' "$rev" > "$file"
"$@"
