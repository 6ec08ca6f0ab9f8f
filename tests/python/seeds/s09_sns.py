"""Seed 9: SNS topics, subscriptions, publish with a subject, SMS."""
import boto3
from botocore.exceptions import ClientError
import seedlib as S

S.need_sns()
sns = boto3.client("sns", endpoint_url=S.SNS, **S.creds())
arn = sns.create_topic(Name=S.name("topic"))["TopicArn"]
S.record("arn suffix", arn.split(":")[-1].startswith(S.name("topic")[:5]))
S.record("listed", any(t["TopicArn"] == arn for t in sns.list_topics()["Topics"]))
sub = sns.subscribe(TopicArn=arn, Protocol="sms", Endpoint="+15555550123", ReturnSubscriptionArn=True)
S.record_shape("subscribe", {k: v for k, v in sub.items() if k != "ResponseMetadata"})
subs = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
S.record("subs", [(s["Protocol"], s["Endpoint"]) for s in subs])
r = sns.publish(TopicArn=arn, Message="hello from a notebook", Subject="Seed")
S.record_shape("publish", {k: v for k, v in r.items() if k != "ResponseMetadata"})
r = sns.publish(PhoneNumber="+15555550199", Message="an SMS")
S.record_shape("publish sms", {k: v for k, v in r.items() if k != "ResponseMetadata"})
attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
S.record("attr TopicArn", attrs["TopicArn"] == arn)
sns.unsubscribe(SubscriptionArn=sub["SubscriptionArn"])
sns.delete_topic(TopicArn=arn)
try:
    sns.publish(PhoneNumber="not-a-number", Message="x")
except ClientError as e:
    S.record_error("bad phone", e)
try:
    sns.get_topic_attributes(TopicArn=arn)
except sns.exceptions.NotFoundException as e:
    S.record_error("deleted topic", e)
S.done()
