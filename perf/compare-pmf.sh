#!/usr/bin/env bash
# PMF-GRN's SVI step side by side: GrnFast --method pmf-grn (hand gradients, Gram-form GEMMs + fused kernels) vs the same
# objective in PyTorch autograd (perf/pmf_torch.py), one run, D1: 5000 cells x 2000 genes, 300 regulators.
#
# Usage: perf/compare-pmf.sh
# Environment (optional):
#   GRNFAST="dotnet src/Host/bin/Release/net10.0/grnfast.dll"   GrnFast command
#   EPOCHS=20 THREADS=2
# Both: full batch, one noise draw per step, Adam with element-wise clipping, 2 threads. GrnFast's figure is the median
# seconds per epoch it logs (noise, forward, gradient, Adam); PyTorch's the median seconds per step (the same work).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
PY=/usr/bin/python3
DATA=perf/out/D1
OUT=perf/out/D1-pmf
GRNFAST=${GRNFAST:-dotnet src/Host/bin/Release/net10.0/grnfast.dll}
EPOCHS=${EPOCHS:-20}
THREADS=${THREADS:-2}
mkdir -p "$OUT"

echo "== machine"
echo "cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine slows every tool; compare the ratio)"
if [ ! -s "$DATA/expression.npy" ] || [ ! -s "$DATA/prior.tsv" ]; then
  echo "generating $DATA ..."
  $PY perf/make_problem.py --cells 5000 --genes 2000 --regulators 300 --candidates 50 --seed 1 --out "$DATA" || exit 1
fi
if [ "$GRNFAST" = "dotnet src/Host/bin/Release/net10.0/grnfast.dll" ]; then dotnet build src/Host -c Release -v q >/dev/null || exit 1; fi

for precision in float32 float64; do
  echo "== GrnFast pmf-grn ($precision)"
  $GRNFAST infer --method pmf-grn --expression "$DATA/expression.npy" --genes "$DATA/genes.txt" --regulators "$DATA/regulators.txt" \
    --prior "$DATA/prior.tsv" --epochs "$EPOCHS" --precision $precision --threads "$THREADS" --out "$OUT/grnfast_$precision.tsv" >"$OUT/grnfast_$precision.log" 2>&1 \
    || { echo "!! GrnFast failed:"; tail -5 "$OUT/grnfast_$precision.log"; }
  grep -E "fitting|final ELBO" "$OUT/grnfast_$precision.log" | grep -v -- "->"
done
for dtype in float32 float64; do
  echo "== PyTorch ($dtype)"
  $PY perf/pmf_torch.py "$DATA" --steps "$EPOCHS" --threads "$THREADS" --dtype $dtype --json-out "$OUT/torch_$dtype.json"
done
for dtype in float32 float64; do
  echo "== GEMM floor, NumPy/OpenBLAS ($dtype)"
  $PY perf/pmf_gemm_floor.py "$DATA" --dtype $dtype
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== ratios (PyTorch s/step / GrnFast s/epoch, same precision)"
for precision in float32 float64; do
  g=$(sed -n 's/.* \([0-9.e-]*\) s per epoch.*/\1/p' "$OUT/grnfast_$precision.log" | head -1)
  t=$($PY -c "import json; print(json.load(open('$OUT/torch_$precision.json'))['seconds_per_step'])")
  $PY -c "print(f'$precision: GrnFast {float(\"$g\"):.3f} s, PyTorch {float(\"$t\"):.3f} s, ratio {float(\"$t\")/float(\"$g\"):.1f}x')"
done
