#!/usr/bin/env bash
# Held-out AUPRC of netrex-cf next to the lasso on DREAM4 in-silico size 100 (networks 1-3, knockouts + knockdowns
# stacked), with two prior sources: the gold edges of 70 % of the targets (grnfast prior split, seed 1; the other 30 %
# of the targets are held out and scored) and a motif-like source (recall 0.5, 5 candidates per gene, seed 2) from
# which the held-out targets' edges are removed (so no gold edge of a held-out target leaks into any prior).
#
# Usage: perf/netrex-dream4.sh     Environment: GRNFAST=./grnfast  DREAM4=../shared/data/dream4
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
GRNFAST=${GRNFAST:-./grnfast}
D4=${DREAM4:-/work/shared/data/dream4}
OUT=perf/out/dream4-netrex
mkdir -p "$OUT"
printf "network\tmethod\tAUPRC_heldout\tratio\tAUROC\tEPR\tseconds\n"
for k in 1 2 3; do
  dir="$D4/DREAM4_InSilico_Size100/insilico_size100_$k"
  gold="$D4/DREAM4_Challenge2_GoldStandards/Size 100/DREAM4_GoldStandard_InSilico_Size100_$k.tsv"
  o="$OUT/$k"; mkdir -p "$o"
  cut -f1 "$gold" | sort -u > "$o/genes.txt"
  { head -1 "$dir/insilico_size100_${k}_knockouts.tsv"; tail -n +2 "$dir/insilico_size100_${k}_knockouts.tsv"; tail -n +2 "$dir/insilico_size100_${k}_knockdowns.tsv"; } > "$o/expression.tsv"
  $GRNFAST prior split --gold "$gold" --by target --heldout-fraction 0.3 --seed 1 --out-prior "$o/split.tsv" --out-heldout "$o/heldout.txt" 2>/dev/null
  $GRNFAST prior motif --gold "$gold" --recall 0.5 --per-target 5 --seed 2 --out "$o/motif_all.tsv" 2>/dev/null
  awk 'NR==FNR { h[$1] = 1; next } FNR == 1 || !($2 in h)' "$o/heldout.txt" "$o/motif_all.tsv" > "$o/motif.tsv"
  for method in lasso netrex-cf; do
    start=$(date +%s.%N)
    $GRNFAST infer --method $method --expression "$o/expression.tsv" --regulators "$o/genes.txt" --prior "$o/split.tsv" --prior "$o/motif.tsv" \
      --out "$o/$method.tsv" 2> "$o/$method.log" || { echo "!! $method failed"; tail -3 "$o/$method.log"; continue; }
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    $GRNFAST evaluate --network "$o/$method.tsv" --gold "$gold" --regulators "$o/genes.txt" --heldout-targets "$o/heldout.txt" --out "$o/$method.json" 2>/dev/null
    /usr/bin/python3 - "$o/$method.json" "$k" "$method" "$secs" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]}\t{sys.argv[3]}\t{m['auprc']:.4f}\t{m['auprc_ratio']:.2f}\t{m['auroc']:.4f}\t{m['early_precision_ratio']:.2f}\t{float(sys.argv[4]):.1f}")
PY
  done
done
