#!/usr/bin/env bash
# cargo-deny over the dependency graph (deny.toml): licences, bans
# (duplicate versions, wildcards) and sources always; advisories only where
# RustSec's database (a git repository on GitHub) can be fetched. This
# build network reaches crates.io but not GitHub, so here the advisories
# check cannot run; the script says so rather than passing silently.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_DENY_VERSION=0.18.5
if ! cargo deny --version 2>/dev/null | grep -qx "cargo-deny $CARGO_DENY_VERSION"; then
  echo "== installing cargo-deny $CARGO_DENY_VERSION from crates.io"
  cargo install cargo-deny --locked --version "$CARGO_DENY_VERSION"
fi

cargo deny --locked check licenses bans sources

if timeout 20 git ls-remote https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
  cargo deny --locked check advisories
else
  echo "cargo deny: advisories NOT CHECKED: RustSec's database on github.com is unreachable from this network"
fi
