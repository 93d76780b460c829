#!/usr/bin/env bash
# Held-out quality of every method with priors on BEELINE data (issues 5 and 6): lasso, elasticnet, netrex-cf, pmf-grn
# and joint, all with the same two prior sources, scored on the pairs into held-out targets, plus the pmf-grn
# calibration table (precision per quintile of the posterior std of A).
#
# Data (../shared/data, read-only):
#   synthetic + curated: BEELINE dyn-LI, dyn-CY, dyn-BF, dyn-BFC (BoolODE synthetic) and mCAD, VSC (curated Boolean
#     models), 2000 cells, parameter set 0 (5-10 genes each; every gene is a candidate regulator, BEELINE's convention);
#     five held-out splits each (split seeds 1-5), since one split holds out only 1-3 targets.
#   mDC: BEELINE's mouse dendritic-cell scRNA-seq (GENELink's TFs+500 copy: 821 genes x 383 cells, 323 TFs as
#     regulators) against each of its three gold standards (cell-type ChIP, non-specific ChIP, STRING); scored on the
#     gold's own regulators (BEELINE's convention for these gold standards); split seed 1.
#   DREAM4 size 100, networks 1-3 (knockouts + knockdowns, 200 samples), the data and priors of perf/netrex-dream4.sh,
#     so that every method also has a DREAM4 figure measured this way.
# Priors (the same for every method): the gold edges of the 70 % training targets (`prior split --by target
#   --heldout-fraction 0.3`) and a motif-like source (`prior motif --recall 0.5`, 3 candidates per gene on the small
#   networks, 5 on mDC) with the held-out targets' rows removed, so no gold edge into a held-out target is in any prior.
# joint: evidence simulated as in perf/pmf_dream4.py (a random 30 % of the regulator x gene pairs, 0.8 for a gold edge
#   and 0.2 otherwise, 20 % flipped), covering held-out targets too; "evidence alone" scores that file by itself.
# Run length: pmf-grn and joint run PMF_EPOCHS (default 500, not the 4000 default) epochs; lasso and elasticnet on mDC
#   fit only the held-out targets (per-target fits, so the scored pairs are the same bits as a full fit); netrex-cf
#   runs its defaults. Every random step has a fixed seed.
#
# Usage: perf/beeline-methods.sh      Environment: GRNFAST=./grnfast  DATA=/work/shared/data  PMF_EPOCHS=500
#                                     SYNTH_SEEDS="1 2 3 4 5"  ONLY=synthetic|mdc|dream4
# Output: perf/out/beeline-methods/{results.tsv,tables.md} (results-ONLY.tsv, tables-ONLY.md with ONLY) and one
# folder per run.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
GRNFAST=${GRNFAST:-./grnfast}
DATA=${DATA:-/work/shared/data}
PMF_EPOCHS=${PMF_EPOCHS:-500}
SYNTH_SEEDS=${SYNTH_SEEDS:-1 2 3 4 5}
ONLY=${ONLY:-}
PY=/usr/bin/python3
HELP=perf/beeline_methods.py
OUT=perf/out/beeline-methods
mkdir -p "$OUT"
RES="$OUT/results${ONLY:+-$ONLY}.tsv"
printf "dataset\tseed\tmethod\tauprc\tratio\tauroc\tepr\tpairs\tpositives\tseconds\n" > "$RES"
CAL_SYN=()
CAL_MDC=()
CAL_D4=()
GBC=(--genes-by-cells)

# run_one NAME SEED DIR EXPR REGS GOLD EVAL_REGS EXTRA_LASSO...   (priors, evidence and heldout.txt already in DIR)
run_methods() {
  local name=$1 seed=$2 o=$3 expr=$4 regs=$5 gold=$6 evregs=$7; shift 7
  local lasso_extra=("$@")
  local evflag=()
  [[ $evregs != - ]] && evflag=(--regulators "$evregs")
  for method in lasso elasticnet netrex-cf pmf-grn joint; do
    local extra=()
    case $method in
      lasso|elasticnet) extra=("${lasso_extra[@]}") ;;
      netrex-cf) extra=(--seed 1) ;;
      pmf-grn) extra=(--seed 1 --epochs "$PMF_EPOCHS") ;;
      joint) extra=(--seed 1 --epochs "$PMF_EPOCHS" --evidence "$o/evidence.tsv") ;;
    esac
    local start secs
    start=$(date +%s.%N)
    if ! $GRNFAST infer --method $method --expression "$expr" "${GBC[@]}" --regulators "$regs" \
        --prior "$o/split.tsv" --prior "$o/motif.tsv" "${extra[@]}" --out "$o/$method.tsv" 2> "$o/$method.log"; then
      echo "!! $name seed $seed: $method failed (exit $?):" >&2; tail -3 "$o/$method.log" >&2; continue
    fi
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    grep -E "NaN|nan|NumericalFailure" "$o/$method.log" >&2 && echo "!! $name $method: see $o/$method.log" >&2
    $GRNFAST evaluate --network "$o/$method.tsv" --gold "$gold" "${evflag[@]}" --heldout-targets "$o/heldout.txt" \
      --out "$o/$method.json" 2> "$o/$method.eval.log" || { echo "!! evaluate $method failed" >&2; cat "$o/$method.eval.log" >&2; continue; }
    $PY $HELP row "$o/$method.json" "$name" "$seed" "$method" "$secs" | tee -a "$RES"
  done
  $GRNFAST evaluate --network "$o/evidence.tsv" --gold "$gold" "${evflag[@]}" --heldout-targets "$o/heldout.txt" \
    --out "$o/evidence.json" 2> "$o/evidence.eval.log" && $PY $HELP row "$o/evidence.json" "$name" "$seed" "evidence alone" 0 | tee -a "$RES"
}

# make_priors DIR GOLD REGS GENES SEED PER_TARGET [MOTIF_SEED [MOTIF_REGS]]   (MOTIF_REGS - = the gold's regulators)
make_priors() {
  local o=$1 gold=$2 regs=$3 genes=$4 seed=$5 k=$6 mseed=${7:-$(( $5 + 100 ))} mregs=${8:-$3}
  local mflag=()
  [[ $mregs != - ]] && mflag=(--regulators "$mregs")
  $GRNFAST prior split --gold "$gold" --by target --heldout-fraction 0.3 --seed "$seed" \
    --out-prior "$o/split.tsv" --out-heldout "$o/heldout.txt" 2> "$o/prior.log" || { cat "$o/prior.log" >&2; return 1; }
  $GRNFAST prior motif --gold "$gold" "${mflag[@]}" --recall 0.5 --per-target "$k" --seed "$mseed" \
    --out "$o/motif_all.tsv" 2>> "$o/prior.log" || { cat "$o/prior.log" >&2; return 1; }
  awk 'NR==FNR { if ($0 !~ /^#/) h[$1] = 1; next } FNR == 1 || !($2 in h)' "$o/heldout.txt" "$o/motif_all.tsv" > "$o/motif.tsv"
  $PY $HELP evidence "$gold" "$regs" "$genes" $((seed + 200)) "$o/evidence.tsv" 2>> "$o/prior.log"
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), PMF_EPOCHS=$PMF_EPOCHS" >&2
total_start=$(date +%s)

if [[ -z $ONLY || $ONLY == synthetic ]]; then
  for net in Synthetic/dyn-LI/dyn-LI Synthetic/dyn-CY/dyn-CY Synthetic/dyn-BF/dyn-BF Synthetic/dyn-BFC/dyn-BFC \
             Simulated/mCAD/mCAD Simulated/VSC/VSC; do
    dir="$DATA/beeline/${net}_2000_0"
    name=$(basename "$net")
    for seed in $SYNTH_SEEDS; do
      o="$OUT/$name/$seed"; mkdir -p "$o"
      tail -n +2 "$dir/ExpressionData.csv" | cut -d, -f1 > "$o/genes.txt"
      make_priors "$o" "$dir/refNetwork.csv" "$o/genes.txt" "$o/genes.txt" "$seed" 3 || continue
      run_methods "$name" "$seed" "$o" "$dir/ExpressionData.csv" "$o/genes.txt" "$dir/refNetwork.csv" "$o/genes.txt"
      CAL_SYN+=(synthetic+curated "$dir/refNetwork.csv" "$o/genes.txt" "$o/heldout.txt" "$o/pmf-grn.tsv")
    done
  done
fi

if [[ -z $ONLY || $ONLY == mdc ]]; then
  G="$DATA/beeline_scrnaseq_genelink"
  expr="$G/Specific Dataset/mDC/TFs+500/BL--ExpressionData.csv"
  o0="$OUT/mDC"; mkdir -p "$o0"
  for d in "Specific Dataset" "Non-Specific Dataset" "STRING Dataset"; do tail -n +2 "$G/$d/mDC/TFs+500/TF.csv" | cut -d, -f2; done | sort -u > "$o0/tfs.txt"
  tail -n +2 "$expr" | cut -d, -f1 > "$o0/genes.txt"
  for pair in "cell-type-ChIP:Specific Dataset" "nonspecific-ChIP:Non-Specific Dataset" "STRING:STRING Dataset"; do
    name="mDC ${pair%%:*}"; gold="$G/${pair#*:}/mDC/TFs+500/BL--network.csv"
    o="$o0/${pair%%:*}"; mkdir -p "$o"
    make_priors "$o" "$gold" "$o0/tfs.txt" "$o0/genes.txt" 1 5 || continue
    run_methods "$name" 1 "$o" "$expr" "$o0/tfs.txt" "$gold" - --targets "$o/heldout.txt"
    CAL_MDC+=("$name" "$gold" - "$o/heldout.txt" "$o/pmf-grn.tsv")
  done
fi

# DREAM4 size 100, networks 1-3, with this script's protocol and run lengths, so that every method has a DREAM4
# figure measured the same way as on BEELINE. Same data and priors as perf/netrex-dream4.sh (knockouts + knockdowns,
# split seed 1, motif seed 2 over the gold's regulators, 5 candidates per gene); netrex-cf runs with --seed 1 here,
# the default seed 0 there.
if [[ -z $ONLY || $ONLY == dream4 ]]; then
  D4="$DATA/dream4"
  GBC=()
  for k in 1 2 3; do
    dir="$D4/DREAM4_InSilico_Size100/insilico_size100_$k"
    gold="$D4/DREAM4_Challenge2_GoldStandards/Size 100/DREAM4_GoldStandard_InSilico_Size100_$k.tsv"
    o="$OUT/DREAM4/$k"; mkdir -p "$o"
    cut -f1 "$gold" | sort -u > "$o/genes.txt"
    { head -1 "$dir/insilico_size100_${k}_knockouts.tsv"; tail -n +2 "$dir/insilico_size100_${k}_knockouts.tsv"; tail -n +2 "$dir/insilico_size100_${k}_knockdowns.tsv"; } > "$o/expression.tsv"
    make_priors "$o" "$gold" "$o/genes.txt" "$o/genes.txt" 1 5 2 - || continue
    run_methods "DREAM4 net $k" 1 "$o" "$o/expression.tsv" "$o/genes.txt" "$gold" "$o/genes.txt"
    CAL_D4+=("DREAM4 nets 1-3" "$gold" "$o/genes.txt" "$o/heldout.txt" "$o/pmf-grn.tsv")
  done
  GBC=(--genes-by-cells)
fi

{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); total $(( $(date +%s) - total_start )) s; load average at the end $(cut -d' ' -f1-3 /proc/loadavg); PMF_EPOCHS=$PMF_EPOCHS"
  echo
  $PY $HELP summary "$RES"
  echo
  echo "pmf-grn calibration (quintile bins of the posterior std of A)"
  (( ${#CAL_SYN[@]} )) && $PY $HELP calibration "${CAL_SYN[@]}"
  (( ${#CAL_MDC[@]} )) && $PY $HELP calibration "${CAL_MDC[@]}"
  (( ${#CAL_D4[@]} )) && $PY $HELP calibration "${CAL_D4[@]}"
} > "$OUT/tables${ONLY:+-$ONLY}.md"
cat "$OUT/tables${ONLY:+-$ONLY}.md"
