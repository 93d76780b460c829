#!/usr/bin/env bash
# End-to-end test of grnfast on a Slurm cluster: a 4-shard job array plus the merge job, compared byte for byte
# with an unsharded run, then the fault test: one shard SIGKILLed while writing its part, the merge refusing the
# run, a re-submission that runs only that shard, and again the unsharded bytes.
#
#   scripts/slurm/end-to-end.sh [--work DIR] [grnfast slurm submit options, e.g. --partition short --time 10]
#
# Runs against whatever Slurm sbatch/squeue reach: the local test cluster (scripts/slurm/local-cluster.sh up,
# then SLURM_CONF=$(scripts/slurm/local-cluster.sh conf)) or your own cluster, to check your settings. On a real
# cluster, --work and this repository (grnfast's build in artifacts/) must be on a file system the compute
# nodes share. Needs nothing but Slurm's client commands and grnfast; about a minute on the local cluster.
# Prints "slurm end-to-end: passed" and exits 0, or names the step that failed and exits 1.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
grnfast=$root/grnfast

work=""
if [ "${1:-}" = --work ]; then work=$2; shift 2; fi
[ -n "$work" ] || work=$(mktemp -d /tmp/grnfast-slurm-e2e.XXXXXX)
mkdir -p "$work"
work=$(cd "$work" && pwd)
submit_options=("$@")

fail() { echo "slurm end-to-end: FAILED: $*" >&2; echo "slurm end-to-end: files in $work" >&2; exit 1; }
step() { echo "slurm end-to-end: $*" >&2; }

command -v sbatch >/dev/null && command -v squeue >/dev/null && command -v scancel >/dev/null \
  || fail "sbatch, squeue or scancel not found (scripts/slurm/local-cluster.sh up installs and starts a local Slurm)"
sinfo -h >/dev/null 2>&1 || fail "sinfo gets no answer from slurmctld (is SLURM_CONF set? scripts/slurm/local-cluster.sh conf)"

# Waits until none of the jobs is queued or running (array tasks included); at most $2 seconds.
wait_gone() {
  local jobs=$1 limit=$2 waited=0
  while [ -n "$(squeue -h -j "$jobs" -o %i 2>/dev/null)" ]; do
    [ "$waited" -lt "$limit" ] || fail "jobs $jobs still queued or running after ${limit}s: $(squeue -j "$jobs" 2>&1)"
    sleep 1; waited=$((waited + 1))
  done
}

job_state() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }

# Data: the DREAM4 in-silico network 1 knockouts shipped with grnfast (100 x 100), every gene a regulator,
# its gold standard as a soft prior so candidate counts differ between targets.
expression=$root/src/Host/DemoData/insilico_size100_1_knockouts.tsv
prior=$root/src/Host/DemoData/DREAM4_GoldStandard_InSilico_Size100_1.tsv
seq -f 'G%g' 1 100 > "$work/regulators.txt"
infer=(--expression "$expression" --regulators "$work/regulators.txt" --prior "$prior" --prior-mode weight --path 30)

step "unsharded run"
"$grnfast" infer "${infer[@]}" --out "$work/unsharded.tsv" 2> "$work/unsharded.log" || fail "unsharded infer: $(cat "$work/unsharded.log")"

# 1. Four shards and the merge.
step "submitting 4 shards and the merge"
"$grnfast" slurm submit "${infer[@]}" --shards 4 --out "$work/net.tsv" "${submit_options[@]}" > "$work/submit1.out" 2> "$work/submit1.log" \
  || fail "slurm submit: $(cat "$work/submit1.log")"
array=$(awk '/^array job:/ {print $3}' "$work/submit1.out")
merge=$(awk '/^merge job:/ {print $3}' "$work/submit1.out")
[ -n "$array" ] && [ -n "$merge" ] || fail "slurm submit printed no job ids: $(cat "$work/submit1.out")"
grep -q '(shards 1-4 of 4)' "$work/submit1.out" || fail "expected shards 1-4 to run: $(cat "$work/submit1.out")"

step "submitting again while jobs $array and $merge are queued: must be refused"
if "$grnfast" slurm submit "${infer[@]}" --shards 4 --out "$work/net.tsv" "${submit_options[@]}" > /dev/null 2> "$work/submit-busy.log"; then
  # The jobs may have finished in the meantime: only a refusal or an empty queue is right.
  [ -z "$(squeue -h -j "$array,$merge" -o %i)" ] || fail "a second submit was accepted while jobs ran"
else
  grep -q "still queued or running" "$work/submit-busy.log" || fail "second submit failed for another reason: $(cat "$work/submit-busy.log")"
fi

wait_gone "$array,$merge" 300
[ "$(job_state "$merge")" = COMPLETED ] || fail "merge job $merge ended $(job_state "$merge"): $(cat "$work"/net.tsv.shards/slurm/logs/merge-job-"$merge".log 2>/dev/null)"
cmp "$work/unsharded.tsv" "$work/net.tsv" || fail "4-shard network differs from the unsharded one"
step "4 shards + merge: identical to the unsharded network ($(($(wc -l < "$work/net.tsv") - 1)) edges)"

step "submitting again with every shard complete: only the merge runs"
rm "$work/net.tsv"
"$grnfast" slurm submit "${infer[@]}" --shards 4 --out "$work/net.tsv" "${submit_options[@]}" > "$work/submit2.out" 2> "$work/submit2.log" \
  || fail "re-submit: $(cat "$work/submit2.log")"
! grep -q '^array job:' "$work/submit2.out" || fail "re-submit ran shards again: $(cat "$work/submit2.out")"
merge=$(awk '/^merge job:/ {print $3}' "$work/submit2.out")
wait_gone "$merge" 120
cmp "$work/unsharded.tsv" "$work/net.tsv" || fail "merge-only re-submit differs from the unsharded network"

# 2. Fault: shard 2 of a new run stalls half way through writing its part (test hook) and is SIGKILLed.
step "fault test: shard 2 killed (SIGKILL) while writing"
faulty=$work/faulty.shards
GRNFAST_TEST_STALL_SHARD_WRITE=2 "$grnfast" slurm submit "${infer[@]}" --shards 4 --out "$work/faulty.tsv" --shard-dir "$faulty" \
  "${submit_options[@]}" > "$work/submit3.out" 2> "$work/submit3.log" || fail "slurm submit (fault): $(cat "$work/submit3.log")"
array=$(awk '/^array job:/ {print $3}' "$work/submit3.out")
merge=$(awk '/^merge job:/ {print $3}' "$work/submit3.out")
for waited in $(seq 300); do
  grep -qs "stalled writing" "$faulty"/slurm/logs/shard-2-job-"$array".log && break
  [ "$waited" -lt 300 ] || fail "shard 2 never reached its stall point: $(cat "$faulty"/slurm/logs/shard-2-job-"$array".log 2>/dev/null)"
  sleep 1
done
compgen -G "$faulty/.shard-0002-of-0004.tsv.*.tmp" > /dev/null || fail "no partial temporary file of shard 2 while it was writing"
[ ! -e "$faulty/shard-0002-of-0004.json" ] && [ ! -e "$faulty/shard-0002-of-0004.tsv" ] || fail "shard 2 has a part or manifest before it finished"
scancel --full --signal=KILL "${array}_2" || fail "scancel --signal=KILL ${array}_2"
wait_gone "$array" 120
# The failed task makes afterok unsatisfiable: the merge is cancelled (--kill-on-invalid-dep), never run.
wait_gone "$merge" 60
[ ! -e "$work/faulty.tsv" ] || fail "the merge ran although shard 2 was killed"
compgen -G "$faulty/.shard-0002-of-0004.tsv.*.tmp" > /dev/null || fail "the killed shard left no partial file (was it killed mid-write?)"
if "$grnfast" merge "$faulty" --out "$work/faulty.tsv" 2> "$work/merge-fault.log"; then fail "merge accepted a run with a killed shard"; fi
grep -q "shard 2/4: missing" "$work/merge-fault.log" || fail "merge did not name the killed shard: $(cat "$work/merge-fault.log")"
[ ! -e "$work/faulty.tsv" ] || fail "a refused merge wrote output"

step "re-submitting: only shard 2 runs, then the merge"
"$grnfast" slurm submit "${infer[@]}" --shards 4 --out "$work/faulty.tsv" --shard-dir "$faulty" "${submit_options[@]}" \
  > "$work/submit4.out" 2> "$work/submit4.log" || fail "re-submit after the fault: $(cat "$work/submit4.log")"
grep -q '(shards 2 of 4)' "$work/submit4.out" || fail "re-submit should run shard 2 only: $(cat "$work/submit4.out")"
array=$(awk '/^array job:/ {print $3}' "$work/submit4.out")
merge=$(awk '/^merge job:/ {print $3}' "$work/submit4.out")
wait_gone "$array,$merge" 300
cmp "$work/unsharded.tsv" "$work/faulty.tsv" || fail "network after the fault and re-submit differs from the unsharded one"
! compgen -G "$faulty/.shard-0002-of-0004.tsv.*.tmp" > /dev/null || fail "the re-run shard 2 did not remove the killed attempt's partial file"
step "killed shard re-run: identical to the unsharded network; partial files never read"
echo "slurm end-to-end: passed" >&2
