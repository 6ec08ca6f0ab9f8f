#!/usr/bin/env bash
# The seed workflows, one example program each, run in order against
# whatever the AWS environment points at (scripts/demo.sh points it at the
# local Ceph RGW and SNS emulator). Usage: demo_workflows.sh BUILD_DIR
set -u
build=${1:-build}
ex=$build/examples
rc=0
run() {
  printf '\n-- %s\n$ %s\n' "$1" "${*:2}"
  "${@:2}" || { echo "   (exit status $?)"; rc=1; }
}
bucket=awsc-demo-$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'region,month,sales\neu,2026-10,1200\nus,2026-10,3400\n' > "$work/sales.csv"
# RGW has no trailing checksums: plain signed payloads
export AWSC_NO_CHECKSUM_TRAILERS=1

run "create the demo bucket (awsc CLI)" "$build/tools/awsc" s3 create_bucket "{\"Bucket\": \"$bucket\"}"
run "list buckets with ResponseMetadata" "$ex/s3_list_buckets"
run "create and delete 3 buckets in a loop" "$ex/s3_buckets" "$bucket-tmp" 3
run "CSV: upload, list (MaxKeys, Prefix), head, download, delete" "$ex/s3_csv" "$bucket" "$work/sales.csv"
run "public-read objects fetched anonymously" "$ex/s3_public" "$bucket"
"$build/tools/awsc" s3 put_object "{\"Bucket\": \"$bucket\", \"Key\": \"private/plan.txt\", \"Body\": \"Q4 plan\"}" >/dev/null
run "presigned link to a private object" "$ex/s3_presign" "$bucket" private/plan.txt 600
run "publish an HTML report + PNG chart and an index page" "$ex/s3_report" "$bucket" site/
for m in 10 11; do
  "$build/tools/awsc" s3 put_object "{\"Bucket\": \"$bucket\", \"Key\": \"monthly/2026-$m.csv\", \"Body\": \"month,total\\n2026-$m,${m}00\\n\", \"ContentType\": \"text/csv\"}" >/dev/null
done
run "read the monthly CSVs as streams and concatenate them" "$ex/s3_concat" "$bucket" monthly/
if [ -x "$ex/sns_topics" ]; then
  run "SNS: general and critical topics per department, non-critical deleted" \
    "$ex/sns_topics" "demo-$$" finance ops sales
  arn=$("$build/tools/awsc" sns create_topic "{\"Name\": \"demo-$$-alerts\"}" |
        sed -n 's/.*"TopicArn":"\([^"]*\)".*/\1/p')
  run "SNS: subscribe phones and emails, list, unsubscribe the sms ones" \
    "$ex/sns_subscriptions" "$arn" +15555550100 +15555550101 ops@example.com
  run "SNS: publish a report count with a subject" "$ex/sns_publish" "$arn" 42 "Daily report"
  run "SNS: a single SMS" "$ex/sns_sms" +15555550123 "Your report is ready"
fi
if [ -x "$ex/sqs_queue" ]; then
  run "SQS: queue, send/receive/delete, batch, long polling" "$ex/sqs_queue" "demo-$$-queue" 2
fi
exit $rc
