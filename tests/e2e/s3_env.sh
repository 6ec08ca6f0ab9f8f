# Sourced by the S3 end-to-end scripts (s3_examples.sh, transfer_s3.sh):
# skip (exit 77, reason printed) without AWSC_E2E_S3_ENDPOINT; otherwise a
# temporary HOME and config sealed from the machine's ~/.aws, the test
# user's keys for both awsc and awscli, and the check helpers. Sets ep and
# tmp; the script prints its counts with `summary` at the end.
if [ -z "${AWSC_E2E_S3_ENDPOINT:-}" ]; then
  echo "skip: AWSC_E2E_S3_ENDPOINT is not set (the local S3 server was not started)"
  exit 77
fi
ep=$AWSC_E2E_S3_ENDPOINT
tmp=$(mktemp -d)
export HOME=$tmp                      # no ~/.aws of the machine
export AWS_CONFIG_FILE=$tmp/config AWS_SHARED_CREDENTIALS_FILE=$tmp/credentials
export AWS_ENDPOINT_URL=$ep AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIDCEPHTEST0000001
export AWS_SECRET_ACCESS_KEY=cephtestsecretkey0000000000000000000001
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
# RGW has no trailing checksums (see docs): plain payloads
export AWSC_NO_CHECKSUM_TRAILERS=1
pass=0 fail=0 skip=0
ok() { echo "ok   $1"; pass=$((pass+1)); }
bad() { echo "FAIL $1${2:+: $2}"; fail=$((fail+1)); }
skipped() { echo "skip $1: $2"; skip=$((skip+1)); }
check() { local name=$1; shift; if "$@" >"$tmp/out" 2>&1; then ok "$name"; else bad "$name" "$(tail -3 "$tmp/out" | tr '\n' ' ')"; fi; }
summary() {
  if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
  [ $fail = 0 ]
}
