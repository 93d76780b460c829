#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for trying `grnfast slurm submit` and for CI.
#
#   scripts/slurm/local-cluster.sh up       install (Debian: slurm-wlm, munge) if missing, write a minimal
#                                           slurm.conf, start munged, slurmctld and slurmd, wait for the node
#   scripts/slurm/local-cluster.sh down     stop the daemons `up` started
#   scripts/slurm/local-cluster.sh status   sinfo and squeue
#   scripts/slurm/local-cluster.sh running  exit status 0 when its slurmctld and slurmd are running
#   export SLURM_CONF=$(scripts/slurm/local-cluster.sh conf)   point sbatch/squeue/sinfo at it
#
# Needs root (the daemons run as root, munged as the munge user) and no systemd: the daemons are started
# directly. The cluster: one node (this machine, its CPUs and memory from `slurmd -C`), one partition
# `local`, no accounting (so no sacct: poll squeue/scontrol), no cgroups (proctrack/linuxproc). Its files live
# in $GRNFAST_SLURM_DIR (default /tmp/grnfast-slurm); it listens on ports 16817/16818
# ($GRNFAST_SLURM_PORT, $GRNFAST_SLURM_PORT+1), not Slurm's defaults, so it never clashes with a real Slurm.
# Each `up` starts from a clean state (slurmctld -c): no job survives a restart.
#
# To try your own settings, edit $GRNFAST_SLURM_DIR/slurm.conf after `up`, then `down` and
# GRNFAST_SLURM_KEEP_CONF=1 scripts/slurm/local-cluster.sh up (it keeps the file).
set -euo pipefail

dir=${GRNFAST_SLURM_DIR:-/tmp/grnfast-slurm}
port=${GRNFAST_SLURM_PORT:-16817}
conf=$dir/slurm.conf

die() { echo "local-cluster: $*" >&2; exit 1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_packages() {
  local missing=()
  command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 && command -v sbatch >/dev/null 2>&1 || missing+=(slurm-wlm)
  command -v munged >/dev/null 2>&1 || missing+=(munge)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}; install them (sudo apt-get install ${missing[*]}) or run as root"
  echo "local-cluster: installing ${missing[*]}" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") >&2 \
    || die "apt-get install ${missing[*]} failed"
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi   # a munged is already running
  [ -s /etc/munge/munge.key ] || runuser -u munge -- mungekey --create >&2 || die "cannot create /etc/munge/munge.key"
  mkdir -p /run/munge && chown munge:munge /run/munge && chmod 755 /run/munge
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid || die "munged did not start (see /var/log/munge/munged.log)"
  cp /run/munge/munged.pid "$dir/munged.pid"
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "munged started but munge/unmunge fail (see /var/log/munge/munged.log)"
}

write_conf() {
  local node host
  node=$(slurmd -C | head -1)                       # NodeName=host CPUs=... RealMemory=...
  host=${node#NodeName=}; host=${host%% *}
  cat > "$conf" <<CONF
# Written by scripts/slurm/local-cluster.sh: a single-node cluster for testing grnfast slurm submit.
ClusterName=grnfast-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
$node State=UNKNOWN NodeAddr=127.0.0.1
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
}

up() {
  [ "$(id -u)" = 0 ] || die "needs root: it starts slurmctld and slurmd as root and munged as the munge user"
  install_packages
  mkdir -p "$dir/state" "$dir/spool"
  if alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid"; then
    echo "local-cluster: already up ($conf)" >&2
  else
    down quiet
    [ "${GRNFAST_SLURM_KEEP_CONF:-}" = 1 ] && [ -f "$conf" ] || write_conf
    start_munge
    slurmctld -c -f "$conf" || die "slurmctld did not start: $(tail -5 "$dir/slurmctld.log" 2>/dev/null)"
    slurmd -c -f "$conf" || die "slurmd did not start: $(tail -5 "$dir/slurmd.log" 2>/dev/null)"
  fi
  export SLURM_CONF=$conf
  local state=""
  for _ in $(seq 60); do
    state=$(sinfo -h -o %T 2>/dev/null | head -1 || true)
    case $state in
      idle|mixed|allocated) echo "local-cluster: up: node $state, partition local ($conf)" >&2; return 0 ;;
      down*|drain*) scontrol update nodename=ALL state=resume >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
  done
  echo "local-cluster: the node did not become idle (state '${state:-no answer}'); slurmctld.log and slurmd.log:" >&2
  tail -20 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
  exit 1
}

down() {
  local name
  for name in slurmd slurmctld munged; do
    if alive "$dir/$name.pid"; then
      kill "$(cat "$dir/$name.pid")" 2>/dev/null || true
      for _ in $(seq 50); do alive "$dir/$name.pid" || break; sleep 0.1; done
    fi
    rm -f "$dir/$name.pid"
  done
  [ "${1:-}" = quiet ] || echo "local-cluster: down" >&2
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) export SLURM_CONF=$conf; sinfo; squeue ;;
  running) alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid" ;;
  conf) echo "$conf" ;;
  *) echo "usage: $0 up|down|status|running|conf" >&2; exit 2 ;;
esac
