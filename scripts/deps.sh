#!/usr/bin/env bash
# scripts/deps.sh - install what awsc needs on Debian 12 to build, test and run
# its local test servers. Idempotent and fast when everything is present: it
# asks dpkg what is installed and only touches apt when something is missing.
#
# Needs root for apt-get; when not root it uses sudo (if there is one).
# Exits 0 when everything is present (already, or after installing).
set -euo pipefail

# Build: compiler, meson/ninja and the libraries awsc links (libcurl,
# OpenSSL, expat; yajl only for the tests' independent JSON checks).
# Test: clang + its runtime libraries (libFuzzer, sanitizers with clang),
# clang-format (the tree's formatting is checked: scripts/check-format.sh),
# valgrind, python3 with Debian's botocore, boto3 (its ten resource models,
# generated and checked by tests/unit/resources) and Debian's awscli
# (independent clients for cross-checks), curl for the servers' readiness
# checks.
# Servers: ceph-mon ceph-osd radosgw for S3 (ceph-common comes with them; the
# `ceph` metapackage would pull twice as many packages and is not needed).
PKGS=(
  build-essential pkg-config meson ninja-build
  libcurl4-openssl-dev libssl-dev libyajl-dev libexpat1-dev
  python3 clang libclang-rt-14-dev clang-format valgrind
  curl ca-certificates python3-botocore python3-boto3 python3-pandas awscli
  python3-venv python3-setuptools python3-wheel libuv1-dev
  ceph-mon ceph-osd radosgw
)

log() { echo "deps: $*" >&2; }

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  log "this script knows Debian 12 only; install by hand: ${PKGS[*]} nodejs npm"
  exit 1
fi

# One dpkg-query for all packages (one call each costs ~30 ms). "ii " means
# wanted and installed; anything else (absent, half-installed, removed with
# its config left) needs apt. Arch-qualified names (libssl-dev:amd64) are
# cut back to the bare name.
declare -A ok=()
while read -r name status; do
  [ "$status" = ii ] && ok[${name%%:*}]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${PKGS[@]}" 2>/dev/null || true)
missing=()
for p in "${PKGS[@]}"; do
  [ -n "${ok[$p]:-}" ] || missing+=("$p")
done
# The SNS server only needs some node + npm to run `npm install`; the Node 22
# that runs it comes from npm (scripts/sns/package.json). Many machines have
# node from elsewhere (NodeSource, nvm), so look for the commands, not packages.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  log "all $((${#PKGS[@]} + 2)) dependencies present, nothing to install"
  exit 0
fi
log "missing: ${missing[*]}"

SUDO=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then
    SUDO=(sudo)
  else
    log "not root and no sudo: as root run: apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
fi
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)

# apt-get update only when the package lists are absent or older than a day;
# if the install still fails (e.g. a mirror dropped an old version), update
# once and retry.
lists_fresh() {
  [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 -print -quit 2>/dev/null)" ]
}
install() { "${APT[@]}" install -y --no-install-recommends "${missing[@]}"; }
updated=0
if ! lists_fresh; then
  "${APT[@]}" update
  updated=1
fi
if ! install; then
  [ "$updated" = 0 ] || exit 1
  log "install failed with the current package lists; running apt-get update and retrying"
  "${APT[@]}" update
  install
fi
# Without systemd the ceph packages print "Failed to connect to bus": harmless,
# nothing gets started by the install.
log "installed: ${missing[*]}"
