#!/usr/bin/env bash
# scripts/sns-up.sh - start the local SNS server for awsc's end-to-end tests:
# fauxqs (npm) behind scripts/sns/sns-server.mjs, which listens on 127.0.0.1
# only and checks SigV4 with the same test keys as the S3 server.
#
# Idempotent: runs `npm ci` in scripts/sns only when its node_modules lacks the
# pinned fauxqs or Node.js (package.json pins both; the npm package "node"
# brings a Node 22 binary, since fauxqs needs node:sqlite from Node >= 22.5
# and many machines have an older node), starts the server unless it already
# runs, waits until /health answers.
#
# Env:
#   AWSC_SNS_DIR   state dir: pid file, log (default $AWSC_SERVERS_DIR/sns, i.e. .servers/sns)
#   AWSC_SNS_PORT  port (default 4566)
# Prints KEY=VALUE lines at the end (SNS_ENDPOINT=..., keys, SNS_STARTED=yes
# if this run started the server). Stop: scripts/sns-down.sh.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

APPDIR=$AWSC_REPO/scripts/sns
SERVER=$APPDIR/sns-server.mjs
NODE=$APPDIR/node_modules/.bin/node
DIR=${AWSC_SNS_DIR:-$AWSC_SERVERS_DIR/sns}
PORT=${AWSC_SNS_PORT:-4566}
PIDF=$DIR/sns.pid

log() { echo "sns-up: $*" >&2; }

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
PIDF=$DIR/sns.pid

# ---- install (only when missing) ----------------------------------------------
want_version() { # package -> version pinned in package.json
  sed -n "s/^ *\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" "$APPDIR/package.json" | head -1
}
installed() {
  [ "$("$NODE" --version 2>/dev/null)" = "v$(want_version node)" ] &&
    grep -q "\"version\": *\"$(want_version fauxqs)\"" "$APPDIR/node_modules/fauxqs/package.json" 2>/dev/null
}
if ! installed; then
  command -v npm >/dev/null || { log "npm not found: run scripts/deps.sh"; exit 1; }
  log "installing fauxqs $(want_version fauxqs) and Node.js $(want_version node) into $APPDIR/node_modules (npm, ~230 MB)"
  # npm ci installs exactly what package-lock.json lists; without a lock
  # file (someone deleted it to update) npm install writes a new one.
  if [ -f "$APPDIR/package-lock.json" ]; then cmd=ci; else cmd=install; fi
  # The system node may be older than fauxqs's "engines" (it only runs npm):
  # npm warns about that (EBADENGINE), which is expected.
  (cd "$APPDIR" && npm "$cmd" --no-audit --no-fund --no-update-notifier --loglevel=error >&2)
  installed || { log "npm $cmd did not produce the pinned versions (see above)"; exit 1; }
fi

# ---- start --------------------------------------------------------------------
health() { [ "$(curl -s --max-time 2 "http://127.0.0.1:$PORT/health")" = '{"status":"ok"}' ]; }
STARTED=no
# The state dir on the command line tells this instance from others started
# from the same checkout with other dirs and ports (sns-down.sh checks it).
NEEDLE="$SERVER --state-dir=$DIR"
if ! pid_is_ours "$PIDF" "$NEEDLE" >/dev/null; then
  if port_in_use "$PORT"; then log "port $PORT is in use by another program"; exit 1; fi
  keys=
  for u in "${AWSC_TEST_USERS[@]}"; do
    IFS='|' read -r _ _ ak sk <<<"$u"
    keys+=${keys:+,}$ak:$sk
  done
  # node:sqlite is still "experimental" in Node 22 and says so at every
  # start; the warning is noise in the log.
  SNS_PORT=$PORT SNS_KEYS=$keys nohup "$NODE" --disable-warning=ExperimentalWarning "$SERVER" --state-dir="$DIR" \
    >>"$DIR/sns.log" 2>&1 </dev/null &
  echo $! >"$PIDF"
  STARTED=yes
  log "started (pid $!, log $DIR/sns.log)"
fi
end=$((SECONDS + 30))
until health; do
  if ! pid_is_ours "$PIDF" "$NEEDLE" >/dev/null; then
    log "the server exited; the end of $DIR/sns.log:"
    tail -n 20 "$DIR/sns.log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$end" ]; then
    log "no answer on port $PORT after 30 s; stopping it"
    [ "$STARTED" = no ] || bash "$AWSC_REPO/scripts/sns-down.sh"
    exit 1
  fi
  sleep 0.1
done

IFS='|' read -r _ _ AK1 SK1 <<<"${AWSC_TEST_USERS[0]}"
IFS='|' read -r _ _ AK2 SK2 <<<"${AWSC_TEST_USERS[1]}"
cat <<OUT
SNS_DIR=$DIR
SNS_STARTED=$STARTED
SNS_ENDPOINT=http://127.0.0.1:$PORT
SNS_SMS_LIST=http://127.0.0.1:$PORT/_sns/sms
AWS_REGION=us-east-1
AWS_ACCESS_KEY_ID=$AK1
AWS_SECRET_ACCESS_KEY=$SK1
AWS_ACCESS_KEY_ID_2=$AK2
AWS_SECRET_ACCESS_KEY_2=$SK2
OUT
