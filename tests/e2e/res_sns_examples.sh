#!/bin/bash
# End-to-end: the resource-API SNS and SQS examples (examples/res_sns_*,
# res_sqs_queue) against the local SNS/SQS server (fauxqs behind a SigV4
# front). What each does through Topic / Subscription / Queue / Message
# handles is checked through the client layer (the awsc CLI) and awscli.
# Usage: res_sns_examples.sh BUILD_ROOT
# Needs AWSC_E2E_SNS_ENDPOINT (set by scripts/test.sh when the server is
# up); exits 77 (skipped) with the reason printed when it is not set.
set -u
build=$1
. "$(dirname "$0")/sns_env.sh"
run=e2e-res-$$-$RANDOM

# ---- topics per department: create_topic, topics.all(), Topic.delete
$ex/res_sns_topics "$run" sales support ops >"$tmp/topics.out" 2>&1
check "res_sns_topics (3 departments)" [ $? = 0 ]
mapfile -t critical < <(sed -n 's/^critical //p' "$tmp/topics.out")
topics_to_delete+=("${critical[@]}")
check "created 6 topics, deleted the 3 general ones" bash -c "[ \$(grep -c '^created ' $tmp/topics.out) = 6 ] && [ \$(grep -c '^deleted .*-general\$' $tmp/topics.out) = 3 ]"
check "topics.all() found the 3 critical topics" [ "${#critical[@]}" = 3 ]
$cli sns list_topics >"$tmp/lt.json"
check "client layer lists the critical topics" bash -c "for d in sales support ops; do grep -q \":$run-\$d-critical\\\"\" $tmp/lt.json || exit 1; done"
check "client layer lists no general topic" bash -c "! grep -q ':$run-[a-z]*-general\"' $tmp/lt.json"
check "create_topic returned the ARN list_topics has" bash -c "grep -q \"\\\"${critical[0]:-none}\\\"\" $tmp/lt.json"
topic=${critical[0]:-none}

# ---- subscriptions via Topic.subscribe, publish, unsubscribe the sms ones
qurl=$($cli sqs create_queue "{\"QueueName\":\"$run-fanout\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["QueueUrl"])')
queues_to_delete+=("$qurl")
qarn=$($cli sqs get_queue_attributes "{\"QueueUrl\":\"$qurl\",\"AttributeNames\":[\"QueueArn\"]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Attributes"]["QueueArn"])')
$ex/res_sns_subscriptions "$topic" +15550100001 ops@example.com +15550100002 "$qarn" >"$tmp/subs.out" 2>&1
check "res_sns_subscriptions" [ $? = 0 ]
check "4 subscribed, 2 sms unsubscribed" bash -c "[ \$(grep -c '^subscribed ' $tmp/subs.out) = 4 ] && [ \$(grep -c '^unsubscribed sms ' $tmp/subs.out) = 2 ]"
$cli sns list_subscriptions_by_topic "{\"TopicArn\":\"$topic\"}" >"$tmp/ls.json"
check "client layer: email and sqs kept, sms gone" bash -c "[ \"\$(jget $tmp/ls.json 'sorted(s[\"Protocol\"] for s in j[\"Subscriptions\"])')\" = \"['email', 'sqs']\" ]"
arns=$(jget "$tmp/ls.json" '" ".join(s["SubscriptionArn"] for s in j["Subscriptions"])')
check "the ARNs Subscription handles printed are the client's" bash -c "[ \$(echo $arns | wc -w) = 2 ] && for a in $arns; do grep -q \"^subscribed .*: \$a\$\" $tmp/subs.out || exit 1; done"
mid=$(sed -n 's/^published MessageId //p' "$tmp/subs.out")
$cli sqs receive_message "{\"QueueUrl\":\"$qurl\",\"WaitTimeSeconds\":3}" >"$tmp/rm.json"
check "topic.publish reached the subscribed queue (client layer receives it)" bash -c "[ \"\$(jget $tmp/rm.json 'json.loads(j[\"Messages\"][0][\"Body\"])[\"MessageId\"] + \"|\" + json.loads(j[\"Messages\"][0][\"Body\"])[\"Subject\"]')\" = '$mid|Daily report' ]"
skipped "SMS delivery of topic.publish" "the emulator records only direct PhoneNumber publishes at /_sns/sms, not a topic's fan-out to sms subscribers (delivery is checked through the subscribed queue above)"
if [ -n "$AWS" ]; then
  check "awscli sees the same subscriptions" bash -c "[ \"\$($AWS sns list-subscriptions-by-topic --topic-arn $topic --query 'length(Subscriptions)' --output text)\" = 2 ]"
fi

# ---- SQS: Queue and Message handles
check "res_sqs_queue (whole life cycle)" $ex/res_sqs_queue "$run-jobs" 2
check "queue.delete: the client layer finds no such queue" bash -c "$cli sqs get_queue_url '{\"QueueName\":\"$run-jobs\"}' 2>&1 | grep -q NonExistentQueue"
$ex/res_sqs_queue "$run-kept" 2 keep >"$tmp/q.out" 2>&1
check "res_sqs_queue keep" [ $? = 0 ]
kurl=$(sed -n 's/^queue //p' "$tmp/q.out")
queues_to_delete+=("$kurl")
check "create_queue's Queue URL == get_queue_url (client layer)" bash -c "[ \"\$($cli sqs get_queue_url '{\"QueueName\":\"$run-kept\"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"QueueUrl\"])')\" = '$kurl' ]"
$cli sqs get_queue_attributes "{\"QueueUrl\":\"$kurl\",\"AttributeNames\":[\"All\"]}" >"$tmp/qa.json"
check "client layer: VisibilityTimeout 30, no message left" bash -c "[ \"\$(jget $tmp/qa.json 'j[\"Attributes\"][\"VisibilityTimeout\"] + \"|\" + j[\"Attributes\"][\"ApproximateNumberOfMessages\"] + \"|\" + j[\"Attributes\"][\"ApproximateNumberOfMessagesNotVisible\"]')\" = '30|0|0' ]"
check "the 4 bodies sent were the 4 received" bash -c "[ \$(grep -c '^sent ' $tmp/q.out) = 4 ] && [ \$(grep -c '^received {\"job\": [1-4]' $tmp/q.out) = 4 ]"
if [ -n "$AWS" ]; then
  check "awscli: no message left in the queue" bash -c "[ -z \"\$($AWS sqs receive-message --queue-url $kurl --wait-time-seconds 1 --output text)\" ]"
else
  skipped "awscli cross-checks" "no working 'aws' command on PATH"
fi

summary
