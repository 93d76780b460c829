#!/usr/bin/env bash
# Lasso path solvers side by side on one binary: coordinate descent (--solver cd) against the homotopy
# (--solver homotopy), interleaved A B A B ... so machine load hits both alike; prints every run's stage
# times and the medians.
#
# Usage: perf/compare-path-solvers.sh [D1|D2] [float32|float64] [PAIRS] [TARGETS] [THREADS]
#   defaults D1 float32 3 0 0; TARGETS > 0 fits only the first TARGETS genes of genes.txt, THREADS 0 = all cores.
# The problem must exist (perf/compare-lasso.sh D1|D2 generates it into perf/out/<D>/).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
DS=${1:-D1} PREC=${2:-float32} PAIRS=${3:-3} TARGETS=${4:-0} THREADS=${5:-0}
DATA=perf/out/$DS
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
[ -s "$DATA/expression.npy" ] || { echo "no $DATA/expression.npy: run perf/compare-lasso.sh $DS first" >&2; exit 2; }
extra=()
if [ "$TARGETS" -gt 0 ]; then head -n "$TARGETS" "$DATA/genes.txt" >"$OUT/targets.txt"; extra=(--targets "$OUT/targets.txt"); fi
GRNFAST=${GRNFAST:-./grnfast}
$GRNFAST info >/dev/null 2>&1 || { echo "$GRNFAST info failed" >&2; exit 1; }

echo "$DS, $PREC, $PAIRS pairs, targets ${TARGETS/#0/all}, threads ${THREADS/#0/all}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %11s %9s %9s\n' solver standardize gram solve
for i in $(seq 1 "$PAIRS"); do
  for solver in cd homotopy; do
    if ! $GRNFAST infer --expression "$DATA/expression.npy" --genes "$DATA/genes.txt" --regulators "$DATA/regulators.txt" \
        --prior "$DATA/prior.tsv" --prior-mode mask --method lasso --path 50 --path-min-ratio 1e-3 --select ebic \
        --precision "$PREC" --solver "$solver" --threads "$THREADS" "${extra[@]}" \
        --timings "$OUT/t.json" --out "$OUT/net.tsv" 2>"$OUT/log.txt"; then
      echo "!! $solver failed:"; tail -n 5 "$OUT/log.txt"; exit 1
    fi
    python3 -c "import json,sys; t=json.load(open('$OUT/t.json')); print('%-9s %11.3f %9.3f %9.3f' % ('$solver', t['standardize'], t['gram'], t['solve']))" | tee -a "$OUT/runs.txt"
    grep -o '([0-9]* finished by coordinate descent[^)]*)' "$OUT/log.txt" | sed "s/^/          $solver: /"
  done
done
python3 - "$OUT/runs.txt" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, *v = line.split()
    runs.setdefault(name, []).append([float(x) for x in v])
med = {k: [statistics.median(r[i] for r in rs) for i in range(3)] for k, rs in runs.items()}
for k, (st, gr, so) in med.items():
    print(f"median {k:<9} standardize {st:.3f}  gram {gr:.3f}  solve {so:.3f}  total {st + gr + so:.3f}")
print(f"solve: coordinate descent / homotopy = {med['cd'][2] / med['homotopy'][2]:.2f}x")
EOF
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
