# shellcheck shell=bash disable=SC2154 # the caller sets awsc and work
# tests/bench/transfer_env.sh - sourced (not run) by the transfer benches
# (run_transfer_bench.sh, run_transfer_ab.sh,
# run_transfer_upload_profile.sh): one way to set up what each run needs,
# instead of a copy in each.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/transfer_env.sh"
#   transfer_env_setup
#
# Sourcing it sets ep, ak, sk and region from the AWSC_E2E_* variables
# (the server and its keys, as the e2e tests take them; it exits when
# they are not set) and bucket.
# transfer_env_setup reads $awsc (the CLI) and $work (a scratch folder)
# as well; it makes
# $work (removed when the script exits), exports the AWS_* variables the
# CLI reads (and no config file), sets the array scurl (curl signing with
# SigV4, unsigned payload) and creates the bucket (one that exists is
# fine). It exits the script when the CLI is not built.

# shellcheck disable=SC2034 # these and scurl are the caller's
ep=${AWSC_E2E_S3_ENDPOINT:?set AWSC_E2E_S3_ENDPOINT (scripts/rgw-up.sh prints it)}
ak=${AWSC_E2E_ACCESS_KEY_ID:?}
sk=${AWSC_E2E_SECRET_ACCESS_KEY:?}
region=${AWSC_E2E_REGION:-us-east-1}
bucket="awsc-bench"

# shellcheck disable=SC2034 # scurl is the caller's
transfer_env_setup() {
  [ -x "$awsc" ] || {
    echo "no $awsc: build first" >&2
    exit 1
  }
  mkdir -p "$work"
  trap 'rm -rf "$work"' EXIT
  export AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk AWS_REGION=$region
  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  scurl=(curl -sS --fail --aws-sigv4 "aws:amz:$region:s3" --user "$ak:$sk"
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
  "${scurl[@]}" -X PUT "$ep/$bucket" -o /dev/null 2>/dev/null || true
}
