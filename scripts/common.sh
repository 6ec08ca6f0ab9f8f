# shellcheck shell=bash
# scripts/common.sh - helpers shared by the set-up and server scripts (sourced, not run).
#
# Everything the scripts start is tracked by a pid file, and a pid is only ever
# signalled after /proc/PID/cmdline shows it is still the process we started:
# a pid file left over from a reboot may name an unrelated process by now.

AWSC_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Runtime state of the local servers (configs, data, logs, pid files). The
# default lives in the repo (gitignored) so that one clone's servers never
# touch another's; AWSC_SERVERS_DIR moves it, e.g. to a shorter path.
AWSC_SERVERS_DIR=${AWSC_SERVERS_DIR:-$AWSC_REPO/.servers}

# Fake test credentials, the same for the S3 (RGW) and SNS servers so that
# one set of keys serves every end-to-end test. They are not secrets.
# shellcheck disable=SC2034 # used by the scripts that source this file
AWSC_TEST_USERS=(
  "testuser1|Test User One|AKIDCEPHTEST0000001|cephtestsecretkey0000000000000000000001"
  "testuser2|Test User Two|AKIDCEPHTEST0000002|cephtestsecretkey0000000000000000000002"
)

# proc_alive PID: the process exists and is not a zombie. On these machines
# init reaps exited daemons late, so `kill -0` alone would see a stopped
# daemon as running for a second or two.
proc_alive() {
  local stat state
  kill -0 "$1" 2>/dev/null || return 1
  # /proc/PID/stat: "pid (comm) STATE ..."; comm may hold spaces and parens.
  read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
  state=${stat##*) }
  [ "${state:0:1}" != Z ]
}

# pid_is_ours PIDFILE NEEDLE: the pid file names a live process whose command
# line contains NEEDLE (a config or script path unique to our instance).
# Prints the pid.
pid_is_ours() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(cat "$1")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  proc_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" || return 1
  echo "$pid"
}

# stop_pidfile NAME PIDFILE NEEDLE [SECONDS]: TERM the process if it is ours,
# wait for it to exit, KILL it after SECONDS (default 10). Removes the pid
# file. Returns 0 if it stopped on TERM, 1 if KILL was needed, 2 if it was
# not running.
stop_pidfile() {
  local name=$1 f=$2 needle=$3 secs=${4:-10} pid end rc=2
  if pid=$(pid_is_ours "$f" "$needle"); then
    rc=0
    kill -TERM "$pid" 2>/dev/null || true
    end=$((SECONDS + secs))
    while proc_alive "$pid" && [ "$SECONDS" -lt "$end" ]; do sleep 0.1; done
    if proc_alive "$pid"; then
      echo "$name (pid $pid) still running after ${secs} s: sending KILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      rc=1
    fi
    echo "stopped $name (pid $pid)" >&2
  fi
  rm -f "$f"
  return $rc
}

# port_in_use PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until SECONDS WHAT COMMAND...: poll COMMAND every 0.2 s; fail with a
# message naming WHAT after SECONDS.
wait_until() {
  local secs=$1 what=$2 end
  shift 2
  end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$end" ]; then
      echo "timed out after ${secs} s waiting for $what" >&2
      return 1
    fi
    sleep 0.2
  done
}
