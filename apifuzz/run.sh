#!/usr/bin/env bash
# API fuzzing, as CI runs it (.ci/run calls this last): schemathesis (pinned
# in requirements.txt, installed from PyPI into target/apifuzz/venv) against
# /api/openapi.json of a fresh `tandem demo`, once per demo account, with
# every check on (schemathesis's own and hooks.py's no_foreign_identifier)
# and at least 100 generated cases per operation. Prints one summary line
# per account; exits non-zero on any failure. The server is always stopped.
#
# Environment: TANDEM_BIN (default target/release/tandem, built if missing),
# APIFUZZ_ACCOUNTS (default below), APIFUZZ_MAX_EXAMPLES (default 100; less
# is refused, so CI cannot quietly fuzz less), APIFUZZ_SEED (default: a new
# random seed each run, printed so a failure can be replayed).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

# Two accounts in each of the demo's two institutions, covering the roles
# with the most API: a mentee and a facilitator at northshore, a mentor and
# a facilitator at bayview.
accounts="${APIFUZZ_ACCOUNTS:-mentee@northshore facilitator@northshore mentor@bayview facilitator@bayview}"
# Accounts whose identifiers are collected but which are not fuzzed: more
# of other people's private records to probe with. (Sign-in allows six
# attempts a minute from one address; prepare.py waits if it must.)
witnesses="mentor@northshore mentee@bayview"
max_examples="${APIFUZZ_MAX_EXAMPLES:-100}"
if [ "$max_examples" -lt 100 ]; then
  echo "APIFUZZ_MAX_EXAMPLES must be at least 100" >&2
  exit 2
fi
seed="${APIFUZZ_SEED:-$(python3 -c 'import secrets; print(secrets.randbelow(2**31))')}"

venv="$root/target/apifuzz/venv"
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/schemathesis" ] || ! cmp -s apifuzz/requirements.txt "$stamp"; then
  echo "== installing apifuzz/requirements.txt into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r apifuzz/requirements.txt
  cp apifuzz/requirements.txt "$stamp"
fi
"$venv/bin/schemathesis" --version

bin="${TANDEM_BIN:-$root/target/release/tandem}"
if [ ! -x "$bin" ]; then
  echo "== building the release binary ($bin is missing)"
  cargo build --release -p tandem
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/tandem-apifuzz-XXXXXX")"
server_pid=""
fuzz_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  if [ -n "$fuzz_pid" ]; then
    kill -TERM "$fuzz_pid" 2>/dev/null || true
    wait "$fuzz_pid" 2>/dev/null || true
  fi
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
# On a signal, exit (which runs the EXIT trap) with the conventional status.
trap 'exit 130' INT
trap 'exit 143' TERM

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
echo "== tandem demo on $base (data in $work)"
# The server sees none of our TANDEM_* settings (a developer's database must
# not receive demo data) and runs in the temporary directory, so no
# ./tandem.toml is read either.
(
  cd "$work"
  for name in $(env | sed -n 's/^\(TANDEM_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$name"; done
  exec env RUST_LOG="${RUST_LOG:-warn}" "$bin" demo --port "$port" --data-dir "$work/data"
) >"$work/server.log" 2>&1 &
server_pid=$!

# Seeding the demo takes a few seconds; wait for /healthz (at most 120 s).
healthy=""
for _ in $(seq 1 600); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    break
  fi
  if python3 -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('$base/healthz', timeout=2).status != 200)" 2>/dev/null; then
    healthy=yes
    break
  fi
  sleep 0.2
done
if [ -z "$healthy" ]; then
  echo "tandem demo did not become healthy:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

password="$(sed -n 's/.*Sign in with any of these (password: \(.*\)):.*/\1/p' "$work/server.log" | head -n 1)"
if [ -z "$password" ]; then
  echo "tandem demo printed no sign-ins:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

echo "== signing in and collecting what each account can see"
# shellcheck disable=SC2086
"$venv/bin/python" apifuzz/prepare.py "$base" "$password" "$work/context.json" $accounts $witnesses

export SCHEMATHESIS_HOOKS=hooks
# No __pycache__ in the source tree.
export PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH="$root/apifuzz${PYTHONPATH:+:$PYTHONPATH}"
export TANDEM_FUZZ_CONTEXT="$work/context.json"

# The custom check must be able to fail: told that an account's own
# identifiers are foreign (APIFUZZ_SELFTEST, see hooks.py), it must fail the
# account's successful read of its own institution.
selftest_account="${accounts%% *}"
echo "== self-test: no_foreign_identifier fails a success it is told is foreign ($selftest_account)"
selftest_token="$("$venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["accounts"][sys.argv[2]]["token"])' "$work/context.json" "$selftest_account")"
set +e
APIFUZZ_SELFTEST=1 TANDEM_FUZZ_ACCOUNT="$selftest_account" "$venv/bin/schemathesis" --no-color --config-file apifuzz/schemathesis.toml \
  run "$base/api/openapi.json" \
  --include-path '/api/v1/institutions/{slug}' \
  --checks all --phases fuzzing --max-examples 20 --seed "$seed" \
  --header "Authorization: Bearer $selftest_token" >"$work/selftest.log" 2>&1
selftest_code=$?
set -e
if [ "$selftest_code" = 0 ] || ! grep -q "got 200 for a request carrying what it may not see" "$work/selftest.log"; then
  echo "the no_foreign_identifier check did not fail when it should have (exit $selftest_code):" >&2
  cat "$work/selftest.log" >&2
  exit 1
fi
echo "   it failed, as it should"

status=0
summaries=()
for account in $accounts; do
  echo "== schemathesis as $account (seed $seed, $max_examples cases per operation)"
  token="$("$venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["accounts"][sys.argv[2]]["token"])' "$work/context.json" "$account")"
  report="$work/report-${account%%@*}-${account##*@}.json"
  started=$(date +%s)
  # In the background and waited for, so that a SIGTERM or Ctrl-C reaches
  # the traps at once (bash runs them only after a foreground command).
  probes="$work/probes-${account%%@*}-${account##*@}.json"
  TANDEM_FUZZ_ACCOUNT="$account" TANDEM_FUZZ_PROBES="$probes" "$venv/bin/schemathesis" --no-color --config-file apifuzz/schemathesis.toml \
    run "$base/api/openapi.json" \
    --checks all \
    --phases examples,fuzzing \
    --max-examples "$max_examples" \
    --seed "$seed" \
    --header "Authorization: Bearer $token" \
    --report json --report-json-path "$report" \
    &
  fuzz_pid=$!
  code=0
  wait "$fuzz_pid" || code=$?
  fuzz_pid=""
  seconds=$(( $(date +%s) - started ))
  if [ "$code" != 0 ]; then
    status=1
  fi
  summaries+=("$("$venv/bin/python" apifuzz/summary.py "$report" "$probes" "$account" "$seconds" "$code")")
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the server died while fuzzing as $account:" >&2
    tail -n 50 "$work/server.log" >&2
    status=1
    break
  fi
done

if grep -q ' ERROR ' "$work/server.log"; then
  echo "== the server logged errors:"
  grep ' ERROR ' "$work/server.log" | sort | uniq -c | sort -rn | head -n 20
fi

echo "== API fuzzing summary (seed $seed)"
for line in "${summaries[@]}"; do
  echo "$line"
done
exit "$status"
