"""Unit tests of the Python binding's conversions against canned answers
(no AWS, no local servers): timestamps, blobs, nested lists and maps,
streaming bodies, errors and their ResponseMetadata, validation and
credential errors. Ends with "N passed, N failed"."""
import base64
import datetime
import hashlib
import io
import json
import os
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "bindings", "python"))

os.environ.update(AWS_ACCESS_KEY_ID="AKIDTEST", AWS_SECRET_ACCESS_KEY="secret",
                  AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/nonexistent",
                  AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
                  AWS_EC2_METADATA_DISABLED="true")

import awsc  # noqa: E402
from awsc import exceptions as exc  # noqa: E402
from fakeserver import FakeServer  # noqa: E402

UTC = datetime.timezone.utc
srv = FakeServer()
passed = failed = 0


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print("ok   %s" % name)
    except Exception:
        failed += 1
        print("FAIL %s" % name)
        traceback.print_exc(file=sys.stdout)


def s3():
    return awsc.client("s3", endpoint_url=srv.url,
                       config=awsc.Config(retries={"max_attempts": 0}))


LIST_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
<IsTruncated>false</IsTruncated>
<Contents><Key>p/a.csv</Key><LastModified>2024-05-01T10:00:00.123Z</LastModified>
<ETag>&quot;abc&quot;</ETag><Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>
<Contents><Key>p/b.csv</Key><LastModified>2023-12-31T23:59:59.000Z</LastModified>
<ETag>&quot;def&quot;</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents>
</ListBucketResult>"""


def t_timestamps_in_lists():
    srv.route("GET", lambda p, b: p.startswith("/b") and "list-type=2" in p,
              200, {"Content-Type": "application/xml", "x-amz-request-id": "RID1"}, LIST_XML)
    r = s3().list_objects_v2(Bucket="b", Prefix="p/", MaxKeys=2)
    c = r["Contents"]
    assert [o["Key"] for o in c] == ["p/a.csv", "p/b.csv"], c
    assert c[0]["LastModified"] == datetime.datetime(2024, 5, 1, 10, 0, 0, 123000, tzinfo=UTC)
    assert c[1]["LastModified"] == datetime.datetime(2023, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert c[0]["LastModified"].utcoffset() == datetime.timedelta(0)
    assert isinstance(c[0]["Size"], int) and c[1]["Size"] == 0
    assert r["IsTruncated"] is False and r["KeyCount"] == 2
    md = r["ResponseMetadata"]
    assert md["RequestId"] == "RID1" and md["HTTPStatusCode"] == 200, md
    assert md["HTTPHeaders"]["x-amz-request-id"] == "RID1"
    assert md["RetryAttempts"] == 0


def t_streaming_body_binary():
    data = bytes(range(256)) * 40 + b"\nline2\r\nline3"
    srv.route("GET", "/b/bin", 200, {"Content-Type": "application/octet-stream",
                                     "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT",
                                     "ETag": '"x"', "x-amz-meta-owner": "me"}, data)
    r = s3().get_object(Bucket="b", Key="bin")
    assert r["ContentLength"] == len(data)
    assert r["LastModified"] == datetime.datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)
    assert r["Metadata"] == {"owner": "me"}
    body = r["Body"]
    assert body.read(10) == data[:10]
    rest = b"".join(body.iter_chunks(1000))
    assert rest == data[10:]
    assert body.read() == b""
    r2 = s3().get_object(Bucket="b", Key="bin")
    lines = list(r2["Body"].iter_lines())
    assert lines == data.splitlines(), lines[-3:]
    r3 = s3().get_object(Bucket="b", Key="bin")
    assert b"".join(r3["Body"]) == data
    r3["Body"].close()


def t_pandas_read_csv():
    try:
        import pandas as pd
    except ImportError:
        print("skip pandas read_csv: pandas is not installed (python3-pandas)")
        return
    srv.route("GET", "/b/t.csv", 200, {"Content-Type": "text/csv"}, b"a,b\n1,x\n2,y\n")
    df = pd.read_csv(s3().get_object(Bucket="b", Key="t.csv")["Body"])
    assert list(df.columns) == ["a", "b"] and df["a"].sum() == 3


def t_input_conversions():
    srv.route("PUT", "/b/up", 200, {"ETag": '"e"'}, b"")
    c = s3()
    n = len(srv.requests)
    c.put_object(Bucket="b", Key="up", Body=b"text body \xc3\xa9",
                 Expires=datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
                 Metadata={"k": "v"})
    m, p, h, body = srv.requests[n]
    assert m == "PUT" and body == "text body \u00e9".encode(), body
    assert h.get("Expires") == "Wed, 02 Jan 2030 03:04:05 GMT", h.get("Expires")
    assert h.get("x-amz-meta-k") == "v"
    c.put_object(Bucket="b", Key="up", Body=io.BytesIO(b"from a file"))
    assert srv.requests[-1][3] == b"from a file"


def t_binary_put_object():
    srv.route("PUT", "/b/png", 200, {"ETag": '"p"'}, b"")
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    r = s3().put_object(Bucket="b", Key="png", Body=data, ContentType="image/png")
    assert r["ETag"] == '"p"', r
    m, p, h, body = srv.requests[-1]
    assert body == data and h.get("Content-Type") == "image/png"


def t_service_error():
    err = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code>'
           b'<Message>The specified key does not exist.</Message><Key>gone</Key>'
           b'<RequestId>RID2</RequestId></Error>')
    srv.route("GET", "/b/gone", 404, {"Content-Type": "application/xml",
                                      "x-amz-request-id": "RID2", "x-amz-id-2": "HID"}, err)
    c = s3()
    sent = len(srv.requests)
    try:
        c.get_object(Bucket="b", Key="gone")
        raise AssertionError("no error")
    except c.exceptions.NoSuchKey as e:
        assert isinstance(e, exc.ClientError)
        assert e.response["Error"]["Code"] == "NoSuchKey"
        assert e.response["Error"]["Message"] == "The specified key does not exist."
        assert e.response["Error"]["Key"] == "gone"
        md = e.response["ResponseMetadata"]
        assert md["HTTPStatusCode"] == 404 and md["RequestId"] == "RID2"
        assert md["HTTPHeaders"]["x-amz-id-2"] == "HID"
        assert e.operation_name == "GetObject"
        assert str(e) == ("An error occurred (NoSuchKey) when calling the GetObject "
                          "operation: The specified key does not exist.")
    # the reader's open gave the error document: sent once, not again
    assert len(srv.requests) - sent == 1, srv.requests[sent:]


def t_head_404_code():
    srv.route("HEAD", "/b/nohead", 404, {"x-amz-request-id": "RID3"}, b"")
    c = s3()
    try:
        c.head_object(Bucket="b", Key="nohead")
        raise AssertionError("no error")
    except exc.ClientError as e:
        assert e.response["Error"]["Code"] == "404", e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def t_param_validation():
    c = s3()
    for kwargs in ({"Bucket": "b"}, {"Bucket": "b", "Key": 5}, {"Bucket": "b", "Key": "k", "Nope": 1}):
        try:
            c.get_object(**kwargs)
            raise AssertionError("accepted %r" % kwargs)
        except exc.ParamValidationError as e:
            assert "Parameter validation failed" in str(e)
    try:
        c.get_object("positional")
        raise AssertionError("positional accepted")
    except TypeError:
        pass


def t_no_credentials():
    saved = {k: os.environ.pop(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    try:
        c = awsc.Session().client("s3", endpoint_url=srv.url)
        try:
            c.list_buckets()
            raise AssertionError("no error")
        except exc.NoCredentialsError as e:
            assert str(e) == "Unable to locate credentials"
        # anonymous clients need none
        srv.route("GET", lambda p, b: p == "/", 200, {"Content-Type": "application/xml"},
                  b"<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>")
        anon = awsc.Session().client("s3", endpoint_url=srv.url,
                                     config=awsc.Config(signature_version=awsc.UNSIGNED))
        anon.list_buckets()
        assert "Authorization" not in srv.requests[-1][2]
    finally:
        os.environ.update(saved)


SQS_MSG = {"Messages": [{"MessageId": "m1", "ReceiptHandle": "rh", "MD5OfBody": "5d41402abc4b2a76b9719d911017c592",
                         "Body": "hello", "Attributes": {"SentTimestamp": "1700000000000"},
                         "MD5OfMessageAttributes": None,
                         "MessageAttributes": {"bin": {"DataType": "Binary",
                                                       "BinaryValue": base64.b64encode(b"\x00\x01\xff").decode()},
                                               "n": {"DataType": "Number", "StringValue": "3"}}}]}


def t_sqs_blob_and_maps():
    msg = json.loads(json.dumps(SQS_MSG))
    del msg["Messages"][0]["MD5OfMessageAttributes"]
    del msg["Messages"][0]["MessageAttributes"]["bin"]
    srv.route("POST", lambda p, b: b"ReceiveMessage" in b or b"QueueUrl" in b, 200,
              {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "SQSRID"},
              json.dumps(msg).encode())
    c = awsc.client("sqs", endpoint_url=srv.url)
    r = c.receive_message(QueueUrl=srv.url + "/123/q", MessageAttributeNames=["All"])
    m = r["Messages"][0]
    assert m["Body"] == "hello" and m["Attributes"]["SentTimestamp"] == "1700000000000"
    assert m["MessageAttributes"]["n"] == {"DataType": "Number", "StringValue": "3"}, m
    assert r["ResponseMetadata"]["RequestId"] == "SQSRID"


def t_model_blob_converter():
    from awsc import _model
    m = _model.load("sqs", awsc.client("sqs", endpoint_url=srv.url)._c)
    conv = m._converter("MessageAttributeValue")
    v = conv({"DataType": "Binary", "BinaryValue": base64.b64encode(b"\x00\xff").decode(),
              "BinaryListValues": [base64.b64encode(b"a").decode()]})
    assert v["BinaryValue"] == b"\x00\xff" and v["BinaryListValues"] == [b"a"], v
    assert m._converter("String") is None
    s3m = _model.load("s3", s3()._c)
    assert s3m.streaming_input_member("PutObject") == "Body"
    assert s3m.streaming_input_member("GetObject") is None
    assert s3m.error_codes()["NoSuchKey"] == "NoSuchKey"
    assert s3m.metadata["serviceId"] == "S3" and s3m.metadata["protocol"] == "rest-xml"
    conv, streaming = s3m.output_info("GetObject")
    assert streaming == "Body"
    conv, streaming = s3m.output_info("ListBuckets")
    out = conv({"Buckets": [{"Name": "x", "CreationDate": "2020-02-29T00:00:00Z"}]})
    assert out["Buckets"][0]["CreationDate"] == datetime.datetime(2020, 2, 29, tzinfo=UTC)
    assert _model.format_timestamp(datetime.datetime(2020, 1, 1, 5, 0, 0, 250000,
                                                     tzinfo=datetime.timezone(datetime.timedelta(hours=2)))) \
        == "2020-01-01T03:00:00.250Z"


def t_sns_query_error():
    err = (b'<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error>'
           b'<Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message>'
           b'</Error><RequestId>SNSRID</RequestId></ErrorResponse>')
    srv.route("POST", lambda p, b: b"Action=Publish" in b, 404, {"Content-Type": "text/xml"}, err)
    c = awsc.client("sns", endpoint_url=srv.url)
    try:
        c.publish(TopicArn="arn:aws:sns:us-east-1:123:nope", Message="m")
        raise AssertionError("no error")
    except c.exceptions.NotFoundException as e:
        assert e.response["Error"]["Code"] == "NotFound"
        assert e.response["Error"]["Type"] == "Sender"
        assert e.response["ResponseMetadata"]["RequestId"] == "SNSRID"


def t_client_surface():
    c = s3()
    assert c.can_paginate("list_objects_v2") and not c.can_paginate("get_object")
    assert "object_exists" in c.waiter_names
    assert c.meta.region_name == "us-east-1" and c.meta.endpoint_url == srv.url
    assert "GetObject" in c.meta.service_model.operation_names
    assert c.get_object.__doc__ and "Bucket" in c.get_object.__doc__
    url = c.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=60)
    assert url.startswith(srv.url + "/b/k?") and "X-Amz-Expires=60" in url and "X-Amz-Signature=" in url
    try:
        c.get_paginator("get_object")
        raise AssertionError("no error")
    except exc.OperationNotPageableError:
        pass
    sess = awsc.Session()
    assert {"s3", "sns", "sqs", "sts"} <= set(sess.get_available_services())
    assert "s3" in sess.get_available_resources() and "sts" not in sess.get_available_resources()
    try:
        sess.client("no-such-service", region_name="us-east-1")
        raise AssertionError("no error")
    except exc.UnknownServiceError as e:
        assert "Valid service names are: " in str(e) and "s3" in str(e)
    try:
        sess.resource("sts", region_name="us-east-1")
        raise AssertionError("no error")
    except exc.ResourceNotExistsError:
        pass


def t_session_profiles():
    import tempfile
    d = tempfile.mkdtemp()
    cfg = os.path.join(d, "config")
    cred = os.path.join(d, "credentials")
    open(cfg, "w").write("[profile p1]\nregion = eu-west-3\n")
    open(cred, "w").write("[p1]\naws_access_key_id = AKIDPROFILE1\naws_secret_access_key = s1\n")
    old = {k: os.environ.get(k) for k in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
                                          "AWS_DEFAULT_REGION")}
    os.environ["AWS_CONFIG_FILE"], os.environ["AWS_SHARED_CREDENTIALS_FILE"] = cfg, cred
    del os.environ["AWS_DEFAULT_REGION"]  # the environment would win over the profile
    try:
        s = awsc.Session(profile_name="p1")
        assert s.region_name == "eu-west-3" and s.profile_name == "p1"
        assert "p1" in s.available_profiles
        assert s.get_credentials().access_key == "AKIDPROFILE1"
        srv.route("GET", lambda p, b: p == "/", 200, {"Content-Type": "application/xml"},
                  b"<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>")
        s.client("s3", endpoint_url=srv.url).list_buckets()
        auth = srv.requests[-1][2].get("Authorization", "")
        assert "Credential=AKIDPROFILE1/" in auth and "/eu-west-3/s3/" in auth, auth
        try:
            awsc.Session(profile_name="nope")
            raise AssertionError("no error")
        except exc.ProfileNotFound as e:
            assert "nope" in str(e)
        # explicit keys on the client win over the profile
        s.client("s3", endpoint_url=srv.url, aws_access_key_id="AKIDEXPLICIT",
                 aws_secret_access_key="x").list_buckets()
        assert "Credential=AKIDEXPLICIT/" in srv.requests[-1][2].get("Authorization", "")
    finally:
        for k, v in old.items():
            os.environ[k] = v


def t_events():
    from awsc.config import UNSIGNED
    srv.route("GET", "/b/ev", 200, {"Content-Type": "text/plain"}, b"ev")
    c = s3()
    seen = []

    def before(params, model, **kw):
        seen.append(("before-call", model.name, sorted(params)))

    def after(http_response, parsed, **kw):
        seen.append(("after-call", http_response.status_code, parsed["ResponseMetadata"]["HTTPStatusCode"]))

    def provide(params, **kw):
        seen.append(("provide", dict(params)))
        params["Key"] = "ev"
        return params
    c.meta.events.register("provide-client-params.s3.GetObject", provide)
    c.meta.events.register("before-call.s3.GetObject", before)
    c.meta.events.register("after-call.s3.*", after)
    assert c.get_object(Bucket="b", Key="other")["Body"].read() == b"ev"
    assert srv.requests[-1][1] == "/b/ev", srv.requests[-1][1]
    assert seen == [("provide", {"Bucket": "b", "Key": "other"}),
                    ("before-call", "GetObject", ["body", "context", "headers", "method",
                                                  "query_string", "url", "url_path"]),
                    ("after-call", 200, 200)], seen
    c.meta.events.unregister("provide-client-params.s3.GetObject", provide)
    c.meta.events.unregister("before-call.s3.GetObject", before)
    c.meta.events.unregister("after-call.s3.*", after)
    del seen[:]
    c.get_object(Bucket="b", Key="ev")
    assert seen == [], seen

    def disable_signing(**kw):
        return UNSIGNED
    c.meta.events.register("choose-signer.s3.*", disable_signing)
    c.get_object(Bucket="b", Key="ev")
    assert "Authorization" not in srv.requests[-1][2]
    c.meta.events.unregister("choose-signer.s3.*", disable_signing)
    c.get_object(Bucket="b", Key="ev")
    assert "Authorization" in srv.requests[-1][2]
    try:
        c.meta.events.register("needs-retry.s3.PutObject", before)
        raise AssertionError("an event the binding does not raise was accepted")
    except exc.UnsupportedFeature:
        pass


def t_hook_before_sign_headers():
    srv.route("PUT", "/b/hs", 200, {"ETag": '"e"'}, b"")
    c = s3()

    def sign(request, **kw):
        assert request.method == "PUT" and request.url.endswith("/b/hs"), request.url
        assert request.headers["content-type"] == "text/plain"  # any case
        request.headers["If-Match"] = '"abc"'
        request.headers["x-amz-foo"] = "bar"
        del request.headers["Content-Type"]

    def before(params, **kw):
        params["headers"]["x-amz-meta-from-before-call"] = "yes"
    c.meta.events.register("before-sign.s3.PutObject", sign)
    c.meta.events.register("before-call.s3.PutObject", before)
    c.put_object(Bucket="b", Key="hs", Body=b"x", ContentType="text/plain")
    h = {k.lower(): v for k, v in srv.requests[-1][2].items()}
    assert h.get("if-match") == '"abc"' and h.get("x-amz-foo") == "bar", h
    assert h.get("x-amz-meta-from-before-call") == "yes", h
    assert "content-type" not in h or h["content-type"] != "text/plain", h
    # the added headers are signed
    auth = h["authorization"]
    assert "if-match" in auth and "x-amz-foo" in auth, auth


def t_hook_after_call_raw():
    srv.route("GET", "/b/ac", 404, {"Content-Type": "application/xml", "x-amz-id-2": "HID"},
              b"<Error><Code>NoSuchKey</Code><Message>gone</Message><Key>ac</Key></Error>")
    srv.route("GET", lambda p, b: p.startswith("/b?") or p.startswith("/b/?"), 200,
              {"Content-Type": "application/xml", "x-amz-request-id": "R9"}, LIST_XML)
    c = s3()
    seen = []

    def after(http_response, parsed, **kw):
        seen.append((http_response.status_code, http_response.headers.get("X-Amz-Request-Id"),
                     http_response.content[:40], parsed.get("Error", {}).get("Code")))
    c.meta.events.register("after-call.s3", after)
    c.list_objects_v2(Bucket="b")
    assert seen[-1][:2] == (200, "R9") and seen[-1][2].startswith(b"<?xml"), seen
    try:
        c.get_object(Bucket="b", Key="ac")
        raise AssertionError("no error")
    except c.exceptions.NoSuchKey as e:
        assert e.response["Error"]["Key"] == "ac"
    assert seen[-1][0] == 404 and seen[-1][2].startswith(b"<Error>") and seen[-1][3] == "NoSuchKey", seen


def t_hook_before_call_answers():
    c = s3()
    n = len(srv.requests)

    def answer(params, **kw):
        return (None, {"ContentType": "text/x-answered", "ContentLength": 3})
    c.meta.events.register("before-call.s3.HeadObject", answer)
    r = c.head_object(Bucket="b", Key="nothing-sent")
    assert r["ContentType"] == "text/x-answered" and r["ContentLength"] == 3, r
    assert len(srv.requests) == n, "a request was sent"
    # the handler's own object is returned, as botocore returns it (a
    # streaming output too: its body is what the handler gave)
    body = io.BytesIO(b"from the handler")
    answer_get = {"ContentType": "text/plain", "Body": body}
    c.meta.events.register("before-call.s3.GetObject", lambda **kw: (None, answer_get))
    seen = []
    c.meta.events.register("after-call.s3.GetObject",
                           lambda http_response, parsed, **kw: seen.append((http_response, parsed)))
    r = c.get_object(Bucket="b", Key="nothing-sent")
    assert r is answer_get and r["Body"].read() == b"from the handler", r
    assert len(seen) == 1 and seen[0][1] is answer_get and seen[0][0].status_code == 200, seen
    assert len(srv.requests) == n, "a request was sent"


def t_hook_exception_raised():
    c = s3()

    class Mine(Exception):
        pass

    def boom(request, **kw):
        raise Mine("from the handler")
    c.meta.events.register("before-sign.s3.HeadObject", boom)
    try:
        c.head_object(Bucket="b", Key="x")
        raise AssertionError("no error")
    except Mine:
        pass


def t_bucket_name_check():
    def validate_bucket_name(params, **kwargs):  # botocore.handlers' name
        pass
    srv.route("GET", "/bad%21name/k", 200, {"Content-Type": "text/plain"}, b"sent")
    c = s3()
    try:
        c.get_object(Bucket="bad!name", Key="k")
        raise AssertionError("a bad bucket name was sent")
    except exc.ParamValidationError:
        pass
    c.meta.events.unregister("before-parameter-build.s3", validate_bucket_name)
    assert c.get_object(Bucket="bad!name", Key="k")["Body"].read() == b"sent"
    c.meta.events.register("before-parameter-build.s3", validate_bucket_name)
    try:
        c.get_object(Bucket="bad!name", Key="k")
        raise AssertionError("the check was not switched back on")
    except exc.ParamValidationError:
        pass


def t_bytes_body_roundtrip():
    data = bytes(range(256)) * 9 + b"\x00\xff"
    got = {}

    def put(path, body):
        got["body"] = body
        return b""
    srv.route("PUT", "/b/bin-rt", 200, {"ETag": '"e"'}, put)
    c = s3()
    r = c.put_object(Bucket="b", Key="bin-rt", Body=data, Metadata={"a": "b"})
    assert got["body"] == data and r["ETag"] == '"e"'
    assert srv.requests[-1][2].get("x-amz-meta-a") == "b"
    c.put_object(Bucket="b", Key="bin-rt", Body=io.BytesIO(data))
    assert got["body"] == data
    c.put_object(Bucket="b", Key="bin-rt", Body="text é")
    assert got["body"] == "text é".encode()
    srv.route("GET", "/b/bin-rt", 200, {"Content-Type": "application/octet-stream"}, data)
    assert c.get_object(Bucket="b", Key="bin-rt")["Body"].read() == data


def t_streaming_reader():
    lines = b"".join(b"line %d,%d\n" % (i, i * 3) for i in range(20000))
    srv.route("GET", "/b/big-lines", 200, {"Content-Type": "text/csv"}, lines)
    c = s3()
    b = c.get_object(Bucket="b", Key="big-lines")["Body"]
    assert type(b._raw_stream).__name__ == "ReaderStream"
    assert b.read(5) == b"line " and b.read(0) == b""
    rest = b"".join(b.iter_chunks(4096))
    assert b"line " + rest == lines
    b = c.get_object(Bucket="b", Key="big-lines")["Body"]
    got = list(b.iter_lines())
    assert len(got) == 20000 and got[1] == b"line 1,3", got[:2]
    b = c.get_object(Bucket="b", Key="big-lines")["Body"]
    assert b.read(10) == lines[:10]
    b.close()  # early: the rest is abandoned
    assert b.closed
    # the next call on the same thread works (its loop is shared)
    assert c.get_object(Bucket="b", Key="big-lines")["Body"].read() == lines
    buf = bytearray(100)
    b = c.get_object(Bucket="b", Key="big-lines")["Body"]
    assert b.readinto(buf) == 100 and bytes(buf) == lines[:100]
    b.close()


def t_sessions_dropped_between_bodies():
    # each session's body readers run on loops of that session, freed
    # before it (a loop's easy handles point at the session's transport)
    import gc
    srv.route("GET", "/b/sess", 200, {"Content-Type": "text/plain"}, b"s" * 3000)
    for i in range(60):
        sess = awsc.Session(aws_access_key_id="AKID%d" % i, aws_secret_access_key="x",
                            region_name="us-east-1")
        c = sess.client("s3", endpoint_url=srv.url)
        assert c.get_object(Bucket="b", Key="sess")["Body"].read() == b"s" * 3000
        half = c.get_object(Bucket="b", Key="sess")["Body"]
        assert half.read(10) == b"s" * 10
        del c, sess
        if i % 2:
            del half
        gc.collect()
        if not i % 2:
            assert half.read(5) == b"s" * 5  # its client and session still alive
            del half


def t_streaming_mixed_reads():
    # small reads come from one C read ahead (response.ReaderStream), large
    # ones straight from the reader: any mix gives the bytes in order, n
    # bytes per read(n) but at the end, and tell() counts what was handed
    # out. The server is a thread of this process: the C read releases
    # the GIL while it waits (ctypes.CDLL), or no byte would ever come.
    import random
    rnd = random.Random(11)
    data = bytes(rnd.getrandbits(8) for _ in range(700001))
    srv.route("GET", "/b/mixed", 200, {"Content-Type": "application/octet-stream"}, data)
    c = s3()
    b = c.get_object(Bucket="b", Key="mixed")["Body"]
    got = []
    pos = 0
    while True:
        kind = rnd.randrange(4)
        if kind == 0:
            n = rnd.randrange(1, 3000)
            piece = b.read(n)
            assert len(piece) == min(n, len(data) - pos), (n, len(piece), pos)
        elif kind == 1:
            n = rnd.randrange(16000, 200000)
            piece = b.read(n)
            assert len(piece) == min(n, len(data) - pos), (n, len(piece), pos)
        elif kind == 2:
            buf = bytearray(rnd.randrange(1, 50000))
            k = b.readinto(buf)
            assert 0 <= k <= len(buf)
            piece = bytes(buf[:k])
        else:
            piece = b.read(0)
            assert piece == b""
            continue
        if not piece:
            break
        got.append(piece)
        pos += len(piece)
        assert b.tell() == pos, (b.tell(), pos)
    assert b"".join(got) == data
    assert b.read() == b"" and b.read(10) == b""
    # the default iter_chunks (1 KiB) and iter_lines over the read-ahead
    b = c.get_object(Bucket="b", Key="mixed")["Body"]
    chunks = list(b.iter_chunks())
    assert b"".join(chunks) == data and all(len(x) == 1024 for x in chunks[:-1])
    b = c.get_object(Bucket="b", Key="mixed")["Body"]
    assert b.read(10) == data[:10] and b.read() == data[10:]
    b = c.get_object(Bucket="b", Key="mixed")["Body"]
    assert b.read(10) == data[:10]
    b.close()
    assert b.closed


def t_streaming_small_reads_do_not_wait():
    # a server that sends 1000 bytes of a 200000-byte body and stalls: a
    # small read returns its bytes at once, as botocore's (the read ahead
    # takes what has arrived, awsc_body_reader_read_some, and never waits
    # for its full 256 KiB)
    import socket
    import threading
    import time
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    gone = threading.Event()

    def serve():
        conn, _ = ls.accept()
        req = b""
        while b"\r\n\r\n" not in req:
            req += conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 200000\r\nETag: \"s\"\r\n\r\n"
                     + b"q" * 1000)
        gone.wait(20)
        conn.close()
    th = threading.Thread(target=serve, daemon=True)
    th.start()
    try:
        c = awsc.client("s3", endpoint_url="http://127.0.0.1:%d" % ls.getsockname()[1],
                        region_name="us-east-1", aws_access_key_id="AKID",
                        aws_secret_access_key="secret",
                        config=awsc.Config(retries={"max_attempts": 0}, read_timeout=10))
        b = c.get_object(Bucket="b", Key="stall")["Body"]
        t0 = time.time()
        assert b.read(10) == b"q" * 10
        assert b"".join(b.read(100) for _ in range(9)) == b"q" * 900
        assert b.read(90) == b"q" * 90 and b.tell() == 1000
        assert time.time() - t0 < 5, "a small read waited for more than it asked"
        b.close()
    finally:
        gone.set()
        th.join()
        ls.close()


def t_streaming_cut_short():
    # Content-Length says more than arrives: the read fails mid-body
    srv.route("GET", "/b/short", 200, {"Content-Type": "text/plain", "Content-Length": "100000"},
              b"x" * 1000)
    c = awsc.client("s3", endpoint_url=srv.url,
                    config=awsc.Config(retries={"max_attempts": 0}, read_timeout=2))
    try:
        b = c.get_object(Bucket="b", Key="short")["Body"]
        b.read()
        raise AssertionError("no error")
    except (exc.ResponseStreamingError, exc.ReadTimeoutError, exc.ClientError,
            exc.IncompleteReadError):
        pass


def t_presigned_post():
    c = s3()
    p = c.generate_presigned_post("b", "up/${filename}", Fields={"acl": "public-read"},
                                  Conditions=[{"acl": "public-read"},
                                              ["content-length-range", 1, 1000]],
                                  ExpiresIn=600)
    assert p["url"].startswith(srv.url) and p["fields"]["key"] == "up/${filename}", p
    for f in ("policy", "x-amz-signature", "x-amz-credential", "x-amz-date", "x-amz-algorithm"):
        assert f in p["fields"], f
    pol = json.loads(base64.b64decode(p["fields"]["policy"]))
    assert {"acl": "public-read"} in pol["conditions"], pol
    assert ["starts-with", "$key", "up/"] in pol["conditions"], pol
    try:
        c.generate_presigned_post("b", "k", Conditions="not a list")
        raise AssertionError("no error")
    except exc.ParamValidationError:
        pass


def t_date_alone_timestamp():
    srv.route("HEAD", "/b/dated", 200, {"Content-Length": "1", "ETag": '"e"'}, b"")
    s3().head_object(Bucket="b", Key="dated", IfModifiedSince="2017-09-27")
    h = {k.lower(): v for k, v in srv.requests[-1][2].items()}
    assert h.get("if-modified-since") == "Wed, 27 Sep 2017 00:00:00 GMT", h
    # botocore's other text forms, read by the C library (the binding
    # passes the text as it is)
    for text in ("Sep 27 2017", "2017/9/27", "27 Sep 2017 00:00:00 GMT"):
        s3().head_object(Bucket="b", Key="dated", IfModifiedSince=text)
        h = {k.lower(): v for k, v in srv.requests[-1][2].items()}
        assert h.get("if-modified-since") == "Wed, 27 Sep 2017 00:00:00 GMT", (text, h)
    try:
        s3().head_object(Bucket="b", Key="dated", IfModifiedSince="not a date")
        raise AssertionError("no error")
    except exc.ParamValidationError:
        pass


def t_lazy_docstrings():
    import subprocess
    prog = ("import inspect, awsc\n"
            "c = awsc.client('s3', endpoint_url=%r)\n"
            "assert c._model._docs is None, 'the model file was read at client creation'\n"
            "doc = inspect.getdoc(c.get_object)\n"
            "assert 'Request syntax: client.get_object' in doc and ':param Bucket:' in doc, doc\n"
            "assert 'Bucket' in c.head_object.__doc__\n"
            "print('docs ok')\n" % srv.url)
    env = dict(os.environ, PYTHONPATH=os.path.join(HERE, "..", "..", "bindings", "python"))
    p = subprocess.run([sys.executable, "-c", prog], env=env, capture_output=True, text=True)
    assert p.returncode == 0 and "docs ok" in p.stdout, p.stdout + p.stderr


def t_real_botocore_bases():
    try:
        import botocore.exceptions as real
    except ImportError:
        print("skip real botocore bases: no botocore installed")
        return
    if getattr(__import__("botocore"), "_AWSC_DROPIN", False):
        assert real.ClientError is exc.ClientError
        return
    for name in ("ClientError", "ParamValidationError", "NoCredentialsError", "BotoCoreError",
                 "WaiterError", "EndpointConnectionError"):
        assert issubclass(getattr(exc, name), getattr(real, name)), name
    srv.route("GET", "/b/gone2", 404, {"Content-Type": "application/xml"},
              b"<Error><Code>NoSuchKey</Code><Message>m</Message></Error>")
    try:
        s3().get_object(Bucket="b", Key="gone2")
        raise AssertionError("no error")
    except real.ClientError as e:
        assert e.response["Error"]["Code"] == "NoSuchKey"


def t_threads():
    import threading
    srv.route("GET", "/b/th", 200, {"Content-Type": "text/plain"}, b"t" * 4096)
    c = s3()
    errors = []

    def work():
        try:
            for _ in range(25):
                assert c.get_object(Bucket="b", Key="th")["Body"].read() == b"t" * 4096
        except Exception as e:  # reported below
            errors.append(e)
    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors, errors


def t_large_body():
    data = os.urandom(700 * 1024)  # above the size decoded apart (_lib.call)
    srv.route("GET", "/b/large", 200, {"Content-Type": "application/octet-stream",
                                       "x-amz-meta-body": "not the body"}, data)
    r = s3().get_object(Bucket="b", Key="large")
    assert r["Body"].read() == data and r["ContentLength"] == len(data)
    assert r["Metadata"] == {"body": "not the body"}


def t_resources_fake():
    srv.route("GET", lambda p, b: p.startswith("/rb?"), 200,
              {"Content-Type": "application/xml"}, LIST_XML.replace(b"<Name>b</Name>", b"<Name>rb</Name>"))
    srv.route("HEAD", "/rb/p/a.csv", 200, {"Content-Length": "12", "Content-Type": "text/csv",
                                           "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT",
                                           "ETag": '"abc"'}, b"")
    srv.route("GET", "/rb/p/a.csv", 200, {"Content-Type": "text/csv"}, b"a,b\n1,2\n3,4\n")
    r = awsc.resource("s3", endpoint_url=srv.url)
    b = r.Bucket("rb")
    assert b.name == "rb" and repr(b) == "s3.Bucket(name='rb')"
    objs = list(b.objects.filter(Prefix="p/"))
    assert [o.key for o in objs] == ["p/a.csv", "p/b.csv"], objs
    assert objs[0].size == 12 and objs[0].last_modified.year == 2024
    assert [o.key for o in b.objects.filter(Prefix="p/").limit(1)] == ["p/a.csv"]
    o = r.Object("rb", "p/a.csv")
    assert o.content_length == 12 and o.content_type == "text/csv"
    assert o.last_modified == datetime.datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert o.get()["Body"].read() == b"a,b\n1,2\n3,4\n"
    assert o.Bucket() == b and b.Object("p/a.csv") == o
    srv.route("GET", lambda p, b: p.startswith("/rb-missing?"), 404,
              {"Content-Type": "application/xml"},
              b"<Error><Code>NoSuchBucket</Code><Message>no bucket</Message></Error>")
    try:
        list(r.Bucket("rb-missing").objects.all())
        raise AssertionError("no error")
    except exc.ClientError as e:
        assert e.response["Error"] == {"Code": "NoSuchBucket", "Message": "no bucket"}, e.response
        assert e.operation_name == "ListObjects", e.operation_name
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def t_transfer_verify_etag_md5():
    # a single-part object whose ETag is not the MD5 of what is served
    data = b"the body as served\n" * 50
    head = {"Content-Length": str(len(data)), "Content-Type": "text/plain",
            "ETag": '"%s"' % hashlib.md5(b"what was uploaded").hexdigest()}
    srv.route("HEAD", "/b/md5", 200, head, b"")
    srv.route("GET", "/b/md5", 200, head, data)
    from awsc.transfer import TransferConfig
    c = s3()
    with tempfile.TemporaryDirectory() as d:
        target = os.path.join(d, "f")
        for v in (None, False):
            c.download_file("b", "md5", target, Config=TransferConfig(verify_etag_md5=v))
            with open(target, "rb") as f:
                assert f.read() == data, v
        os.unlink(target)
        try:
            c.download_file("b", "md5", target, Config=TransferConfig(verify_etag_md5=True))
            raise AssertionError("no error")
        except exc.FlexibleChecksumError as e:
            assert "MD5" in str(e), repr(e)
        assert not os.path.exists(target), os.listdir(d)
        assert os.listdir(d) == [], os.listdir(d)


for name, fn in list(globals().items()):
    if name.startswith("t_") and callable(fn):
        check(name[2:], fn)
srv.close()
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
