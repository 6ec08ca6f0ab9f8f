#!/bin/bash
# End-to-end: the SNS and SQS seed examples and the awsc CLI against the
# local SNS/SQS server (fauxqs behind a SigV4 front), cross-checked with
# an independent client (awscli): topics, subscriptions and messages made
# by one are seen by the other. Usage: sns_examples.sh BUILD_ROOT
# Needs AWSC_E2E_SNS_ENDPOINT (set by scripts/test.sh when the server is
# up); exits 77 (skipped) with the reason printed when it is not set.
set -u
build=$1
. "$(dirname "$0")/sns_env.sh"
sms_url=${AWSC_E2E_SNS_SMS_URL:-$ep/_sns/sms}
run=e2e-ex-$$-$RANDOM

# ---- sns_topics: general + critical per department, general ones deleted
$ex/sns_topics "$run" sales support >"$tmp/topics.out" 2>&1
check "example sns_topics (2 departments)" [ $? = 0 ]
mapfile -t critical < <(sed -n 's/^critical //p' "$tmp/topics.out")
topics_to_delete+=("${critical[@]}")
check "sns_topics leaves 2 critical topics" [ "${#critical[@]}" = 2 ]
$cli sns list_topics >"$tmp/lt.json"
check "awsc CLI lists the critical topics" bash -c "grep -q ':$run-sales-critical\"' $tmp/lt.json && grep -q ':$run-support-critical\"' $tmp/lt.json"
check "general topics are gone" bash -c "! grep -q ':$run-sales-general\"' $tmp/lt.json"
topic=${critical[0]:-none}

# ---- sns_subscriptions: phones and emails, sms ones unsubscribed
check "example sns_subscriptions" $ex/sns_subscriptions "$topic" +15550100001 ops@example.com +15550100002 oncall@example.com https://hooks.example.com/sns
$cli sns list_subscriptions_by_topic "{\"TopicArn\":\"$topic\"}" >"$tmp/ls.json"
check "emails and https kept, sms gone" bash -c "[ \"\$(jget $tmp/ls.json 'sorted(s[\"Protocol\"] for s in j[\"Subscriptions\"])')\" = \"['email', 'email', 'https']\" ]"

# ---- sns_publish / sns_sms
out=$($ex/sns_publish "$topic" 12 "Daily report count" 2>&1)
check "example sns_publish" bash -c "echo '$out' | grep -q 'MessageId [0-9a-f-]\{36\}'"
phone=+1555$(printf '%07d' $((RANDOM * 7 % 10000000)))
out=$($ex/sns_sms "$phone" "Build $run passed" 2>&1)
mid=$(echo "$out" | sed -n 's/.*MessageId //p')
check "example sns_sms" [ -n "$mid" ]
check "the SMS is recorded by the server" bash -c "curl -s '$sms_url' | python3 -c 'import json,sys; m=[x for x in json.load(sys.stdin) if x[\"messageId\"]==\"$mid\"]; sys.exit(0 if m and m[0][\"phoneNumber\"]==\"$phone\" and m[0][\"message\"]==\"Build $run passed\" else 1)'"

# ---- sqs_queue: the whole queue life cycle with long polling
check "example sqs_queue (WaitTimeSeconds 2)" $ex/sqs_queue "$run-jobs" 2
check "sqs_queue deleted its queue" bash -c "$cli sqs get_queue_url '{\"QueueName\":\"$run-jobs\"}' 2>&1 | grep -q NonExistentQueue"

# ---- CLI: MessageStructure json, errors
check "CLI publish MessageStructure json" bash -c "$cli sns publish '{\"TopicArn\":\"$topic\",\"MessageStructure\":\"json\",\"Message\":\"{\\\"default\\\":\\\"d\\\",\\\"email\\\":\\\"e\\\"}\"}' | grep -q MessageId"
$cli sns publish "{\"TopicArn\":\"${topic}-missing\",\"Message\":\"x\"}" >/dev/null 2>"$tmp/e1"; rc=$?
check "publish to a missing topic -> NotFound, HTTP 404, exit 1" bash -c "[ $rc = 1 ] && grep -q NotFound $tmp/e1 && grep -q 'HTTP 404' $tmp/e1"
$cli sns create_topic '{"Name":"bad name!"}' >/dev/null 2>"$tmp/e2"
check "bad topic name -> InvalidParameter" grep -q InvalidParameter "$tmp/e2"
AWS_SECRET_ACCESS_KEY=wrong-wrong-wrong-wrong-wrong-wrong $cli sns list_topics >/dev/null 2>"$tmp/e3"
check "bad secret -> SignatureDoesNotMatch, secret not printed" bash -c "grep -q SignatureDoesNotMatch $tmp/e3 && ! grep -q wrong-wrong $tmp/e3"

# ---- cross-checks with awscli
if [ -n "$AWS" ]; then
  $AWS sns list-topics --output json >"$tmp/alt.json" 2>&1
  check "awscli sees the topics awsc made" bash -c "grep -q ':$run-support-critical\"' $tmp/alt.json && ! grep -q ':$run-support-general\"' $tmp/alt.json"
  $AWS sns create-topic --name "$run-from-awscli" --output json >"$tmp/ct.json" 2>&1
  aarn=$(jget "$tmp/ct.json" 'j["TopicArn"]')
  topics_to_delete+=("$aarn")
  check "awsc lists a topic awscli made" bash -c "$cli sns list_topics | grep -q '\"$aarn\"'"
  check "awsc create_topic of the same name -> same ARN" bash -c "[ \"\$($cli sns create_topic '{\"Name\":\"$run-from-awscli\"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"TopicArn\"])')\" = '$aarn' ]"
  $AWS sns list-subscriptions-by-topic --topic-arn "$topic" --output json >"$tmp/als.json" 2>&1
  check "awscli sees awsc's subscriptions (2 email, 1 https)" bash -c "[ \"\$(jget $tmp/als.json 'sorted(s[\"Endpoint\"] for s in j[\"Subscriptions\"])')\" = \"['https://hooks.example.com/sns', 'oncall@example.com', 'ops@example.com']\" ]"
  $AWS sns subscribe --topic-arn "$aarn" --protocol sms --notification-endpoint +15550100003 --output json >"$tmp/as.json" 2>&1
  sarn=$(jget "$tmp/as.json" 'j["SubscriptionArn"]')
  check "awsc sees awscli's sms subscription" bash -c "$cli sns list_subscriptions_by_topic '{\"TopicArn\":\"$aarn\"}' | grep -q '\"Endpoint\":\"+15550100003\"'"
  $cli sns unsubscribe "{\"SubscriptionArn\":\"$sarn\"}" >/dev/null 2>&1
  check "awsc unsubscribes it, awscli sees none" bash -c "[ \"\$($AWS sns list-subscriptions-by-topic --topic-arn $aarn --query 'length(Subscriptions)' --output text)\" = 0 ]"

  # a queue made by awscli, subscribed by awsc, published to by the example
  $AWS sqs create-queue --queue-name "$run-fanout" --output json >"$tmp/cq.json" 2>&1
  qurl=$(jget "$tmp/cq.json" 'j["QueueUrl"]')
  queues_to_delete+=("$qurl")
  qarn=$($AWS sqs get-queue-attributes --queue-url "$qurl" --attribute-names QueueArn --query Attributes.QueueArn --output text 2>/dev/null)
  check "awsc subscribes awscli's queue" bash -c "$cli sns subscribe '{\"TopicArn\":\"$topic\",\"Protocol\":\"sqs\",\"Endpoint\":\"$qarn\"}' | grep -q SubscriptionArn"
  check "example sns_publish to the topic" $ex/sns_publish "$topic" 3
  $AWS sqs receive-message --queue-url "$qurl" --wait-time-seconds 3 --output json >"$tmp/rm.json" 2>&1
  check "awscli receives it from the queue (SNS envelope, subject)" bash -c "jget $tmp/rm.json 'json.loads(j[\"Messages\"][0][\"Body\"])[\"Message\"] + \"|\" + json.loads(j[\"Messages\"][0][\"Body\"])[\"Subject\"]' | grep -qx '3 new reports are ready.|Daily report count'"

  # SQS both ways, same digests
  body="cross-client message $run"
  $cli sqs send_message "{\"QueueUrl\":\"$qurl\",\"MessageBody\":\"$body\",\"MessageAttributes\":{\"from\":{\"DataType\":\"String\",\"StringValue\":\"awsc\"}}}" >"$tmp/sm.json"
  $AWS sqs receive-message --queue-url "$qurl" --message-attribute-names All --wait-time-seconds 2 --output json >"$tmp/rm2.json" 2>&1
  check "awscli receives awsc's message with the same MD5s" bash -c "[ \"\$(jget $tmp/rm2.json 'j[\"Messages\"][0][\"Body\"] + \"|\" + j[\"Messages\"][0][\"MD5OfBody\"] + \"|\" + j[\"Messages\"][0][\"MD5OfMessageAttributes\"]')\" = \"\$(jget $tmp/sm.json '\"$body|\" + j[\"MD5OfMessageBody\"] + \"|\" + j[\"MD5OfMessageAttributes\"]')\" ]"
  $AWS sqs send-message --queue-url "$qurl" --message-body "from awscli $run" --message-attributes '{"n":{"DataType":"Number","StringValue":"42"}}' --output json >/dev/null 2>&1
  check "awsc receives awscli's message (digests checked)" bash -c "$cli sqs receive_message '{\"QueueUrl\":\"$qurl\",\"MessageAttributeNames\":[\"All\"],\"WaitTimeSeconds\":2}' | grep -q '\"Body\":\"from awscli $run\"'"
  # awsc's own topics and queues cleaned up by awscli
  check "awscli deletes a topic awsc made" $AWS sns delete-topic --topic-arn "${critical[1]:-none}"
  check "awsc no longer lists it" bash -c "! $cli sns list_topics | grep -q '\"${critical[1]:-none}\"'"
else
  skipped "awscli cross-checks" "no working 'aws' command on PATH"
fi

summary
