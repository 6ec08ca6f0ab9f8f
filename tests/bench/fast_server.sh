# tests/bench/fast_server.sh - sourced (not run) by the bench scripts that
# measure against tests/bench/fast_s3_server: one way to start it on
# 127.0.0.1, wait for its port and stop it, instead of a copy in each.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/fast_server.sh"
#   fast_server_tmp
#   start_fast_server "$bench" "$tmp/server" 1800 || exit 1
#   ep="http://127.0.0.1:$FAST_SERVER_PORT"
#
# start_fast_server runs in the calling shell (not inside $(...)) so that
# the server's pid is kept for stop_fast_servers; it sets FAST_SERVER_PORT.

FAST_SERVER_PIDS=()
FAST_SERVER_PORT=

# fast_server_tmp: a temporary directory in $tmp for the run's files,
# removed on exit after the servers are stopped (an EXIT trap).
fast_server_tmp() {
  tmp=$(mktemp -d)
  trap 'stop_fast_servers; rm -rf "$tmp"' EXIT
}

# start_fast_server BENCH_DIR BASE MAX_SECONDS [server args...]: starts the
# server with its port file at BASE.port and its stderr at BASE.log, waits
# (up to 5 s) for the port and sets FAST_SERVER_PORT; on failure prints why
# (with the server's log) and returns 1.
start_fast_server() {
  local bench=$1 base=$2 secs=$3
  shift 3
  "$bench/fast_s3_server" --port-file "$base.port" --max-seconds "$secs" "$@" \
    >/dev/null 2>"$base.log" &
  FAST_SERVER_PIDS+=($!)
  for _ in $(seq 100); do
    [ -s "$base.port" ] && break
    sleep 0.05
  done
  [ -s "$base.port" ] || {
    echo "$(basename "$0"): fast_s3_server did not start" >&2
    cat "$base.log" >&2
    return 1
  }
  FAST_SERVER_PORT=$(cat "$base.port")
}

# start_busy_if_asked: with BUSY=1 in the environment, a spin loop keeps
# the other core busy for the run (stopped by stop_fast_servers, and by
# itself after 20 minutes). On an otherwise idle virtual machine every
# request's sleep in poll costs each client the same ~26 us more, which
# dilutes a ratio between two clients (docs/performance.md, fourth round).
start_busy_if_asked() {
  [ "${BUSY:-0}" = 1 ] || return 0
  timeout 1200 sh -c 'while :; do :; done' &
  FAST_SERVER_PIDS+=($!)
  echo "== BUSY=1: a spin loop keeps the other core busy (pid $!)"
}

# stop_fast_servers: stops every server start_fast_server started, and
# the spin loop of start_busy_if_asked.
stop_fast_servers() {
  local p
  for p in "${FAST_SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
