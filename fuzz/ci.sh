#!/usr/bin/env bash
# CI: build every parser fuzz target and run each for FUZZ_SECONDS (default
# 15) on the committed corpus. Fails on any crash (a panic, a failed
# property, a timeout or running out of memory) and prints, per target, how
# many inputs it ran.
#
# - Stable toolchain, `--sanitizer none`: the parsers are safe Rust (the
#   workspace forbids unsafe code), so AddressSanitizer would find nothing
#   a panic does not, and it needs nightly. Coverage instrumentation
#   (sancov) and libFuzzer itself work on stable.
# - The committed corpus (fuzz/corpus/<target>/) is only read: libFuzzer
#   writes new inputs to the first corpus directory it is given, so that is
#   a scratch directory under fuzz/target/, and the committed one comes
#   second. A crash's input is written to fuzz/artifacts/<target>/ (ignored
#   by git) and printed.
#
# Run one target longer: FUZZ_SECONDS=600 bash fuzz/ci.sh roster_csv
set -euo pipefail
cd "$(dirname "$0")"

CARGO_FUZZ_VERSION=0.13.2
FUZZ_SECONDS="${FUZZ_SECONDS:-15}"

if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  cargo install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

# cargo fuzz has no --locked: check here that fuzz/Cargo.lock is complete,
# so a build never resolves anything new.
cargo metadata --locked --format-version 1 >/dev/null

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

start=$(date +%s)
# One build of every target (they share all their dependencies).
cargo +stable fuzz build --sanitizer none
echo "built ${#targets[@]} targets in $(($(date +%s) - start)) s"

failed=()
for target in "${targets[@]}"; do
  scratch="target/scratch-corpus/$target"
  rm -rf "$scratch"
  mkdir -p "$scratch" "corpus/$target"
  log="target/fuzz-$target.log"
  if cargo +stable fuzz run --sanitizer none "$target" "$scratch" "corpus/$target" -- \
      -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      >"$log" 2>&1; then
    runs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}')
    echo "$target: ${runs:-?} executions in ${FUZZ_SECONDS} s, no crash"
  else
    echo "$target: FAILED (log: fuzz/$log)"
    grep -E 'panicked|ERROR|SUMMARY|Test unit written|Base64' "$log" | head -n 20 || true
    failed+=("$target")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzed ${#targets[@]} targets, $FUZZ_SECONDS s each, in $(($(date +%s) - start)) s in all, no crash"
