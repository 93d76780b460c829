#!/usr/bin/env bash
# Loading a ~4 GB dense expression matrix from Arrow parts vs reading the same bytes from the page cache.
#
# Usage: perf/arrow-load.sh            (CELLS=50000 GENES=20000 by default: 4.0 GB of float32)
#   1. writes a C-order float32 .npy of CELLS x GENES with Debian's numpy, converts it with
#      ./grnfast convert X.npy X.arrows (a directory of parts, each under the default 1 GiB), deletes the .npy;
#   2. warms the page cache (one cat of the parts), then three times each, reporting the median:
#      (a) cat of the parts to /dev/null (a page-cache read),
#      (b) GrnFast.Perf arrow-load: ExpressionReader.Read (memory-mapped, zero copy) + a sum of every column,
#          with the growth of the process's private memory (RssAnon, Private_Dirty) and of its mapped file pages,
#      (c) the same sum through Apache.Arrow's ArrowStreamReader over a FileStream (copies every body);
#   3. deletes the data (perf/out/arrow-load; KEEP=1 keeps it).
# Needs ~2x the matrix size free on the file system of perf/out while converting.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
CELLS=${CELLS:-50000}
GENES=${GENES:-20000}
OUT=perf/out/arrow-load
BYTES=$((CELLS * GENES * 4))

echo "== machine"
echo "cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== disk"
mkdir -p perf/out
df -h perf/out
avail=$(df -B1 --output=avail perf/out | tail -1)
if [ "$avail" -lt $((BYTES * 2 + (1 << 30))) ]; then
  echo "arrow-load: needs $((BYTES * 2 / 1000000000 + 1)) GB free in perf/out, has $((avail / 1000000000)) GB" >&2
  exit 1
fi
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$OUT"' EXIT; fi
rm -rf "$OUT"
mkdir -p "$OUT"

echo "== build"
dotnet build perf/GrnFast.Perf -c Release --nologo -v q -clp:NoSummary >/dev/null
# Without tiered compilation, as the grnfast command line runs (src/Host: TieredCompilation false): a one-shot load
# is then measured with optimised code from the first call, not tier-0 code waiting for on-stack replacement.
PERF="env DOTNET_TieredCompilation=0 dotnet perf/GrnFast.Perf/bin/Release/net10.0/GrnFast.Perf.dll"
./grnfast --version

echo "== data: $CELLS cells x $GENES genes float32 ($((BYTES / 1000000)) MB)"
$PY - "$OUT/x.npy" "$CELLS" "$GENES" <<'EOF'
import sys
import numpy as np
path, cells, genes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
x = np.lib.format.open_memmap(path, mode="w+", dtype="<f4", shape=(cells, genes))
rng = np.random.default_rng(1)
step = max(1, (64 << 20) // (4 * genes))
for start in range(0, cells, step):
    n = min(step, cells - start)
    # log1p of Poisson counts: single-cell-like, about half zeros
    x[start:start + n] = np.log1p(rng.poisson(0.7, size=(n, genes))).astype("<f4")
x.flush()
EOF
/usr/bin/time -f "convert: %e s wall, max RSS %M KB" ./grnfast convert "$OUT/x.npy" "$OUT/x.arrows"
rm -f "$OUT/x.npy"
ls -l "$OUT/x.arrows" | head -12
du -sb "$OUT/x.arrows"

if [ -d "$OUT/x.arrows" ]; then parts=("$OUT"/x.arrows/*.arrows); else parts=("$OUT/x.arrows"); fi
echo "${#parts[@]} part file(s)"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

echo "== warm the page cache"
cat "${parts[@]}" >/dev/null

echo "== (a) cat of the parts to /dev/null"
cats=()
for i in 1 2 3; do
  t0=$(now); cat "${parts[@]}" >/dev/null; t1=$(now)
  cats+=("$(echo "$t1 - $t0" | bc -l)")
  echo "cat run $i: ${cats[-1]} s"
done
cat_median=$(printf '%s\n' "${cats[@]}" | median)

echo "== (b) GrnFast mapped load + sum of every column"
: >"$OUT/mapped.jsonl"
for i in 1 2 3; do $PERF arrow-load "$OUT/x.arrows" | tee -a "$OUT/mapped.jsonl"; done
echo "== (c) Apache.Arrow FileStream reader + sum of every column"
: >"$OUT/filestream.jsonl"
for i in 1 2 3; do $PERF arrow-load "$OUT/x.arrows" --filestream | tee -a "$OUT/filestream.jsonl"; done

echo "== medians (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
$PY - "$cat_median" "$OUT/mapped.jsonl" "$OUT/filestream.jsonl" <<'EOF'
import json, statistics, sys
cat = float(sys.argv[1])
mapped = [json.loads(l) for l in open(sys.argv[2])]
fs = [json.loads(l) for l in open(sys.argv[3])]
size = mapped[0]["file_bytes"]
m = lambda rows, k: statistics.median(r[k] for r in rows)
print(f"file bytes: {size} ({size / 1e9:.2f} GB)")
print(f"(a) cat, page cache:                {cat:.3f} s ({size / cat / 1e9:.2f} GB/s)")
print(f"(b) mapped: open {m(mapped, 'seconds_open'):.3f} s, open + sum {m(mapped, 'seconds_total'):.3f} s "
      f"({m(mapped, 'seconds_total') / cat:.2f} x cat); private growth RssAnon {m(mapped, 'rss_anon_growth') / 1e6:.1f} MB, "
      f"Private_Dirty {m(mapped, 'private_dirty_growth') / 1e6:.1f} MB = {m(mapped, 'private_growth_percent_of_file'):.2f} % of the file; "
      f"mapped file pages (shared with the page cache) {m(mapped, 'rss_file_growth') / 1e6:.0f} MB")
print(f"(c) FileStream ArrowStreamReader: {m(fs, 'seconds_total'):.3f} s ({m(fs, 'seconds_total') / cat:.2f} x cat)")
EOF
