#!/bin/sh
# Load figures (issue 8): builds the release binary, installs wrk if it is
# missing (Debian's package), and runs load/load.py, which seeds a fresh
# demo, signs in 40 users across both institutions and runs a bounded mix
# of 90 % reads and 10 % writes, alone and with 50 clients signing in.
#
#   load/run.sh                                   # SQLite, a temporary file
#   load/run.sh --postgres postgres://postgres@127.0.0.1:5432/postgres
#                                                 # a fresh database on that server
#   load/run.sh --duration 60 --connections 20 --json /tmp/load.json
#
# A benchmark, never part of the test suite or CI.
set -eu
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
    apt-get install -y wrk
fi
cargo build --release --locked -p tandem
exec python3 load/load.py "$@"
