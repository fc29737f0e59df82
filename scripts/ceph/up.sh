#!/usr/bin/env bash
# scripts/ceph/up.sh DATA_DIR
#
# Starts a throwaway single-node Ceph cluster (1 mon, no mgr, 1 OSD) and a RADOS Gateway (S3) on
# 127.0.0.1, everything (config, data, logs, pid files, admin sockets) under DATA_DIR, creates an
# S3 user with random keys and writes DATA_DIR/s3.env. Any earlier cluster in DATA_DIR (running or
# SIGKILLed) is stopped and wiped first (via down.sh). Stop it with scripts/ceph/down.sh DATA_DIR.
#
# Environment:
#   CEPH_RGW_PORT      S3 port (default 7480)
#   CEPH_MON_PORT      mon port, msgr2 only (default 6790, so a system Ceph on 3300/6789 is untouched)
#   CEPH_OBJECTSTORE   bluestore (default) | memstore
#   CEPH_STORE_GB      capacity: bluestore sparse file size (default 20) / memstore cap (default 8)
#   CEPH_UP_TIMEOUT    seconds to wait for the gateway (default 90)
#   CEPH_KEEP_ON_FAILURE=1  leave DATA_DIR and daemons as they are when a step fails
#
# Settings that are not obvious, and why (all checked on Debian radosgw 16.2.15):
# - auth none everywhere: a test cluster on loopback needs no cephx keys (keyring = /dev/null so
#   no keyring in /etc/ceph is ever read). But with auth none, radosgw cannot authenticate to the
#   mon unless `[client] ms mon client mode = crc`: with the default "secure crc" it logs
#   "get_initial_auth_request returned -13" every 3 s and gives up only after client_mount_timeout
#   (300 s) with "failed to fetch mon config".
# - mon warn on insecure global id reclaim allowed = false: the mon otherwise reports HEALTH_WARN
#   about a cephx detail that does not apply with auth none.
# - mon host is msgr2 only (ms bind msgr1 = false) on CEPH_MON_PORT: one port, and not the
#   defaults 3300/6789 a system Ceph would use. OSDs pick ports from 6800 up, on 127.0.0.1 only.
# - paxos propose interval = 0.05, paxos min wait = 0.01: every pool radosgw creates on first start
#   is a paxos round; with the defaults (1 s / 0.05 s) start-up takes 11-15 s instead of 1-5 s.
# - osd pool default size 1 + mon allow pool size one + osd crush chooseleaf type 0: one OSD on one
#   host must be enough for every PG to go active (default size 3 across hosts never does).
# - osd pool default pg num 8 / pg autoscale off: radosgw creates 7 pools; at the default 32 PGs
#   each that is 224 PGs on the one OSD, just under mon_max_pg_per_osd (250), so any extra pool
#   would fail to create; 8 keeps the OSD light. There is no mgr, hence no autoscaler.
# - osd crush initial weight 1: a fixed CRUSH weight instead of the device size in TiB (0.001 for
#   1 GiB), so no CEPH_STORE_GB value can leave the OSD with a ~0 weight and no PGs (precaution).
# - bluestore block path is a file *outside* $osd_data/block: mkfs creates $osd_data/block as a
#   symlink to the block path, so pointing the block path at that very name makes mkfs fail with
#   "(40) Too many levels of symbolic links". The file is sparse (bluestore block create/size), so
#   disk use grows with the data only.
# - Default objectstore bluestore: ready in ~4-5 s here (memstore ~1.2-1.7 s), RAM stays flat
#   (~50 MB OSD RSS idle) whatever is uploaded; memstore holds every object in RAM (~2x).
# - osd memory target 1 GiB: bluestore's cache would otherwise grow to 4 GiB; memstore instead
#   keeps all objects in RAM (~2x the object bytes).
# - mon data avail warn/crit = 2/1 %: the mon shuts itself down when its disk has < 5 % free,
#   which would kill the cluster on a nearly full developer disk.
# - run dir, admin socket, pid file, log file, mon cluster log, crash dir, rgw data and every
#   daemon's data path point into DATA_DIR, so nothing touches /var/lib/ceph, /var/run/ceph,
#   /var/log/ceph or /etc/ceph, and several clusters can coexist (different DATA_DIR and ports).
# - Every step runs under timeout(1): a daemon that cannot talk to the mon blocks *before* it
#   daemonizes for client_mount_timeout (300 s; seen with radosgw without the crc setting above).
# - Daemons are started with stdio on their log files and in their own session (setsid), so a
#   caller that captures this script's output (execFile, pipes) is not kept waiting by them.
#
# Exit codes: 0 ok, 1 a step failed (message + tail of the daemon log on stderr), 2 usage,
# 3 Ceph is not installed (ceph-mon / ceph-osd / radosgw / radosgw-admin / ceph missing).
set -euo pipefail

START=$EPOCHREALTIME
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MARKER=.valet-ceph

[[ $# -eq 1 && -n "$1" ]] || { echo "usage: $0 DATA_DIR" >&2; exit 2; }

for bin in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool; do
  command -v "$bin" >/dev/null 2>&1 || { echo "ceph up: $bin not found: Ceph is not installed (apt-get install ceph-mon ceph-osd radosgw ceph-common)" >&2; exit 3; }
done

DATA_DIR=$(realpath -m -- "$1")
CONF="$DATA_DIR/ceph.conf"
RGW_PORT=${CEPH_RGW_PORT:-7480}
MON_PORT=${CEPH_MON_PORT:-6790}
STORE=${CEPH_OBJECTSTORE:-bluestore}
UP_TIMEOUT=${CEPH_UP_TIMEOUT:-90}
# Bound for each single step: a daemon forks into the background only after it reached the mon, and
# a mon client that cannot authenticate waits client_mount_timeout (300 s) before giving up.
STEP_TIMEOUT=60
case "$STORE" in
  bluestore) STORE_GB=${CEPH_STORE_GB:-20} ;;
  memstore) STORE_GB=${CEPH_STORE_GB:-8} ;;
  *) echo "ceph up: CEPH_OBJECTSTORE must be bluestore or memstore, not '$STORE'" >&2; exit 2 ;;
esac
[[ "$RGW_PORT" =~ ^[0-9]+$ && "$MON_PORT" =~ ^[0-9]+$ && "$STORE_GB" =~ ^[0-9]+$ ]] \
  || { echo "ceph up: CEPH_RGW_PORT, CEPH_MON_PORT and CEPH_STORE_GB must be numbers" >&2; exit 2; }

LOG="$DATA_DIR/log"
RUN="$DATA_DIR/run"

# fail MESSAGE [LOGFILE...]: print the message and the tail of each log, then stop and delete the
# half-started cluster so no daemon is left behind (CEPH_KEEP_ON_FAILURE=1 keeps it to inspect).
fail() {
  local msg=$1 f
  shift
  echo "ceph up: FAILED: $msg" >&2
  for f in "$@"; do
    [[ -s "$f" ]] || continue
    echo "----- last lines of $f -----" >&2
    tail -n 25 "$f" >&2
  done
  if [[ -z "${CEPH_KEEP_ON_FAILURE:-}" ]]; then
    bash "$HERE/down.sh" "$DATA_DIR" >&2 || true
  else
    echo "ceph up: CEPH_KEEP_ON_FAILURE set: leaving $DATA_DIR as it is" >&2
  fi
  exit 1
}

# why EXIT_STATUS: human words for a failed step's exit status
why() { if [[ $1 == 124 ]]; then echo "timed out after ${STEP_TIMEOUT}s"; else echo "exit status $1"; fi; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ceph CLI with a bounded wait (it retries forever when the mon is not there).
cephcli() { timeout "$STEP_TIMEOUT" ceph -c "$CONF" --connect-timeout "$STEP_TIMEOUT" "$@"; }

# ---------------------------------------------------------------- clean up a previous cluster
bash "$HERE/down.sh" "$DATA_DIR" || { echo "ceph up: could not clean $DATA_DIR (see above)" >&2; exit 1; }

for p in "$RGW_PORT" "$MON_PORT"; do
  port_busy "$p" && { echo "ceph up: FAILED: 127.0.0.1:$p is already in use (set CEPH_RGW_PORT / CEPH_MON_PORT)" >&2; exit 1; }
done

mkdir -p "$DATA_DIR"
touch "$DATA_DIR/$MARKER"
mkdir -p "$LOG" "$RUN" "$DATA_DIR/mon" "$DATA_DIR/osd" "$DATA_DIR/rgw" "$DATA_DIR/crash"

FSID=$(cat /proc/sys/kernel/random/uuid)
OSD_UUID=$(cat /proc/sys/kernel/random/uuid)

if [[ "$STORE" == bluestore ]]; then
  STORE_CONF="osd objectstore = bluestore
bluestore block path = $DATA_DIR/osd/bluestore-block.img
bluestore block create = true
bluestore block size = $((STORE_GB * 1024 * 1024 * 1024))
bluestore block db create = false
bluestore block wal create = false
bluestore fsck on mkfs = false
bluestore fsck on mount = false
osd memory target = 1073741824"
else
  STORE_CONF="osd objectstore = memstore
memstore device bytes = $((STORE_GB * 1024 * 1024 * 1024))"
fi

cat >"$CONF" <<EOF
# Generated by scripts/ceph/up.sh for a throwaway test cluster. See the comments in that script.
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = /dev/null
run dir = $RUN
admin socket = $RUN/\$cluster-\$name.asok
pid file = $RUN/\$name.pid
log file = $LOG/\$name.log
log to stderr = false
err to stderr = true
crash dir = $DATA_DIR/crash
mon cluster log file = $LOG/cluster.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
mon allow pool delete = true
osd crush chooseleaf type = 0
paxos propose interval = 0.05
paxos min wait = 0.01

[client]
ms mon client mode = crc
# radosgw-admin and the ceph CLI need no admin socket
admin socket =

[mon]
mon data = $DATA_DIR/mon/\$cluster-\$id
mon initial members = a
mon data avail warn = 2
mon data avail crit = 1

[osd]
osd data = $DATA_DIR/osd/\$cluster-\$id
osd crush initial weight = 1
$STORE_CONF

[client.rgw.a]
admin socket = $RUN/\$cluster-\$name.asok
rgw data = $DATA_DIR/rgw/\$cluster-\$id
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
EOF

# ------------------------------------------------------------------------------------ mon
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$DATA_DIR/monmap" \
  >"$LOG/monmaptool.out" 2>&1 || fail "monmaptool ($(why $?))" "$LOG/monmaptool.out"
timeout "$STEP_TIMEOUT" ceph-mon -c "$CONF" -i a --mkfs --monmap "$DATA_DIR/monmap" \
  </dev/null >"$LOG/mon.a.mkfs.out" 2>&1 || fail "ceph-mon --mkfs ($(why $?))" "$LOG/mon.a.mkfs.out" "$LOG/mon.a.log"
timeout "$STEP_TIMEOUT" setsid ceph-mon -c "$CONF" -i a </dev/null >>"$LOG/mon.a.out" 2>&1 \
  || fail "ceph-mon did not start ($(why $?))" "$LOG/mon.a.out" "$LOG/mon.a.log"

# ------------------------------------------------------------------------------------ osd
OSD_ID=$(cephcli osd new "$OSD_UUID" 2>"$LOG/osd-new.out") \
  || fail "ceph osd new (is the mon up?) ($(why $?))" "$LOG/osd-new.out" "$LOG/mon.a.log"
[[ "$OSD_ID" =~ ^[0-9]+$ ]] || fail "ceph osd new printed '$OSD_ID', not an OSD id" "$LOG/osd-new.out"
mkdir -p "$DATA_DIR/osd/ceph-$OSD_ID"
timeout "$STEP_TIMEOUT" ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" \
  </dev/null >"$LOG/osd.$OSD_ID.mkfs.out" 2>&1 || fail "ceph-osd --mkfs ($(why $?))" "$LOG/osd.$OSD_ID.mkfs.out" "$LOG/osd.$OSD_ID.log"
timeout "$STEP_TIMEOUT" setsid ceph-osd -c "$CONF" -i "$OSD_ID" </dev/null >>"$LOG/osd.$OSD_ID.out" 2>&1 \
  || fail "ceph-osd did not start ($(why $?))" "$LOG/osd.$OSD_ID.out" "$LOG/osd.$OSD_ID.log"

# ------------------------------------------------------------------------------------ rgw
# radosgw creates its pools itself and waits for their PGs, so it can start right away.
timeout "$STEP_TIMEOUT" setsid radosgw -c "$CONF" -n client.rgw.a </dev/null >>"$LOG/client.rgw.a.out" 2>&1 \
  || fail "radosgw did not start ($(why $?))" "$LOG/client.rgw.a.out" "$LOG/client.rgw.a.log"

# Running = exists and is not a zombie (pid 1 may reap the daemonized processes only every ~2 s).
is_running() {
  local st
  st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
  [[ -n "$st" && "$st" != Z && "$st" != X ]]
}

waited=$SECONDS
until curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$RGW_PORT/"; do
  for d in "mon.a" "osd.$OSD_ID" "client.rgw.a"; do
    pid=$(cat "$RUN/$d.pid" 2>/dev/null || true)
    if [[ -z "$pid" ]] || ! is_running "$pid"; then
      # radosgw writes its pid file a moment after it forks; give it that moment.
      [[ -z "$pid" && "$d" == client.rgw.a && $((SECONDS - waited)) -lt 5 ]] && continue
      fail "$d is not running" "$LOG/$d.out" "$LOG/$d.log"
    fi
  done
  ((SECONDS - waited < UP_TIMEOUT)) || fail "radosgw did not answer on 127.0.0.1:$RGW_PORT within ${UP_TIMEOUT}s" \
    "$LOG/osd.$OSD_ID.log" "$LOG/client.rgw.a.log"
  sleep 0.1
done

# ------------------------------------------------------------------------------------ S3 user
ACCESS_KEY=$(od -An -tx1 -N10 /dev/urandom | tr -d ' \n' | tr a-f A-F)
SECRET_KEY=$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
timeout "$STEP_TIMEOUT" radosgw-admin -c "$CONF" user create --uid=valet --display-name="Valet test user" \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >"$LOG/user-create.out" 2>&1 \
  || fail "radosgw-admin user create ($(why $?))" "$LOG/user-create.out"

cat >"$DATA_DIR/s3.env" <<EOF
S3_ENDPOINT=http://127.0.0.1:$RGW_PORT
S3_REGION=us-east-1
S3_ACCESS_KEY_ID=$ACCESS_KEY
S3_SECRET_ACCESS_KEY=$SECRET_KEY
S3_FORCE_PATH_STYLE=true
EOF

ELAPSED=$(awk -v a="$START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo "ceph up: RADOS Gateway (S3, $STORE) listening on http://127.0.0.1:$RGW_PORT, started in ${ELAPSED}s; credentials in $DATA_DIR/s3.env; stop with scripts/ceph/down.sh $DATA_DIR"
