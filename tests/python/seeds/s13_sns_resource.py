"""Seed 13: boto3.resource('sns'): topics, subscriptions through the
resource, publish, attributes, collections, delete."""
import boto3
import seedlib as S

S.need_sns()
sns = boto3.resource("sns", endpoint_url=S.SNS, **S.creds())
t = sns.create_topic(Name=S.name("restopic"))
S.record("topic type", type(t).__name__.split(".")[-1])
S.record("arn", t.arn.endswith(S.name("restopic")))
S.record("in topics.all()", t.arn in [x.arn for x in sns.topics.all()])
S.record("attributes TopicArn", t.attributes["TopicArn"] == t.arn)
sub = t.subscribe(Protocol="sms", Endpoint="+15555550142", ReturnSubscriptionArn=True)
S.record("subscription type", type(sub).__name__.split(".")[-1])
S.record("sub arn", sub.arn.startswith(t.arn))
S.record("subs", [(s.attributes["Protocol"], s.attributes["Endpoint"]) for s in t.subscriptions.all()])
r = t.publish(Message="hello via the resource", Subject="Res")
S.record_shape("publish", {k: v for k, v in r.items() if k != "ResponseMetadata"})
t.set_attributes(AttributeName="DisplayName", AttributeValue="Seed13")
t.reload()
S.record("display name", t.attributes["DisplayName"])
sub.delete()
S.record("subs after", len(list(t.subscriptions.all())))
t.delete()
S.record("gone", t.arn not in [x.arn for x in sns.topics.all()])
S.done()
