#!/usr/bin/env bash
# scripts/sns-down.sh [--purge] - stop the local SNS server started by
# sns-up.sh, by its pid file, and only if /proc/PID/cmdline shows it is still
# our sns-server.mjs (never an unrelated process that reuses the pid).
# --purge also deletes the state dir and scripts/sns/node_modules.
# Env: AWSC_SNS_DIR, AWSC_SERVERS_DIR (as sns-up.sh).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PURGE=0
for a in "$@"; do
  case $a in
    --purge) PURGE=1 ;;
    *) echo "usage: sns-down.sh [--purge]" >&2; exit 2 ;;
  esac
done
DIR=${AWSC_SNS_DIR:-$AWSC_SERVERS_DIR/sns}
APPDIR=$AWSC_REPO/scripts/sns
if [ -d "$DIR" ]; then
  DIR=$(cd "$DIR" && pwd)
  # The server keeps everything in memory and exits at once on TERM.
  stop_pidfile sns-server "$DIR/sns.pid" "$APPDIR/sns-server.mjs --state-dir=$DIR" 5 || true
fi
if [ "$PURGE" = 1 ]; then
  rm -rf "$DIR"
  echo "sns-down: removed $DIR" >&2
  # node_modules serves every instance started from this checkout (other
  # AWSC_SNS_DIR/AWSC_SNS_PORT): keep it while any of them runs.
  if pgrep -f -- "$APPDIR/node_modules/.bin/node" >/dev/null; then
    echo "sns-down: keeping scripts/sns/node_modules: other SNS servers of this checkout still run from it" >&2
  else
    rm -rf "$APPDIR/node_modules"
    echo "sns-down: removed scripts/sns/node_modules" >&2
  fi
fi
