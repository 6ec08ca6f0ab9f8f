#!/bin/bash
# End-to-end: role profiles through the awsc CLI against Ceph RGW's STS
# gateway (AssumeRole of the S3Access role by test user 1), cross-checked
# with awscli using the very same config files; GetCallerIdentity against
# the SNS emulator compared with awscli's. Usage: sts_profiles.sh BUILD_ROOT
# Needs AWSC_E2E_STS_ENDPOINT (scripts/test.sh exports it from rgw-up.sh's
# STS_ENDPOINT line); exits 77 with the reason when it is not set.
set -u
build=$1
cli=$build/tools/awsc
if [ -z "${AWSC_E2E_STS_ENDPOINT:-}" ]; then
  echo "skip: AWSC_E2E_STS_ENDPOINT is not set (the local STS gateway of Ceph RGW was not started)"
  exit 77
fi
sts=$AWSC_E2E_STS_ENDPOINT
role=${AWSC_E2E_STS_ROLE_ARN:-arn:aws:iam:::role/S3Access}
ak=${AWSC_E2E_ACCESS_KEY_ID:-AKIDCEPHTEST0000001}
sk=${AWSC_E2E_SECRET_ACCESS_KEY:-cephtestsecretkey0000000000000000000001}
tmp=$(mktemp -d)
export HOME=$tmp AWS_CONFIG_FILE=$tmp/config AWS_SHARED_CREDENTIALS_FILE=$tmp/credentials
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true AWSC_NO_CHECKSUM_TRAILERS=1
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
  AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_REGION AWS_DEFAULT_REGION \
  AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
pass=0 fail=0 skip=0
ok() { echo "ok   $1"; pass=$((pass+1)); }
bad() { echo "FAIL $1${2:+: $2}"; fail=$((fail+1)); }
skipped() { echo "skip $1: $2"; skip=$((skip+1)); }
check() { local name=$1; shift; if "$@" >"$tmp/out" 2>&1; then ok "$name"; else bad "$name" "$(tail -3 "$tmp/out" | tr '\n' ' ')"; fi; }

bucket=e2e-stsp-$$-$RANDOM
cat >"$tmp/credentials" <<CREDS
[base]
aws_access_key_id = $ak
aws_secret_access_key = $sk
CREDS
cat >"$tmp/config" <<CONFIG
[profile base]
region = us-east-1
[profile role]
role_arn = $role
source_profile = base
role_session_name = awsc-e2e-cli
region = us-east-1
endpoint_url = $sts
[profile chained-env]
role_arn = $role
credential_source = Environment
region = us-east-1
[profile via-services]
role_arn = $role
source_profile = base
region = us-east-1
services = local-rgw
[services local-rgw]
sts =
  endpoint_url = $sts
s3 =
  endpoint_url = $sts
[profile no-endpoint]
role_arn = $role
source_profile = base
region = us-east-1
[profile badrole]
role_arn = arn:aws:iam:::role/NoSuchRoleE2E
source_profile = base
region = us-east-1
endpoint_url = $sts
[profile mfa]
role_arn = $role
source_profile = base
mfa_serial = arn:aws:iam::000000000000:mfa/e2e
endpoint_url = $sts
CONFIG
trap '$cli --profile role s3 delete_bucket "{\"Bucket\":\"$bucket\"}" >/dev/null 2>&1; rm -rf "$tmp"' EXIT

check "role profile: create_bucket with the role's keys" $cli --profile role s3 create_bucket "{\"Bucket\":\"$bucket\"}"
check "role profile: put_object" $cli --profile role s3 put_object "{\"Bucket\":\"$bucket\",\"Key\":\"k.txt\",\"Body\":\"role data\"}"
check "role profile: list_buckets shows it" bash -c "$cli --profile role s3 list_buckets | grep -q '\"Name\":\"$bucket\"'"
check "AWS_PROFILE=role works the same" bash -c "AWS_PROFILE=role $cli s3 list_buckets | grep -q '\"Name\":\"$bucket\"'"
check "credential_source = Environment" bash -c "AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk AWS_ENDPOINT_URL=$sts $cli --profile chained-env s3 list_buckets | grep -q '\"Name\":\"$bucket\"'"
check "[services] section gives the STS and S3 endpoints" bash -c "$cli --profile via-services s3 list_buckets | grep -q '\"Name\":\"$bucket\"'"
check "AWS_ENDPOINT_URL_STS + _S3 from the environment" bash -c "AWS_ENDPOINT_URL_STS=$sts AWS_ENDPOINT_URL_S3=$sts $cli --profile no-endpoint s3 list_buckets | grep -q '\"Name\":\"$bucket\"'"
$cli --profile badrole s3 list_buckets >/dev/null 2>"$tmp/e1"; rc=$?
check "wrong role -> NoSuchEntity from AssumeRole, exit 1" bash -c "[ $rc = 1 ] && grep -q NoSuchEntity $tmp/e1 && grep -q AssumeRole $tmp/e1"
$cli --profile mfa s3 list_buckets >/dev/null 2>"$tmp/e2"
check "mfa_serial -> clear 'not supported' error" grep -q "mfa_serial" "$tmp/e2"
check "no secret in error output" bash -c "! grep -q '$sk' $tmp/e1 $tmp/e2"
check "no source keys -> clear error" bash -c "AWS_SHARED_CREDENTIALS_FILE=/dev/null $cli --profile role s3 list_buckets 2>&1 | grep -q 'The source profile \"base\" must have credentials'"

if command -v aws >/dev/null 2>&1 && aws --version >/dev/null 2>&1; then
  check "awscli with the same role profile sees awsc's bucket" bash -c "aws --profile role s3api list-buckets --query 'Buckets[].Name' --output text | grep -qw $bucket"
  check "awscli reads the object awsc wrote with the role" bash -c "aws --profile role s3api get-object --bucket $bucket --key k.txt $tmp/k.txt >/dev/null && [ \"\$(cat $tmp/k.txt)\" = 'role data' ]"
  aws --profile role s3api put-object --bucket "$bucket" --key from-awscli.txt --body "$tmp/credentials" >/dev/null 2>&1
  check "awsc (role) lists awscli's object" bash -c "$cli --profile role s3 list_objects_v2 '{\"Bucket\":\"$bucket\"}' | grep -q from-awscli.txt"
  aws --profile role s3api delete-object --bucket "$bucket" --key from-awscli.txt >/dev/null 2>&1
  if [ -n "${AWSC_E2E_SNS_ENDPOINT:-}" ]; then
    a=$(AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk aws --region us-east-1 --endpoint-url "$AWSC_E2E_SNS_ENDPOINT" sts get-caller-identity --query Arn --output text 2>&1)
    b=$(AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk AWS_REGION=us-east-1 $cli --endpoint-url "$AWSC_E2E_SNS_ENDPOINT" sts get_caller_identity 2>&1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["Arn"])' 2>&1)
    check "get_caller_identity: awsc and awscli agree ($b)" [ -n "$a" -a "$a" = "$b" ]
  else
    skipped "get_caller_identity cross-check" "AWSC_E2E_SNS_ENDPOINT is not set"
  fi
else
  skipped "awscli cross-checks" "no working 'aws' command on PATH"
fi
$cli --profile role s3 delete_object "{\"Bucket\":\"$bucket\",\"Key\":\"k.txt\"}" >/dev/null 2>&1
check "role profile: delete_bucket" $cli --profile role s3 delete_bucket "{\"Bucket\":\"$bucket\"}"

if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ $fail = 0 ]
