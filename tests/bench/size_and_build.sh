#!/bin/bash
# Library size and clean build time, for the benchmark report:
#   size_and_build.sh [SERVICES]    (default: s3,sns,sqs,sts)
# Configures a fresh release build in a temporary folder, times a clean
# `ninja` of libawsc.so only, and prints the stripped size of the library.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
services=${1:-s3,sns,sqs,sts}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson setup "$tmp/b" "$repo" --buildtype=release -Dtests=false -Dbench=false \
  -Dservices="$services" >/dev/null
t0=$(date +%s.%N)
so=$(ninja -C "$tmp/b" -t targets all | grep -o '^lib/libawsc\.so\.[0-9.]*[0-9]:' | head -n 1 | tr -d :)
ninja -C "$tmp/b" "$so" >/dev/null
t1=$(date +%s.%N)
cp "$tmp/b/$so" "$tmp/libawsc.so"
strip --strip-unneeded "$tmp/libawsc.so"
size=$(stat -c %s "$tmp/libawsc.so")
printf 'services: %s\n' "$services"
printf 'clean build of libawsc.so (release, %s cores): %.1f s\n' "$(nproc)" \
  "$(echo "$t1 - $t0" | bc -l)"
printf 'stripped libawsc.so: %d bytes (%.2f MiB)\n' "$size" \
  "$(echo "$size / 1048576" | bc -l)"
