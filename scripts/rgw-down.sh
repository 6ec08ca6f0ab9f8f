#!/usr/bin/env bash
# scripts/rgw-down.sh [--purge] - stop the local S3 server started by
# rgw-up.sh: the gateways, then the OSD, then the monitor, each by its pid file and
# only if /proc/PID/cmdline shows it was started with our ceph.conf (a stale
# pid file must not make us kill an unrelated process that reuses the pid).
#
# A clean stop lets the OSD save its in-memory store, and leaves a
# "clean-stop" mark so that the next rgw-up.sh keeps the data. --purge also
# deletes the state dir. Env: AWSC_RGW_DIR, AWSC_SERVERS_DIR (as rgw-up.sh).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PURGE=0
for a in "$@"; do
  case $a in
    --purge) PURGE=1 ;;
    *) echo "usage: rgw-down.sh [--purge]" >&2; exit 2 ;;
  esac
done
DIR=${AWSC_RGW_DIR:-$AWSC_SERVERS_DIR/rgw}
[ -d "$DIR" ] || { echo "rgw-down: nothing to stop ($DIR does not exist)" >&2; exit 0; }
DIR=$(cd "$DIR" && pwd)
CONF=$DIR/ceph.conf
# rgw-up.sh may have put the run dir (pid files, sockets) outside DIR.
RUN=$(sed -n 's/^run dir = //p' "$CONF" 2>/dev/null || true)
RUN=${RUN:-$DIR/run}

# The data is only worth keeping if all daemons were running and each
# stopped on TERM: a daemon that had died on its own, or needed KILL, left
# the OSD store and the monitor out of step. If none was running, whatever
# the previous stop decided still holds.
# The daemons of this cluster: its gateways (one per [client.rgw.*] section),
# the OSD and the monitor.
mapfile -t daemons < <(sed -n 's/^\[\(client\.rgw\.[^]]*\)\]$/\1/p' "$CONF" 2>/dev/null)
daemons+=(osd.0 mon.a)
# A gateway whose OSD or monitor is gone does not exit on TERM (it waits for
# the cluster); the data is lost anyway then, so do not wait long for it.
intact=1
for d in osd.0 mon.a; do pid_is_ours "$RUN/$d.pid" "$CONF" >/dev/null || intact=0; done
secs=30
[ "$intact" = 1 ] || secs=3
stopped=0 notrunning=0
count() { case $1 in 0) stopped=$((stopped + 1)) ;; 2) notrunning=$((notrunning + 1)) ;; esac; }
# The gateways stop in parallel, then the OSD, then the monitor. The OSD
# writes its whole memory store on stop: give it time (a full 1 GiB store
# takes a few seconds) before resorting to KILL.
jobs_=()
for d in "${daemons[@]}"; do
  case $d in client.rgw.*) stop_pidfile "$d" "$RUN/$d.pid" "$CONF" "$secs" & jobs_+=($!) ;; esac
done
for j in "${jobs_[@]}"; do
  rc=0; wait "$j" || rc=$?; count "$rc"
done
for d in osd.0 mon.a; do
  rc=0; stop_pidfile "$d" "$RUN/$d.pid" "$CONF" "$secs" || rc=$?; count "$rc"
done
if [ "$stopped" = ${#daemons[@]} ]; then
  touch "$DIR/clean-stop"
elif [ "$notrunning" != ${#daemons[@]} ]; then
  rm -f "$DIR/clean-stop"
  echo "rgw-down: the cluster was not fully running or did not stop cleanly; the next rgw-up.sh starts from empty data" >&2
fi

if [ "$PURGE" = 1 ]; then
  rm -rf "$DIR"
  case $RUN in "$DIR"/*) ;; *) rm -rf "$RUN" ;; esac
  echo "rgw-down: removed $DIR" >&2
fi
