#!/usr/bin/env bash
# scripts/demo.sh - see awsc work, on this machine, with nothing from AWS:
# installs what is missing (scripts/deps.sh; as root, or via sudo), builds
# build/, starts the local S3 (Ceph RGW) and SNS servers, runs the demo
# program build/examples/awsc-demo against them, then shows with Debian's
# awscli (an independent client) what is now on the servers, and stops the
# servers it started. Run: sudo scripts/demo.sh (or as root: scripts/demo.sh).
#
# The demo program gets the usual AWS environment: AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, AWS_REGION and AWS_ENDPOINT_URL_S3 / _STS / _SNS
# (the service-specific endpoint variables of the AWS SDKs), pointing at the
# local servers with their fake test keys.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$AWSC_REPO" || exit 1
BUILD=${AWSC_BUILD_DIR:-build}
export AWSC_BUILD_DIR=$BUILD
# The main job: the seed workflows (examples/demo_workflows.sh runs the
# example programs one after the other).
DEMO_TARGET=examples/s3_csv
DEMO="$AWSC_REPO/examples/demo_workflows.sh"

say() { printf '\n== %s\n' "$*"; }
kv() { sed -n "s/^$1=//p" | head -n 1; }

say "dependencies"
bash scripts/deps.sh || echo "demo: scripts/deps.sh failed; going on with what is installed" >&2

say "build ($BUILD/)"
if ! bash scripts/build.sh main; then
  # Something else in the tree (a test, another example) may be broken
  # while the demo itself builds: then build just the demo (and the library).
  if ninja -C "$BUILD" -t targets all 2>/dev/null | grep -q "^$DEMO_TARGET:"; then
    echo "demo: the full build failed (see above); building only $DEMO_TARGET" >&2
    ninja -C "$BUILD" "$DEMO_TARGET" || { echo "demo: the demo program does not build" >&2; exit 1; }
  else
    echo "demo: the build failed (see above) and there is no demo program target yet" >&2
    exit 1
  fi
fi

say "local servers"
STOP_RGW=0 STOP_SNS=0
stop_servers() {
  if [ "$STOP_RGW" = 1 ] || [ "$STOP_SNS" = 1 ]; then say "stopping the servers this demo started"; fi
  if [ "$STOP_RGW" = 1 ]; then bash scripts/rgw-down.sh; STOP_RGW=0; fi
  if [ "$STOP_SNS" = 1 ]; then bash scripts/sns-down.sh; STOP_SNS=0; fi
}
trap stop_servers EXIT
trap 'exit 130' INT TERM
rgw=$(bash scripts/rgw-up.sh) || { echo "demo: the S3 server did not start (see above)" >&2; exit 1; }
[ "$(kv RGW_STARTED <<<"$rgw")" = yes ] && STOP_RGW=1
sns=$(bash scripts/sns-up.sh) || { echo "demo: the SNS server did not start (see above)" >&2; exit 1; }
[ "$(kv SNS_STARTED <<<"$sns")" = yes ] && STOP_SNS=1

export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL_STS AWS_ENDPOINT_URL_SNS AWS_ENDPOINT_URL_SQS
AWS_ACCESS_KEY_ID=$(kv AWS_ACCESS_KEY_ID <<<"$rgw")
AWS_SECRET_ACCESS_KEY=$(kv AWS_SECRET_ACCESS_KEY <<<"$rgw")
AWS_REGION=$(kv AWS_REGION <<<"$rgw")
AWS_ENDPOINT_URL_S3=$(kv S3_ENDPOINT <<<"$rgw")
AWS_ENDPOINT_URL_STS=$(kv STS_ENDPOINT <<<"$rgw")
AWS_ENDPOINT_URL_SNS=$(kv SNS_ENDPOINT <<<"$sns")
AWS_ENDPOINT_URL_SQS=$AWS_ENDPOINT_URL_SNS # the emulator serves SQS too
# Nothing from the user's own AWS set-up may leak in (profiles, instance role).
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE
echo "S3 (Ceph RGW):  $AWS_ENDPOINT_URL_S3 (STS: $AWS_ENDPOINT_URL_STS)"
echo "SNS (fauxqs):   $AWS_ENDPOINT_URL_SNS"
echo "test key:       $AWS_ACCESS_KEY_ID (fake, local only), region $AWS_REGION"

say "demo program"
rc=0
if [ -x "$BUILD/$DEMO_TARGET" ]; then
  echo "\$ examples/demo_workflows.sh $BUILD"
  bash "$DEMO" "$BUILD" || rc=$?
  [ "$rc" = 0 ] || echo "demo: $DEMO exited with status $rc" >&2
else
  echo "The example programs are not built ($BUILD/$DEMO_TARGET is missing)."
fi

say "what is on the servers now (seen by Debian's awscli, not by awsc)"
AWS=/usr/bin/aws
[ -x "$AWS" ] || AWS=$(command -v aws || true)
if [ -z "$AWS" ]; then
  echo "no awscli installed (scripts/deps.sh installs Debian's)"
else
  echo "\$ aws s3 ls"
  buckets=$("$AWS" --endpoint-url "$AWS_ENDPOINT_URL_S3" s3 ls 2>&1) || true
  echo "${buckets:-(no buckets)}"
  for b in $(awk 'NF == 3 {print $3}' <<<"$buckets"); do
    echo "\$ aws s3 ls s3://$b --recursive"
    "$AWS" --endpoint-url "$AWS_ENDPOINT_URL_S3" s3 ls "s3://$b" --recursive 2>&1 | head -n 20
  done
  echo "\$ aws sns list-topics"
  topics=$("$AWS" --endpoint-url "$AWS_ENDPOINT_URL_SNS" sns list-topics --query "Topics[].TopicArn" --output text 2>&1) || true
  echo "${topics:-(no topics)}" | tr "\t" "\n"
fi
echo "\$ curl $(kv SNS_SMS_LIST <<<"$sns")   (SMS the demo 'sent')"
curl -s "$(kv SNS_SMS_LIST <<<"$sns")"
echo
exit "$rc"
