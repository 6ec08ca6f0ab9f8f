#!/usr/bin/env bash
# scripts/rgw-up.sh - start a local S3 server for awsc's end-to-end tests: a
# throw-away single-node Ceph cluster (1 monitor, 1 OSD keeping its data in
# memory, no manager, no cephx) with a RADOS Gateway that checks SigV4, and a
# second gateway on the same cluster that also serves STS AssumeRole.
# Everything listens on 127.0.0.1 only.
#
# Why two gateways: with "rgw s3 auth use sts" on, RGW answers a wrong
# secret or an unknown key with AccessDenied instead of SignatureDoesNotMatch
# / InvalidAccessKeyId (seen on 16.2.15). The plain gateway keeps AWS's error
# codes for the S3 tests; STS tests use the other port, for AssumeRole and for
# the S3 calls made with the temporary credentials. Both see the same users,
# buckets and roles.
#
# Idempotent: starts only the daemons that are not running and creates the
# test users and the STS role when they are missing. Data survives
# rgw-down.sh + rgw-up.sh (the OSD saves its memory store on a clean stop);
# after an unclean stop (kill -9, reboot, a failed start) the next run starts
# from an empty cluster, because the saved store no longer matches the monitor.
#
# Env:
#   AWSC_RGW_DIR      state dir (default $AWSC_SERVERS_DIR/rgw, i.e. .servers/rgw)
#   AWSC_RGW_PORT     S3 port (default 7480)
#   AWSC_RGW_STS_PORT S3 + STS port (default 7481; "off": no STS gateway)
#   AWSC_RGW_MON_PORT monitor port, msgr2 (default 3300)
#   AWSC_RGW_MEM_MB   size of the in-memory object store in MiB (default 1024)
# Prints KEY=VALUE lines (endpoint, region, keys, role ARN) on stdout at the
# end, and RGW_STARTED=yes if this run started any daemon. Stop: rgw-down.sh.
# Needs the Debian packages ceph-mon ceph-osd radosgw (scripts/deps.sh).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DIR=${AWSC_RGW_DIR:-$AWSC_SERVERS_DIR/rgw}
PORT=${AWSC_RGW_PORT:-7480}
STS_PORT=${AWSC_RGW_STS_PORT:-7481}
MON_PORT=${AWSC_RGW_MON_PORT:-3300}
MEM_MB=${AWSC_RGW_MEM_MB:-1024}
# STS: RGW encrypts session tokens with this key; it must be exactly 16
# characters. A fixed test value: the tokens only ever live in this cluster.
STS_KEY=awsclocalstskey1
ROLE=S3Access

log() { echo "rgw-up: $*" >&2; }

for b in monmaptool ceph-mon ceph-osd radosgw radosgw-admin ceph curl; do
  command -v "$b" >/dev/null || {
    log "'$b' not found: run scripts/deps.sh (Debian packages ceph-mon ceph-osd radosgw curl)"
    exit 1
  }
done

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
CONF=$DIR/ceph.conf
export CEPH_CONF=$CONF
# ceph, radosgw-admin and the daemons find everything through this file; the
# daemons also get it on their command line, which is how rgw-down.sh
# recognises them in /proc/PID/cmdline.
CEPH=(ceph --connect-timeout 10)

# Unix sockets (the admin sockets in run/) have a 107-byte path limit. A
# deep checkout would break them, so fall back to a short per-user run dir.
RUN=$DIR/run
if [ $((${#RUN} + 24)) -gt 107 ]; then # 24: "/client.rgw.a.asok" and some
  RUN=${TMPDIR:-/tmp}/awsc-rgw-$(id -u)-$(printf %s "$DIR" | md5sum | cut -c1-8)
fi
mkdir -p "$RUN" "$DIR/log" "$DIR/mon" "$DIR/osd"

alive() { pid_is_ours "$RUN/$1.pid" "$CONF" >/dev/null; }
# Gateways: name and port. radosgw's instance names are client.rgw.*.
GATEWAYS=("client.rgw.a|$PORT")
[ "$STS_PORT" = off ] || GATEWAYS+=("client.rgw.sts|$STS_PORT")
any_alive() {
  local d
  for d in mon.a osd.0 client.rgw.a client.rgw.sts; do alive "$d" && return 0; done
  return 1
}

write_conf() { # FSID
  cat <<CONF
# Written by scripts/rgw-up.sh on every start while no daemon runs: edit the
# script, not this file.
[global]
fsid = $1
mon host = v2:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
# No cephx: a local test cluster on loopback has nothing to protect, and
# without keyrings nothing needs to be created or copied.
auth cluster required = none
auth service required = none
auth client required = none
# REQUIRED with cephx off: msgr2's default "secure" mode needs cephx, and
# radosgw then never logs in to the monitor ("get_initial_auth_request
# returned -13") and hangs at start.
ms mon client mode = crc
# Clients give up after 30 s instead of 300 s when the monitor is unreachable.
client mount timeout = 30
# Keep every file of the cluster under one directory.
run dir = $RUN
pid file = $RUN/\$name.pid
admin socket = $RUN/\$name.asok
log file = $DIR/log/\$name.log
mon data = $DIR/mon/\$id
osd data = $DIR/osd/\$id
crash dir = $DIR/log
# One OSD holding its objects in memory (fast, nothing on disk while running).
osd objectstore = memstore
# REQUIRED for restarts: the default fast shutdown skips saving the memstore,
# and after a restart the pools are gone and radosgw hangs at start.
osd fast shutdown = false
memstore device bytes = $((MEM_MB * 1024 * 1024))
# A single OSD must be allowed to hold every replica of every pool.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
# Do not refuse to start on a nearly full disk.
mon data avail warn = 1
mon data avail crit = 0
# Each monitor command otherwise waits ~1 s for a paxos round; radosgw's
# first start issues about 8 of them (answering after 8 s instead of 1 s).
paxos propose interval = 0.05
paxos min wait = 0.01

[client.rgw.a]
# tcp_nodelay=1: without it every response with a body waits ~40 ms
# (Nagle + delayed ACK).
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
# Virtual-hosted style for Host: BUCKET.localhost (path style keeps working).
rgw dns name = localhost
rgw thread pool size = 64
rgw enable usage log = false
rgw dynamic resharding = false
# Server-side encryption over plain HTTP (local tests only): SSE-C without
# TLS, and SSE-KMS with RGW's built-in "testing" key store (key id
# awsc-test-key; fixed, fake key material).
rgw crypt require ssl = false
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = awsc-test-key=YXdzYy10ZXN0LWtleS0zMi1ieXRlcy1mYWtlLTAwMDA=
CONF
  [ "$STS_PORT" = off ] || cat <<CONF

# Same as client.rgw.a plus STS AssumeRole (see the top of rgw-up.sh for why
# this is a gateway of its own).
[client.rgw.sts]
rgw frontends = beast endpoint=127.0.0.1:$STS_PORT tcp_nodelay=1
rgw dns name = localhost
rgw thread pool size = 64
rgw enable usage log = false
rgw dynamic resharding = false
rgw s3 auth use sts = true
rgw sts key = $STS_KEY
CONF
}

# ---- config and a clean slate when needed ----------------------------------
if ! any_alive; then
  FSID=$(sed -n 's/^fsid = //p' "$CONF" 2>/dev/null || true)
  fresh=0
  if [ -z "$FSID" ]; then
    fresh=1
  elif [ -d "$DIR/mon/a/store.db" ]; then
    if [ ! -e "$DIR/clean-stop" ]; then
      log "the cluster in $DIR was not stopped by rgw-down.sh: starting from empty data"
      fresh=1
    elif [ ! -s "$DIR/osd/0/whoami" ]; then
      log "monitor data without OSD data in $DIR: starting from empty data"
      fresh=1
    elif ! grep -qx "mon host = v2:127.0.0.1:$MON_PORT" "$CONF"; then
      # the monitor's address is baked into its store
      log "monitor port changed to $MON_PORT: starting from empty data"
      fresh=1
    fi
  fi
  if [ "$fresh" = 1 ]; then
    FSID=$(cat /proc/sys/kernel/random/uuid)
    rm -rf "$DIR/mon/a" "$DIR/osd/0" "$DIR/monmap" "$DIR/provisioned" "${RUN:?}"/*
  fi
  write_conf "$FSID" >"$CONF.tmp" && mv "$CONF.tmp" "$CONF"
else
  # Something runs already: keep its config and use its real ports.
  MON_PORT=$(sed -n 's/^mon host = v2:127.0.0.1:\([0-9]*\)$/\1/p' "$CONF")
  mapfile -t ports < <(sed -n 's/^rgw frontends = beast endpoint=127.0.0.1:\([0-9]*\).*/\1/p' "$CONF")
  want="$PORT $STS_PORT"
  PORT=${ports[0]}
  STS_PORT=${ports[1]:-off}
  [ "$want" = "$PORT $STS_PORT" ] ||
    log "already running with ports $PORT $STS_PORT, not $want (run rgw-down.sh to change them)"
  GATEWAYS=("client.rgw.a|$PORT")
  [ "$STS_PORT" = off ] || GATEWAYS+=("client.rgw.sts|$STS_PORT")
fi
rm -f "$DIR/clean-stop"

# If this run fails after starting daemons, stop those again: a half-started
# cluster would otherwise hold the ports, and its data is not worth keeping
# (there is no clean-stop mark, so the next run starts fresh).
STARTED=()
on_exit() {
  local rc=$?
  if [ "$rc" != 0 ] && [ ${#STARTED[@]} -gt 0 ]; then
    log "start failed (logs in $DIR/log); stopping what this run started: ${STARTED[*]}"
    for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
      stop_pidfile "${STARTED[i]}" "$RUN/${STARTED[i]}.pid" "$CONF" || true
    done
  fi
}
trap on_exit EXIT

answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/"; }
osd_up() { "${CEPH[@]}" osd dump 2>/dev/null | grep -q '^osd\.0 up '; }
# Every ceph/radosgw-admin call costs ~0.3 s of start-up, so when the whole
# cluster already runs and answers, skip the monitor and OSD checks.
ALL_UP=1
for d in mon.a osd.0; do alive "$d" || ALL_UP=0; done
for g in "${GATEWAYS[@]}"; do
  IFS='|' read -r name port <<<"$g"
  { alive "$name" && answers "$port"; } || ALL_UP=0
done

# Fail before starting anything if another program holds a port we need.
for g in "mon.a|$MON_PORT" "${GATEWAYS[@]}"; do
  IFS='|' read -r name port <<<"$g"
  if ! alive "$name" && port_in_use "$port"; then
    log "port $port (for $name) is in use by another program"
    exit 1
  fi
done

# ---- monitor -----------------------------------------------------------------
if ! alive mon.a; then
  if [ ! -d "$DIR/mon/a/store.db" ]; then
    FSID=$(sed -n 's/^fsid = //p' "$CONF")
    monmaptool --create --clobber --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
    ceph-mon -c "$CONF" -i a --mkfs --monmap "$DIR/monmap"
  fi
  ceph-mon -c "$CONF" -i a # forks into the background, writes run/mon.a.pid
  STARTED+=(mon.a)
  log "monitor started"
fi
[ "$ALL_UP" = 1 ] || wait_until 30 "the monitor" "${CEPH[@]}" mon stat

# ---- OSD ---------------------------------------------------------------------
if ! alive osd.0; then
  if [ ! -s "$DIR/osd/0/whoami" ]; then
    uuid=$(cat /proc/sys/kernel/random/uuid)
    id=$("${CEPH[@]}" osd new "$uuid")
    [ "$id" = 0 ] || { log "expected OSD id 0, the monitor gave '$id'; run rgw-down.sh --purge"; exit 1; }
    mkdir -p "$DIR/osd/0"
    ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$uuid" 2>>"$DIR/log/osd-start.err" ||
      { log "ceph-osd --mkfs failed, see $DIR/log/osd-start.err"; exit 1; }
  fi
  # stderr says "Falling back to public interface": harmless with one address
  ceph-osd -c "$CONF" -i 0 2>>"$DIR/log/osd-start.err" ||
    { log "ceph-osd failed, see $DIR/log/osd-start.err"; exit 1; }
  STARTED+=(osd.0)
  log "OSD started"
fi
[ "$ALL_UP" = 1 ] || wait_until 60 "osd.0 up" osd_up

# ---- gateways ----------------------------------------------------------------
for g in "${GATEWAYS[@]}"; do
  IFS='|' read -r name port <<<"$g"
  if ! alive "$name"; then
    radosgw -c "$CONF" -n "$name" # forks, writes run/NAME.pid
    STARTED+=("$name")
    log "radosgw $name started"
  fi
done
# Both gateways start in parallel; the first one creates the pools.
for g in "${GATEWAYS[@]}"; do
  IFS='|' read -r name port <<<"$g"
  wait_until 60 "$name on port $port" answers "$port"
done

# ---- test users and the STS role ----------------------------------------------
# Done once per cluster (the mark goes when rgw-up.sh starts from empty data).
if [ ! -e "$DIR/provisioned" ]; then
  for u in "${AWSC_TEST_USERS[@]}"; do
    IFS='|' read -r uid name ak sk <<<"$u"
    if ! radosgw-admin user info --uid="$uid" >/dev/null 2>&1; then
      radosgw-admin user create --uid="$uid" --display-name="$name" \
        --access-key="$ak" --secret-key="$sk" >/dev/null
      log "created user $uid"
    fi
  done
  # testuser1 may assume the role S3Access, which may do anything in S3.
  if ! radosgw-admin role get --role-name="$ROLE" >/dev/null 2>&1; then
    radosgw-admin caps add --uid=testuser1 --caps="roles=*" >/dev/null
    radosgw-admin role create --role-name="$ROLE" --path=/ \
      --assume-role-policy-doc='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/testuser1"]},"Action":["sts:AssumeRole"]}]}' >/dev/null
    radosgw-admin role-policy put --role-name="$ROLE" --policy-name=Policy1 \
      --policy-doc='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":"arn:aws:s3:::*"}]}' >/dev/null
    log "created role $ROLE"
  fi
  touch "$DIR/provisioned"
fi

IFS='|' read -r _ _ AK1 SK1 <<<"${AWSC_TEST_USERS[0]}"
IFS='|' read -r _ _ AK2 SK2 <<<"${AWSC_TEST_USERS[1]}"
cat <<OUT
RGW_DIR=$DIR
RGW_STARTED=$([ ${#STARTED[@]} -gt 0 ] && echo yes || echo no)
S3_ENDPOINT=http://127.0.0.1:$PORT
OUT
[ "$STS_PORT" = off ] || cat <<OUT
STS_ENDPOINT=http://127.0.0.1:$STS_PORT
STS_ROLE_ARN=arn:aws:iam:::role/$ROLE
OUT
cat <<OUT
AWS_REGION=us-east-1
AWS_ACCESS_KEY_ID=$AK1
AWS_SECRET_ACCESS_KEY=$SK1
AWS_ACCESS_KEY_ID_2=$AK2
AWS_SECRET_ACCESS_KEY_2=$SK2
OUT
