#!/usr/bin/env bash
# scripts/ceph/down.sh DATA_DIR
#
# Stops the throwaway Ceph cluster that scripts/ceph/up.sh started in DATA_DIR (radosgw, then the
# OSD, then the mon: SIGTERM, SIGKILL after CEPH_STOP_GRACE seconds, default 3) and deletes
# DATA_DIR. Safe to run when nothing is running or DATA_DIR does not exist.
#
# Why it works the way it does:
# - Processes are found by the pid files in DATA_DIR/run AND by scanning /proc for ceph processes
#   whose command line names DATA_DIR/ceph.conf: after a SIGKILL or a crash the pid files can be
#   stale (the pid may even belong to another process now) or missing (a daemon killed before it
#   wrote one). Nothing is ever killed by name alone, so clusters in other DATA_DIRs and a system
#   Ceph are left alone.
# - DATA_DIR is only deleted if it is empty or carries the marker file up.sh writes first
#   (.valet-ceph), so a mistyped argument cannot wipe an unrelated directory.
#
# Exit codes: 0 ok, 2 usage / refused, 3 Ceph is not installed (same meaning as in up.sh).
set -euo pipefail

MARKER=.valet-ceph

die() { echo "ceph down: $*" >&2; exit 2; }

[[ $# -eq 1 && -n "$1" ]] || die "usage: $0 DATA_DIR"

for bin in ceph-mon ceph-osd radosgw; do
  command -v "$bin" >/dev/null 2>&1 || { echo "ceph down: $bin not found: Ceph is not installed" >&2; exit 3; }
done

DATA_DIR=$(realpath -m -- "$1")
CONF="$DATA_DIR/ceph.conf"

# A top-level folder (/, /tmp, /home, /work ...) is never a throwaway cluster folder.
[[ "$DATA_DIR" == /*/* ]] || die "refusing to use $DATA_DIR as DATA_DIR (use a subfolder, e.g. /tmp/ceph-test)"

# Pids of ceph processes (daemons, radosgw-admin, the ceph CLI) that run with our ceph.conf.
our_pids() {
  local p comm cmd
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [[ "$p" == "$$" ]] && continue
    comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
    case "$comm" in ceph-mon | ceph-osd | radosgw | radosgw-admin | ceph) ;; *) continue ;; esac
    cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) || continue
    [[ " $cmd " == *" $CONF "* || "$cmd" == *"--conf=$CONF "* ]] && echo "$p"
  done
  return 0
}

# Running = exists and is not a zombie. The daemons are daemonized, so their parent is pid 1, which
# on some machines (containers, microVM inits) reaps zombies only every ~2 s: kill -0 alone would
# make every stop look 2 s slower than it is.
is_running() {
  local st
  st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
  [[ -n "$st" && "$st" != Z && "$st" != X ]]
}

# A pid from a pid file counts only if that process still runs with our ceph.conf.
is_ours() {
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ " $cmd " == *" $CONF "* ]]
}

stop_pids() { # stop_pids LABEL PID...
  local label=$1 p alive deadline
  shift
  [[ $# -gt 0 ]] || return 0
  kill -TERM "$@" 2>/dev/null || true
  deadline=$((SECONDS + ${CEPH_STOP_GRACE:-3}))
  while :; do
    alive=()
    for p in "$@"; do is_running "$p" && alive+=("$p"); done
    [[ ${#alive[@]} -eq 0 ]] && return 0
    ((SECONDS < deadline)) || break
    sleep 0.1
  done
  echo "ceph down: $label did not stop on SIGTERM, sending SIGKILL to ${alive[*]}" >&2
  kill -KILL "${alive[@]}" 2>/dev/null || true
  for _ in $(seq 50); do
    alive=()
    for p in "$@"; do is_running "$p" && alive+=("$p"); done
    [[ ${#alive[@]} -eq 0 ]] && return 0
    sleep 0.1
  done
  echo "ceph down: warning: pids ${alive[*]} still alive after SIGKILL" >&2
}

if [[ -d "$DATA_DIR" ]]; then
  # One after the other: radosgw first, since it waits up to rgw_exit_timeout_secs (120 s) for
  # outstanding RADOS ops if the OSD goes away under it (measured: TERM to radosgw and the OSD
  # together took 121 s); then the OSD (it tells the mon it is going down), then the mon.
  for kind in radosgw ceph-osd ceph-mon; do
    pids=()
    for pf in "$DATA_DIR"/run/*.pid; do
      [[ -f "$pf" ]] || continue
      p=$(tr -dc 0-9 <"$pf" 2>/dev/null || true)
      [[ -n "$p" ]] || continue
      [[ "$(cat "/proc/$p/comm" 2>/dev/null || true)" == "$kind" ]] && is_ours "$p" && pids+=("$p")
    done
    for p in $(our_pids); do
      [[ "$(cat "/proc/$p/comm" 2>/dev/null || true)" == "$kind" ]] && pids+=("$p")
    done
    if [[ ${#pids[@]} -gt 0 ]]; then
      mapfile -t pids < <(printf '%s\n' "${pids[@]}" | sort -un)
      stop_pids "$kind" "${pids[@]}"
    fi
  done
  # Clients (radosgw-admin, ceph CLI) still hanging on to the cluster.
  mapfile -t rest < <(our_pids)
  [[ ${#rest[@]} -gt 0 ]] && stop_pids "ceph clients" "${rest[@]}"

  if [[ -n "$(ls -A "$DATA_DIR")" && ! -e "$DATA_DIR/$MARKER" ]]; then
    die "$DATA_DIR is not empty and was not created by scripts/ceph/up.sh (no $MARKER): not deleting it"
  fi
  rm -rf -- "$DATA_DIR"
fi
exit 0
