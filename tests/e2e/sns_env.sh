# Sourced by the SNS/SQS end-to-end scripts (sns_examples.sh,
# res_sns_examples.sh) after they set build: skip (exit 77, reason
# printed) without AWSC_E2E_SNS_ENDPOINT; otherwise a temporary HOME and
# config sealed from the machine's ~/.aws, the test keys for both awsc and
# awscli, the check helpers, AWS (awscli's command line, empty without a
# working awscli) and a clean-up on exit of every topic and queue URL added to topics_to_delete /
# queues_to_delete. Sets ep, ex, cli and tmp; the script prints its counts
# with `summary` at the end.
ex=$build/examples
cli=$build/tools/awsc
if [ -z "${AWSC_E2E_SNS_ENDPOINT:-}" ]; then
  echo "skip: AWSC_E2E_SNS_ENDPOINT is not set (the local SNS server was not started)"
  exit 77
fi
ep=$AWSC_E2E_SNS_ENDPOINT
tmp=$(mktemp -d)
export HOME=$tmp                      # no ~/.aws of the machine
export AWS_CONFIG_FILE=$tmp/config AWS_SHARED_CREDENTIALS_FILE=$tmp/credentials
export AWS_ENDPOINT_URL=$ep AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=${AWSC_E2E_ACCESS_KEY_ID:-AKIDCEPHTEST0000001}
export AWS_SECRET_ACCESS_KEY=${AWSC_E2E_SECRET_ACCESS_KEY:-cephtestsecretkey0000000000000000000001}
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN
pass=0 fail=0 skip=0
ok() { echo "ok   $1"; pass=$((pass+1)); }
bad() { echo "FAIL $1${2:+: $2}"; fail=$((fail+1)); }
skipped() { echo "skip $1: $2"; skip=$((skip+1)); }
check() { local name=$1; shift; if "$@" >"$tmp/out" 2>&1; then ok "$name"; else bad "$name" "$(tail -3 "$tmp/out" | tr '\n' ' ')"; fi; }
# jget FILE PYTHON-EXPR: evaluate on the JSON in FILE (as j)
jget() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }
export -f jget
summary() {
  if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
  [ $fail = 0 ]
}

AWS=""
if command -v aws >/dev/null 2>&1 && aws --version >/dev/null 2>&1; then
  AWS="aws --endpoint-url $ep --region us-east-1"
fi
topics_to_delete=()
queues_to_delete=()
cleanup() {
  for t in "${topics_to_delete[@]}"; do $cli sns delete_topic "{\"TopicArn\":\"$t\"}" >/dev/null 2>&1; done
  for q in "${queues_to_delete[@]}"; do $cli sqs delete_queue "{\"QueueUrl\":\"$q\"}" >/dev/null 2>&1; done
  rm -rf "$tmp"
}
trap cleanup EXIT
