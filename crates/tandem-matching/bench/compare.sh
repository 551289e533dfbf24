#!/usr/bin/env bash
# Side-by-side benchmark: Tandem's `match-bench` against the Python anchors of
# shared/bench/matching_anchors.py, on the same instance files, back to back
# in one session. Manual tool: not run by tests or CI.
#
#   crates/tandem-matching/bench/compare.sh               # defaults below
#   ROUNDS=3 RUNS=3 crates/tandem-matching/bench/compare.sh
#   ANCHOR_GROUPS=sparse,stable crates/tandem-matching/bench/compare.sh
#
# Environment (all optional):
#   VENV      Python venv with the anchors (created if missing, outside the
#             repository):                       default ${TMPDIR:-/tmp}/tandem-anchors-venv
#   INST      instance directory (files written once if missing)
#                                                default ${TMPDIR:-/tmp}/tandem-matching-instances
#   OUT       results directory                  default ${TMPDIR:-/tmp}/tandem-matching-compare
#   ROUNDS    anchors-then-ours rounds           default 2
#   RUNS      solves per solver per round (median taken)   default 3
#   ANCHOR_GROUPS    anchor groups: dense,sparse,stable (lp: HiGHS, slow)
#   SIZES     dense sizes                        default 1000,2000,5000
#   CARGO_TARGET_DIR  as usual
# Output: $OUT/anchors.jsonl, $OUT/ours.jsonl (one JSON line per solve, tagged
# with the round) and $OUT/table.md (median over rounds; ratio = fastest anchor
# time / our time, so > 1 means we are faster).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
anchors="$root/../shared/bench/matching_anchors.py"
[ -f "$anchors" ] || anchors=/work/shared/bench/matching_anchors.py
VENV=${VENV:-${TMPDIR:-/tmp}/tandem-anchors-venv}
INST=${INST:-${TMPDIR:-/tmp}/tandem-matching-instances}
OUT=${OUT:-${TMPDIR:-/tmp}/tandem-matching-compare}
ROUNDS=${ROUNDS:-2}
RUNS=${RUNS:-3}
ANCHOR_GROUPS=${ANCHOR_GROUPS:-dense,sparse,stable}
SIZES=${SIZES:-1000,2000,5000}

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q numpy scipy lap ortools matching
fi
py="$VENV/bin/python"

# Instance files, written once by the anchors' own generator.
mkdir -p "$INST" "$OUT"
"$py" - "$anchors" "$INST" "$SIZES" <<'PY'
import importlib.util, os, sys
spec = importlib.util.spec_from_file_location("ma", sys.argv[1])
ma = importlib.util.module_from_spec(spec); spec.loader.exec_module(ma)
out, sizes = sys.argv[2], [int(s) for s in sys.argv[3].split(",")]
for cmax in (1000, 1000000):
    for n in sizes:
        p = os.path.join(out, f"D{n}_C{cmax}.dense.txt")
        if not os.path.exists(p):
            ma.write_dense(p, ma.dense_costs(n, 42, cmax), cmax, 42)
defs = {**ma.SPARSE_DEFS, **ma.STABLE_DEFS}
for name, (N, M, K, lo, hi, d) in defs.items():
    p = os.path.join(out, f"{name}.sparse.txt")
    if not os.path.exists(p):
        ma.write_sparse(p, ma.sparse_instance(N, M, K, lo, hi, d, 42))
PY

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
(cd "$root" && cargo build --release -q -p tandem-matching --bin match-bench)
bench="$CARGO_TARGET_DIR/release/match-bench"

dense_files=()
for c in 1000 1000000; do
  for n in ${SIZES//,/ }; do dense_files+=("$INST/D${n}_C${c}.dense.txt"); done
done
sparse_files=("$INST/H0.sparse.txt" "$INST/S1.sparse.txt" "$INST/S2.sparse.txt" "$INST/T1.sparse.txt")

: > "$OUT/anchors.jsonl"
: > "$OUT/ours.jsonl"
{
  echo "# $(date -u +%FT%TZ) $(uname -srm), $(nproc) cores"
  echo "# ROUNDS=$ROUNDS RUNS=$RUNS ANCHOR_GROUPS=$ANCHOR_GROUPS SIZES=$SIZES"
} > "$OUT/meta.txt"
for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r: anchors" >&2
  "$py" "$anchors" --no-write --runs "$RUNS" --groups "$ANCHOR_GROUPS" --sizes "$SIZES" \
      --json "$OUT/anchors.round.jsonl" > /dev/null
  sed "s/^{/{\"round\": $r, /" "$OUT/anchors.round.jsonl" >> "$OUT/anchors.jsonl"
  rm -f "$OUT/anchors.round.jsonl"
  echo "== round $r: match-bench" >&2
  # one process per instance, so that peak_rss_mb is that instance's
  for f in "${dense_files[@]}"; do
    "$bench" --runs "$RUNS" "$f" | sed "s/^{/{\"round\": $r, /" >> "$OUT/ours.jsonl"
  done
  for f in "${sparse_files[@]}"; do
    "$bench" --runs "$RUNS" --stable "$f" | sed "s/^{/{\"round\": $r, /" >> "$OUT/ours.jsonl"
  done
done

"$py" - "$OUT" <<'PY' | tee "$OUT/table.md"
import json, statistics, sys, collections
out = sys.argv[1]
A = [json.loads(l) for l in open(f"{out}/anchors.jsonl")]
O = [json.loads(l) for l in open(f"{out}/ours.jsonl")]
med = statistics.median
ours, ours_st, obj = collections.defaultdict(list), collections.defaultdict(list), {}
ours_cpu, ours_st_cpu = collections.defaultdict(list), collections.defaultdict(list)
rss = collections.defaultdict(list)
for o in O:
    rss[o["instance"]].append(o.get("peak_rss_mb", float("nan")))
    ours[o["instance"]].append(o["solve_seconds"])
    ours_cpu[o["instance"]].append(o.get("solve_cpu_seconds", o["solve_seconds"]))
    obj[o["instance"]] = (o["objective"], o["verified"])
    if "stable_seconds" in o:
        ours_st[o["instance"]].append(o["stable_seconds"])
        ours_st_cpu[o["instance"]].append(o.get("stable_cpu_seconds", o["stable_seconds"]))
short = {
    "scipy.linear_sum_assignment": "scipy", "lap.lapjv": "lap",
    "ortools.SimpleLinearSumAssignment": "OR-Tools assignment",
    "ortools.SimpleMinCostFlow": "OR-Tools min-cost flow",
    "scipy.min_weight_full_bipartite_matching": "scipy sparse (slots)",
    "lap.lapmod": "lapmod (slots)",
}
cols = ["scipy", "lap", "OR-Tools assignment", "OR-Tools min-cost flow",
        "scipy sparse (slots)", "lapmod (slots)"]
an, aopt = collections.defaultdict(lambda: collections.defaultdict(list)), {}
stab = collections.defaultdict(lambda: collections.defaultdict(list))
for a in A:
    inst, s = a["instance"], a["solver"]
    if s.startswith("floor"):
        continue
    t = a.get("median_cpu_s")
    if t is None:
        continue
    if "DA" in s or "HospitalResident" in s:
        stab[inst][s].append(t)
        continue
    base = inst[:-6] if inst.endswith("-slots") else inst
    name = short.get(s, s)
    if inst.endswith("-slots") and name == "OR-Tools assignment":
        name = "OR-Tools assignment (slots)"
    an[base][name].append(t)
    if "opt" in a:
        aopt.setdefault(base, set()).add(a["opt"])
cols.insert(4, "OR-Tools assignment (slots)")
order = [k for k in ["H0", "S1", "S2", "T1"] if k in ours] + sorted(
    [k for k in ours if k.startswith("D")], key=lambda k: (int(k.split("_C")[1]), int(k[1:].split("_")[0])))
used = [c for c in cols if any(c in an[k] for k in order)]
print("| instance | optimum | same optimum as anchors | certificate | ours wall (s) | ours CPU (s) | "
      + " | ".join(f"{c} (s)" for c in used) + " | fastest anchor / ours wall | ours peak RSS (MB) |")
print("|" + "---|" * (8 + len(used)))
for k in order:
    o = med(ours[k])
    cells, best = [], None
    for c in used:
        if c in an[k]:
            t = med(an[k][c]); cells.append(f"{t:.4f}")
            best = t if best is None else min(best, t)
        else:
            cells.append("-")
    same = "yes" if aopt.get(k) == {obj[k][0]} else ("n/a" if k not in aopt else f"NO {sorted(aopt[k])}")
    ratio = f"{best / o:.2f}x" if best else "-"
    print(f"| {k} | {obj[k][0]} | {same} | {'verified' if obj[k][1] else 'NOT verified'} | {o:.4f} | {med(ours_cpu[k]):.4f} | "
          + " | ".join(cells) + f" | {ratio} | {max(rss[k]):.0f} |")
if ours_st:
    print()
    print("| stable matching | ours wall, incl. building preference lists (s) | ours CPU (s) | reference DA, pure Python, lists prebuilt (s) | PyPI matching, solve only (s) |")
    print("|---|---|---|---|---|")
    for k in [x for x in ["H0", "S1", "S2"] if x in ours_st]:
        ref = stab[k].get("reference DA (pure Python, heapq)")
        pkg = stab[k].get("PyPI matching HospitalResident")
        f = lambda v: f"{med(v):.4f}" if v else "-"
        print(f"| {k} | {med(ours_st[k]):.4f} | {med(ours_st_cpu[k]):.4f} | {f(ref)} | {f(pkg)} |")
print()
print("Times: anchors = median CPU seconds of the solve call (time.process_time); ours = median wall seconds of the solve call (single-threaded, parsing excluded), and the thread's CPU seconds from /proc/thread-self/schedstat (tick-granular: meaningless below a few ms); medians over rounds. The ratio uses our wall time, the conservative choice. Peak RSS: whole match-bench process (file text, parsed instance, solver), one process per instance.")
PY
cat "$OUT/meta.txt" >&2

# Write the table into docs/PERFORMANCE.md between its markers, so the
# document always shows the latest side-by-side run. DOC= (empty) skips it.
DOC="${DOC-$(cd "$(dirname "$0")/../../.." && pwd)/docs/PERFORMANCE.md}"
if [ -n "$DOC" ] && [ -f "$DOC" ]; then
  "$py" - "$DOC" "$OUT/table.md" "$(date -u '+%Y-%m-%d %H:%M UTC')" <<'PY'
import sys
doc, table, when = sys.argv[1], open(sys.argv[2]).read().strip(), sys.argv[3]
text = open(doc).read()
start, end = "<!-- matching-table:start -->", "<!-- matching-table:end -->"
if start in text and end in text:
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    text = f"{head}{start}\nRun of {when} (`compare.sh`):\n\n{table}\n{end}{tail}"
    open(doc, "w").write(text)
    print(f"updated {doc}", file=sys.stderr)
else:
    print(f"{doc} has no matching-table markers; table left in place", file=sys.stderr)
PY
fi
