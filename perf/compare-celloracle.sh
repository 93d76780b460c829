#!/usr/bin/env bash
# CellOracle's GRN fit side by side: GrnFast --method celloracle vs scikit-learn's BaggingRegressor(Ridge), one run.
#
# Usage: perf/compare-celloracle.sh            (D1: 5000 cells x 2000 genes, 300 regulators, 50 candidates per target)
# Environment (optional):
#   GRNFAST=./grnfast          GrnFast command
#   SKLEARN_TARGETS=N          targets fitted by scikit-learn, time extrapolated linearly to all 2000 (default 100; 0 = all)
#   SKIP_GRNFAST=1 SKIP_SKLEARN=1
# Both fit every target: 20 bags of bootstrap cells, each on a random 80% of the target's 50 candidates, ridge alpha 10,
# regulators scaled by their sd over all cells, the target unscaled; then coef_mean and the t-test p. Times exclude
# loading and writing. The draws differ (GrnFast's seeded generator vs numpy's), so coefficients agree statistically.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
PY=/usr/bin/python3
DATA=perf/out/D1
OUT=perf/out/D1-celloracle
GRNFAST=${GRNFAST:-./grnfast}
SK_T=${SKLEARN_TARGETS:-100}
mkdir -p "$OUT"

echo "== machine"
echo "cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine slows every tool; compare the ratio)"
echo "python: $($PY -c 'import sys, numpy, sklearn; print(sys.version.split()[0], "numpy", numpy.__version__, "sklearn", sklearn.__version__)')"

if [ ! -s "$DATA/expression.npy" ] || [ ! -s "$DATA/prior.tsv" ]; then
  echo "generating $DATA ..."
  $PY perf/make_problem.py --cells 5000 --genes 2000 --regulators 300 --candidates 50 --seed 1 --out "$DATA" || exit 1
fi

if [ -z "${SKIP_GRNFAST:-}" ]; then
  echo "== GrnFast"
  set -- $GRNFAST infer --method celloracle --expression "$DATA/expression.npy" --genes "$DATA/genes.txt" \
    --regulators "$DATA/regulators.txt" --prior "$DATA/prior.tsv" --timings "$OUT/grnfast_timings.json" --out "$OUT/grnfast_links.tsv"
  echo "$*"
  if ! "$@" >"$OUT/grnfast_log.txt" 2>&1; then echo "!! GrnFast failed:"; tail -5 "$OUT/grnfast_log.txt"; rm -f "$OUT/grnfast_timings.json"; fi
  cat "$OUT/grnfast_timings.json" 2>/dev/null
fi

if [ -z "${SKIP_SKLEARN:-}" ]; then
  echo "== scikit-learn BaggingRegressor(Ridge) (targets: ${SK_T/#0/all})"
  $PY perf/sklearn_celloracle.py "$DATA" --targets "$SK_T" --json-out "$OUT/sklearn.json" --links-out "$OUT/sklearn_links.tsv" || rm -f "$OUT/sklearn.json"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== results (times exclude load and write)"
$PY - "$OUT" <<'PY'
import json, os, sys
import numpy as np
out = sys.argv[1]
g = json.load(open(os.path.join(out, "grnfast_timings.json")))
s = json.load(open(os.path.join(out, "sklearn.json")))
gf = g["standardize"] + g["gram"] + g["solve"]
print(f"GrnFast: {gf:.2f} s (standardize {g['standardize']:.3f} + weighted Gram GEMMs {g['gram']:.3f} + bag solves and t-tests {g['solve']:.3f}), {g['threads']} threads")
print(f"scikit-learn: {s['seconds']:.1f} s for {s['targets']} targets ({'extrapolated from ' + str(s['fitted_targets']) + ' targets, ' if s['extrapolated'] else ''}{s['per_target_ms']:.1f} ms per target), 1 process")
print(f"ratio: {s['seconds'] / gf:.0f}x")
def read(p, cols):
    d = {}
    with open(p) as f:
        head = f.readline().rstrip("\n").split("\t")
        idx = [head.index(c) for c in cols]
        for line in f:
            v = line.rstrip("\n").split("\t")
            d[(v[0], v[1])] = tuple(float(v[i]) for i in idx)
    return d
a = read(os.path.join(out, "grnfast_links.tsv"), ["coef_mean", "p"])
b = read(os.path.join(out, "sklearn_links.tsv"), ["coef_mean", "p"])
keys = [k for k in b if k in a]
x = np.array([a[k][0] for k in keys]); y = np.array([b[k][0] for k in keys])
pa = np.array([a[k][1] for k in keys]); pb = np.array([b[k][1] for k in keys])
sig = (pa < 1e-3) | (pb < 1e-3)
print(f"agreement on {len(keys)} edges of the scikit-learn targets: corr(coef_mean) = {np.corrcoef(x, y)[0, 1]:.4f}, "
      f"median |diff| / median |coef| = {np.median(np.abs(x - y)) / np.median(np.abs(y)):.3f}, "
      f"same p < 1e-3 call on {np.mean((pa < 1e-3) == (pb < 1e-3)):.3f} of edges, same sign where either is significant {np.mean(np.sign(x[sig]) == np.sign(y[sig])):.3f}")
PY
