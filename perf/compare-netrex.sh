#!/usr/bin/env bash
# NetREX-CF side by side: seconds per outer PALM iteration, GrnFast --method netrex-cf vs the numpy iteration
# (perf/netrex_numpy.py), ROUNDS interleaved runs, at D1 (5000 cells x 2000 genes, 300 regulators, 50 prior candidates per gene).
#
# Usage: perf/compare-netrex.sh        Environment: GRNFAST=./grnfast  ITERATIONS=30  NUMPY_ITERATIONS=5  ROUNDS=3
# GrnFast runs its ALS + NCA start, then ITERATIONS outer iterations with no refits; its log gives the median seconds
# per outer iteration (the start and the one-off gene Gram K = E E^T are reported separately). The first three or four
# iterations build the Y-step's kept regulator Grams (each regulator's first visit), so the median is taken over 30 of
# the published 100 iterations; ITERATIONS=10 gives the figure over the first ten. numpy runs the same
# iteration in the direct form (E explicit) from a prior-support start. Both use the machine's OpenBLAS.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
PY=/usr/bin/python3
DATA=perf/out/D1
OUT=perf/out/D1-netrex
GRNFAST=${GRNFAST:-./grnfast}
mkdir -p "$OUT"
echo "== machine"
echo "cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine slows every tool; compare the ratio)"
if [ ! -s "$DATA/expression.npy" ] || [ ! -s "$DATA/prior.tsv" ]; then
  echo "generating $DATA ..."
  $PY perf/make_problem.py --cells 5000 --genes 2000 --regulators 300 --candidates 50 --seed 1 --out "$DATA" || exit 1
fi
ROUNDS=${ROUNDS:-3}
echo "== $ROUNDS rounds, GrnFast then numpy in each (interleaved, so both see the same load)"
set -- $GRNFAST infer --method netrex-cf --expression "$DATA/expression.npy" --genes "$DATA/genes.txt" --regulators "$DATA/regulators.txt" \
  --prior "$DATA/prior.tsv" --iterations "${ITERATIONS:-30}" --tol 1e-300 --refits 0 --out "$OUT/grnfast.tsv"
echo "$*"
for k in $(seq 1 "$ROUNDS"); do
  echo "-- round $k, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$@" --timings "$OUT/grnfast_timings_$k.json" 2>&1 | tee "$OUT/grnfast_log_$k.txt" | grep -E "netrex-cf timings|PALM"
  $PY perf/netrex_numpy.py "$DATA" --iterations "${NUMPY_ITERATIONS:-5}" --json-out "$OUT/numpy_$k.json"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
$PY - "$OUT" "$ROUNDS" <<'PY'
import json, re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
rows = []
for k in range(1, rounds + 1):
    log = open(f"{out}/grnfast_log_{k}.txt").read()
    g = float(re.search(r"outer iteration median ([0-9.]+) s", log).group(1))
    start = float(re.search(r"start \(ALS \+ NCA\) ([0-9.]+) s", log).group(1))
    n = json.load(open(f"{out}/numpy_{k}.json"))["median"]
    rows.append((g, n, n / g, start))
    print(f"round {k}: seconds per outer iteration GrnFast {g:.4f}, numpy {n:.4f}, ratio {n / g:.1f}x; GrnFast start (ALS + NCA) {start:.2f} s")
med = lambda i: statistics.median(r[i] for r in rows)
print(f"== medians over {rounds} rounds: GrnFast {med(0):.4f} s, numpy {med(1):.4f} s per outer iteration, ratio {med(2):.1f}x "
      f"(min {min(r[2] for r in rows):.1f}x, max {max(r[2] for r in rows):.1f}x); start {med(3):.2f} s")
PY
