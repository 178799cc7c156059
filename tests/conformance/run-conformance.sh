#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-conformance.sh MOCK SOURCE_DIR BUILD_DIR — the conformance test as meson
# runs it: installs the pinned dynamics-web-api (npm ci) into BUILD_DIR when
# it is missing, starts the built dynamics-mock on a free port, reads URL=
# from its first line of output, and runs conformance.js against it (TAP).
# Skips (exit 77) only when node is not installed.
set -uo pipefail
mock=$1 src=$2 out=$3
tenant=5f3a8c2e-1b4d-4e6f-9a7b-2c8d0e1f3a5b
client=0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f
secret=conformance-secret-$$

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP: node and npm are not installed (scripts/deps.sh installs them); the conformance test did not run"
  exit 77
fi

mkdir -p "$out"
if ! cmp -s "$src/package-lock.json" "$out/package-lock.json" || [ ! -d "$out/node_modules/dynamics-web-api" ]; then
  cp "$src/package.json" "$src/package-lock.json" "$out/" || exit 1
  # Output of npm goes to stderr: stdout is TAP.
  (cd "$out" && npm ci --no-audit --no-fund --loglevel=error) >&2 || { echo "Bail out! npm ci failed"; exit 1; }
fi

# The mock's first line (URL=…) arrives through a FIFO; the mock ends with the test.
fifo=$out/mock-url.fifo
rm -f "$fifo" && mkfifo "$fifo" || exit 1
"$mock" --port 0 --tenant "$tenant" --client-id "$client" --client-secret "$secret" >"$fifo" 2>"$out/mock.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -f "$fifo"' EXIT
exec 3<"$fifo"
if ! read -r -t 30 urlline <&3 || [[ $urlline != URL=* ]]; then
  echo "Bail out! dynamics-mock did not start: $(tail -n 3 "$out/mock.log")"
  exit 1
fi

NODE_PATH="$out/node_modules" node "$src/conformance.js" "${urlline#URL=}" "$tenant" "$client" "$secret"
status=$?

# The mock must also end cleanly (SIGTERM → exit 0): under AddressSanitizer a
# leak or an error found at exit shows here.
kill -TERM "$pid" 2>/dev/null
wait "$pid"
mock_status=$?
trap 'rm -f "$fifo"' EXIT
if [ "$mock_status" -ne 0 ]; then
  echo "not ok - dynamics-mock exited with status $mock_status:"
  grep -v '^dynamics-mock: ' "$out/mock.log" | head -n 40 | sed 's/^/# /'
  exit 1
fi
exit "$status"
