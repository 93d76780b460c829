#!/usr/bin/env bash
# The grnfast command line as one native executable (NativeAOT; no .NET runtime needed to run it) next to the
# usual JIT build, side by side: start-up (`grnfast info`) and a small `infer` (DREAM4 size-100 knockouts,
# lasso), medians of N runs, and the two networks compared byte for byte. An .h5ad is refused by the native
# build with a message (its HDF5 reader generates code at run time); the JIT build reads it.
#
#   perf/native-cli.sh [N=7]        # publishes artifacts/grnfast-aot/grnfast (a few minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
out=artifacts/grnfast-aot
# -warnaserror: any AOT or trim analysis warning fails the publish.
dotnet publish src/Host -r linux-x64 -c Release --nologo -v q -p:PublishAot=true -p:IlcInstructionSet=native -warnaserror -o "$out" >&2
dotnet build src/Host -c Release --nologo -v q >&2
jit=(dotnet src/Host/bin/Release/net10.0/grnfast.dll)
aot=("$out/grnfast")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
demo=src/Host/DemoData
seq 1 2 100 | sed 's/^/G/' > "$tmp/regulators.txt"

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
timeit() { # runs "$@" N times, prints the median wall seconds
  for _ in $(seq "$runs"); do
    local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN {print e - s}'
  done | median
}

echo "| build | size | start-up (grnfast info) | small infer (DREAM4 100 genes, lasso) |"
echo "|---|---|---|---|"
for build in jit aot; do
  if [ $build = jit ]; then cmd=("${jit[@]}"); size="$(du -ch src/Host/bin/Release/net10.0/*.dll | tail -1 | cut -f1) of assemblies + the .NET runtime"; else cmd=("${aot[@]}"); size=$(du -h "$out/grnfast" | cut -f1); fi
  info=$(timeit "${cmd[@]}" info)
  infer=$(timeit "${cmd[@]}" infer --expression "$demo/insilico_size100_1_knockouts.tsv" --regulators "$tmp/regulators.txt" \
    --method lasso --out "$tmp/$build.tsv")
  echo "| $build | $size | $(awk -v t="$info" 'BEGIN {printf "%.0f", t * 1000}') ms | $(awk -v t="$infer" 'BEGIN {printf "%.0f", t * 1000}') ms |"
done
cmp "$tmp/jit.tsv" "$tmp/aot.tsv" && echo "networks: identical ($(wc -l < "$tmp/aot.tsv") lines)"
printf 'G1\nG2\nG3\n' > "$tmp/h5ad-regulators.txt"
h5ad=tests/IO.Arrow.Tests/H5ad/fixtures/infer_csr.h5ad
"${jit[@]}" infer --expression "$h5ad" --regulators "$tmp/h5ad-regulators.txt" --out "$tmp/h5ad.tsv" 2>/dev/null && echo "$h5ad: jit reads it"
if "${aot[@]}" infer --expression "$h5ad" --regulators "$tmp/h5ad-regulators.txt" --out "$tmp/h5ad.tsv" 2>"$tmp/h5ad.log"; then
  echo "$h5ad: aot reads it"
else
  echo "$h5ad: aot refuses: $(tail -1 "$tmp/h5ad.log")"
fi
