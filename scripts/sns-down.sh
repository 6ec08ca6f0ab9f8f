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
if [ -d "$DIR" ]; then
  # The server keeps everything in memory and exits at once on TERM.
  stop_pidfile sns-server "$DIR/sns.pid" "$AWSC_REPO/scripts/sns/sns-server.mjs" 5 || true
fi
if [ "$PURGE" = 1 ]; then
  rm -rf "$DIR" "$AWSC_REPO/scripts/sns/node_modules"
  echo "sns-down: removed $DIR and scripts/sns/node_modules" >&2
fi
