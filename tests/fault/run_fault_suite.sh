#!/bin/bash
# tests/fault/run_fault_suite.sh BUILD_ROOT [run_fault_suite.py options] -
# the fault-injection suite (docs/faults.md). The meson e2e test
# `e2e_fault_short` runs it with its defaults (60 operations); the full run:
#   tests/fault/run_fault_suite.sh build --ops 220 --stall-s 25 --deadline-ms 8000
# Needs AWSC_E2E_S3_ENDPOINT (scripts/test.sh exports it when the local RGW
# is up); exits 77 (skipped) with the reason printed when it is not set.
exec python3 "$(dirname "$0")/run_fault_suite.py" "$@"
