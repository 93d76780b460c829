#!/usr/bin/env bash
# Side-by-side lasso-path benchmark: GrnFast vs scikit-learn (with / without a shared Gram) vs glmnet.
#
# Usage: perf/compare-lasso.sh [D1|D2]        (default D1)
#   D1 = 5000 cells x 2000 genes, 300 regulators, 50 candidates per target
#   D2 = 5000 cells x 4000 genes, 1500 regulators, 300 candidates per target
# Environment (optional):
#   GRNFAST=./grnfast            GrnFast command (may be several words, e.g. "dotnet path/grnfast.dll")
#   GRNFAST_PRECISION=float64    GrnFast's --precision (float32: float32 Gram against the raw input)
#   SKLEARN_CD_TARGETS=N         targets solved by sklearn without Gram (extrapolated); default D1 400, D2 200
#   SKLEARN_GRAM_TARGETS=N       same for sklearn with Gram; default 0 = all
#   GLMNET_TARGETS=N             same for glmnet; default D1 0 = all, D2 400
#   SKIP_GRNFAST=1 SKIP_SKLEARN=1 SKIP_GLMNET=1
# Data goes to perf/out/<D>/ (generated once, gitignored), results to perf/out/<D>-results/.
# Every tool solves, per target, the lasso path of 50 alphas geomspace(alpha_max, 1e-3 alpha_max) on standardised
# candidates (population sd 1) and a centred target; times exclude loading and writing.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
PY=/usr/bin/python3
DS=${1:-D1}
case "$DS" in
  D1) CELLS=5000 GENES=2000 REGS=300 CAND=50;   CD_T=${SKLEARN_CD_TARGETS:-400}; GL_T=${GLMNET_TARGETS:-0} ;;
  D2) CELLS=5000 GENES=4000 REGS=1500 CAND=300; CD_T=${SKLEARN_CD_TARGETS:-200}; GL_T=${GLMNET_TARGETS:-400} ;;
  *) echo "usage: $0 [D1|D2]" >&2; exit 2 ;;
esac
GR_T=${SKLEARN_GRAM_TARGETS:-0}
PATHLEN=50 MINRATIO=1e-3 INDEX=25
DATA=perf/out/$DS
OUT=perf/out/$DS-results
GRNFAST=${GRNFAST:-./grnfast}
PRECISION=${GRNFAST_PRECISION:-float64}
mkdir -p "$OUT"

echo "== machine"
echo "cores: $(nproc) (online), $(grep -c ^processor /proc/cpuinfo) (cpuinfo); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg) - on a shared machine other jobs slow every tool; compare the load averages in the table"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
echo "python: $($PY -c 'import sys, numpy, sklearn; print(sys.version.split()[0], "numpy", numpy.__version__, "sklearn", sklearn.__version__)' 2>&1)"
echo "numpy BLAS (for sklearn's Gram): $($PY -c 'import numpy
from threadpoolctl import threadpool_info
print("; ".join("%s %s, %d threads" % (i.get("internal_api"), i.get("version"), i.get("num_threads")) for i in threadpool_info()) or "?")' 2>/dev/null || echo '?')"
echo "R: $(Rscript -e 'cat(R.version.string, "glmnet", packageDescription("glmnet")$Version)' 2>/dev/null)"
if [ -z "${SKIP_GRNFAST:-}" ]; then
  echo "grnfast info:"
  if ! $GRNFAST info 2>&1 | sed 's/^/  /'; then
    echo "  ($GRNFAST info failed)"
  fi
fi

echo "== data $DS"
if [ ! -s "$DATA/expression.npy" ] || [ ! -s "$DATA/prior.tsv" ]; then
  echo "generating $DATA ..."
  $PY perf/make_problem.py --cells $CELLS --genes $GENES --regulators $REGS --candidates $CAND --seed 1 --out "$DATA" || exit 1
fi
cat "$DATA/meta.json"; echo

# ---------------------------------------------------------------- GrnFast
if [ -z "${SKIP_GRNFAST:-}" ]; then
  echo "== GrnFast"
  rm -rf "$OUT/grnfast"; mkdir -p "$OUT/grnfast"
  set -- $GRNFAST infer --expression "$DATA/expression.npy" --genes "$DATA/genes.txt" \
    --regulators "$DATA/regulators.txt" --prior "$DATA/prior.tsv" --prior-mode mask --method lasso \
    --path $PATHLEN --path-min-ratio $MINRATIO --select ebic --precision $PRECISION \
    --timings "$OUT/grnfast/timings.json" --out "$OUT/grnfast/net.tsv" \
    --path-coef-index $INDEX --path-coef-out "$OUT/grnfast/coef25.tsv"
  echo "$*"
  start=$(date +%s%N)
  if "$@" >"$OUT/grnfast/log.txt" 2>&1 && [ -s "$OUT/grnfast/timings.json" ]; then
    echo "ok, wall $(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN {printf "%.2f", (b - a) / 1e9}') s"; cat "$OUT/grnfast/timings.json"; echo
  else
    rc=$?
    echo "!! GrnFast FAILED (exit $rc, or no timings.json written) - the table below has no GrnFast row."
    echo "!! command: $*"
    echo "!! last lines of $OUT/grnfast/log.txt:"; tail -n 15 "$OUT/grnfast/log.txt" | sed 's/^/   /'
    rm -f "$OUT/grnfast/timings.json"
  fi
fi

# ---------------------------------------------------------------- scikit-learn
if [ -z "${SKIP_SKLEARN:-}" ]; then
  echo "== scikit-learn, precomputed Gram (targets: ${GR_T/#0/all})"
  $PY perf/sklearn_lasso.py "$DATA" --path $PATHLEN --min-ratio $MINRATIO --gram --targets $GR_T --index $INDEX \
    --coef-out "$OUT/sklearn_gram.tsv" --json-out "$OUT/sklearn_gram.json" >/dev/null || { echo "!! sklearn (Gram) failed"; rm -f "$OUT/sklearn_gram.json"; }
  echo "== scikit-learn, no Gram (targets: ${CD_T/#0/all}, extrapolated)"
  $PY perf/sklearn_lasso.py "$DATA" --path $PATHLEN --min-ratio $MINRATIO --targets $CD_T --index $INDEX \
    --coef-out "$OUT/sklearn_cd.tsv" --json-out "$OUT/sklearn_cd.json" >/dev/null || { echo "!! sklearn (no Gram) failed"; rm -f "$OUT/sklearn_cd.json"; }
fi

# ---------------------------------------------------------------- glmnet
if [ -z "${SKIP_GLMNET:-}" ]; then
  echo "== glmnet (targets: ${GL_T/#0/all})"
  Rscript perf/glmnet_lasso.R "$DATA" --path $PATHLEN --min-ratio $MINRATIO --targets $GL_T --index $INDEX \
    --coef-out "$OUT/glmnet.tsv" --json-out "$OUT/glmnet.json" >/dev/null || { echo "!! glmnet failed"; rm -f "$OUT/glmnet.json"; }
fi

echo "== results ($DS; GrnFast = 1; times exclude load and write)"
$PY perf/compare_report.py "$OUT"
