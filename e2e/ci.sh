#!/usr/bin/env bash
# The browser journeys as CI runs them (.ci/run calls this after the test
# suite): Debian's Chromium if it is missing, the release binary, the pinned
# npm packages, the harness self-test, then the journeys. The last line is
# "N passed, M failed"; the exit status is non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "== installing Debian's chromium (missing at $chromium)"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium
fi
"$chromium" --version

if [ -n "${TANDEM_BIN:-}" ]; then
  echo "== using TANDEM_BIN=$TANDEM_BIN"
else
  # Always ask cargo: it does nothing when the binary is up to date, and a
  # stale binary from an earlier build is never tested by mistake.
  echo "== building the release binary"
  (cd .. && cargo build --release -p tandem)
fi

echo "== npm ci"
# playwright-core downloads no browser; the variable only makes sure of it.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund

echo "== harness self-test"
node selftest.mjs

echo "== browser journeys"
node run.mjs
