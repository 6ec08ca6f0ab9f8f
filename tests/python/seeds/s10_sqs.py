"""Seed 10: an SQS queue through boto3.resource('sqs')."""
import boto3
import botocore
import seedlib as S

S.need_sns()
if not hasattr(boto3, "libawsc_version") and "+awsc" not in boto3.__version__:
    # This botocore (1.29) speaks SQS's query protocol; the local emulator
    # answers SQS in JSON 1.0 only (and routes form posts to SNS).
    import botocore.session
    proto = botocore.session.get_session().get_service_model("sqs").metadata["protocol"]
    if proto == "query":
        S.skip("Debian's botocore %s sends SQS as query; the local SQS speaks JSON only"
               % botocore.__version__)
sqs = boto3.resource("sqs", endpoint_url=S.SNS, **S.creds())
q = sqs.create_queue(QueueName=S.name("queue"), Attributes={"VisibilityTimeout": "5"})
S.record("queue type", type(q).__name__)
S.record("url", q.url.endswith(S.name("queue")))
S.record("visibility", q.attributes["VisibilityTimeout"])
r = q.send_message(MessageBody="one", MessageAttributes={
    "kind": {"DataType": "String", "StringValue": "test"}})
S.record_shape("send_message", {k: v for k, v in r.items() if k != "ResponseMetadata"})
q.send_messages(Entries=[{"Id": "a", "MessageBody": "two"}, {"Id": "b", "MessageBody": "three"}])
got = []
for _ in range(5):
    msgs = q.receive_messages(MaxNumberOfMessages=10, WaitTimeSeconds=1,
                              MessageAttributeNames=["All"])
    for m in msgs:
        got.append(m.body)
        m.delete()
    if len(got) >= 3:
        break
S.record("bodies", sorted(got))
S.record("same queue", sqs.Queue(q.url).url == q.url)
q.delete()
S.done()
