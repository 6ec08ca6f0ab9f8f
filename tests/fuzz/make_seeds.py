#!/usr/bin/env python3
"""tests/fuzz/make_seeds.py - writes the hand-made seed inputs of the fuzz
targets into tests/fuzz/corpus/<target>/seed_* (the input layouts are
described at the top of each fuzz_<target>.c). Inputs the fuzzers found
sit next to them under their SHA-1 names. Run from anywhere; rewrites
only seed_* files."""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, "seed_" + name), "wb") as f:
        f.write(data)


# ---- credential_process: the reply JSON ----
write("credential_process", "full",
      '{"Version":1,"AccessKeyId":"AKIDEXAMPLE","SecretAccessKey":'
      '"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"tok",'
      '"Expiration":"2030-01-01T00:00:00Z"}')
write("credential_process", "no_expiry",
      '{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"s/k/abcdefgh"}')
write("credential_process", "bad_version",
      '{"Version":2,"AccessKeyId":"AKID","SecretAccessKey":"x"}')
write("credential_process", "bad_expiry",
      '{"Version":1,"AccessKeyId":"A","SecretAccessKey":"secret/123456",'
      '"Expiration":"tomorrow"}')

# ---- json_input: byte 0 = operation (| 0x80: no validation) ----
JI = ["PutObject", "DeleteObjects", "PutBucketLifecycleConfiguration",
      "CompleteMultipartUpload", "ListObjectsV2", "SelectObjectContent",
      "SendMessageBatch", "ReceiveMessage"]
ji = {
    0: '{"Bucket":"b","Key":"k","Body":"hello","ContentLength":5,'
       '"Metadata":{"a":"1"},"Expires":"2030-01-01T00:00:00Z",'
       '"ChecksumAlgorithm":"CRC32","ACL":"private","ObjectLockRetainUntilDate":1700000000}',
    1: '{"Bucket":"b","Delete":{"Objects":[{"Key":"a"},{"Key":"b","VersionId":"v"}],'
       '"Quiet":true}}',
    2: '{"Bucket":"b","LifecycleConfiguration":{"Rules":[{"ID":"r","Status":"Enabled",'
       '"Filter":{"And":{"Prefix":"p/","Tags":[{"Key":"k","Value":"v"}],'
       '"ObjectSizeGreaterThan":10}},"Expiration":{"Days":30},'
       '"Transitions":[{"Days":1,"StorageClass":"GLACIER"}]}]}}',
    3: '{"Bucket":"b","Key":"k","UploadId":"u","MultipartUpload":{"Parts":'
       '[{"ETag":"\\"e\\"","PartNumber":1},{"ETag":"x","PartNumber":2}]}}',
    4: '{"Bucket":"b","Prefix":"a/","MaxKeys":10,"ContinuationToken":"t",'
       '"FetchOwner":false}',
    5: '{"Bucket":"b","Key":"k","Expression":"select * from s3object",'
       '"ExpressionType":"SQL","InputSerialization":{"CSV":{}},'
       '"OutputSerialization":{"JSON":{}}}',
    6: '{"QueueUrl":"https://q","Entries":[{"Id":"1","MessageBody":"m",'
       '"DelaySeconds":1,"MessageAttributes":{"a":{"DataType":"Binary",'
       '"BinaryValue":"AAEC"}}}]}',
    7: '{"QueueUrl":"https://q","MaxNumberOfMessages":10,"WaitTimeSeconds":0,'
       '"MessageAttributeNames":["All"],"VisibilityTimeout":1.5}',
}
for i, body in ji.items():
    write("json_input", JI[i], bytes([i]) + body.encode())
write("json_input", "PutObject_novalidate", b"\x80" + ji[0].encode())
write("json_input", "PutObject_bad_types",
      b"\x00" + b'{"Bucket":1,"Key":"","Foo":2,"ContentLength":"x",'
      b'"Metadata":{"a":1},"Expires":"never","Key":"a\\ud800b"}')
write("json_input", "DeleteObjects_novalidate",
      b"\x81" + b'{"Delete":{"Objects":"x","Quiet":"true"},"Bucket":null}')

# ---- json_output: byte 0 = operation (| 0x80: a 400 error answer) ----
JO = ["ReceiveMessage", "ListQueues", "GetQueueAttributes", "SendMessageBatch",
      "GetQueueUrl", "ListQueueTags", "ListMessageMoveTasks",
      "DeleteMessageBatch"]
jo = {
    0: '{"Messages":[{"MessageId":"m","ReceiptHandle":"r","MD5OfBody":"x",'
       '"Body":"hi","Attributes":{"SentTimestamp":"1"},"MessageAttributes":'
       '{"a":{"DataType":"Binary","BinaryValue":"AAEC"},"n":{"DataType":"Number",'
       '"StringValue":"1"}}}]}',
    1: '{"QueueUrls":["https://q/1","https://q/2"],"NextToken":"t"}',
    2: '{"Attributes":{"VisibilityTimeout":"30","Policy":"{}"}}',
    3: '{"Successful":[{"Id":"1","MessageId":"m","MD5OfMessageBody":"x"}],'
       '"Failed":[{"Id":"2","SenderFault":true,"Code":"c"}]}',
    4: '{"QueueUrl":"https://q"}',
    5: '{"Tags":{"a":"b"}}',
    6: '{"Results":[{"TaskHandle":"h","Status":"RUNNING",'
       '"ApproximateNumberOfMessagesMoved":12,"StartedTimestamp":1700000000000}]}',
    7: '{"Successful":[],"Failed":[]}',
}
for i, body in jo.items():
    write("json_output", JO[i], bytes([i]) + body.encode())
write("json_output", "error_type",
      b"\x84" + b'{"__type":"com.amazonaws.sqs#QueueDoesNotExist",'
      b'"message":"The specified queue does not exist."}')
write("json_output", "error_plain", b"\x80" + b"Service Unavailable")
write("json_output", "bad_number",
      b"\x06" + b'{"Results":[{"ApproximateNumberOfMessagesMoved":"1x2"}]}')

# ---- xml_output: byte 0 = operation (| 0x80: a 404 error answer) ----
NS = ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
xo = {
    0: '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult' + NS + '>'
       '<Name>b</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>'
       '<IsTruncated>true</IsTruncated><NextContinuationToken>t</NextContinuationToken>'
       '<Contents><Key>a&amp;b</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>'
       '<ETag>&quot;e&quot;</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass>'
       '<ChecksumAlgorithm>CRC32</ChecksumAlgorithm></Contents>'
       '<Contents><Key>c</Key><Size>0</Size></Contents>'
       '<CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes></ListBucketResult>',
    1: '<ListAllMyBucketsResult' + NS + '><Owner><ID>o</ID><DisplayName>d</DisplayName>'
       '</Owner><Buckets><Bucket><Name>b1</Name><CreationDate>2019-12-11T23:32:47+00:00'
       '</CreationDate></Bucket><Bucket><Name>b2</Name></Bucket></Buckets>'
       '</ListAllMyBucketsResult>',
    2: '<LocationConstraint' + NS + '>EU</LocationConstraint>',
    3: '<DeleteResult' + NS + '><Deleted><Key>a</Key></Deleted><Error><Key>b</Key>'
       '<Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>',
    4: '<ListMultipartUploadsResult' + NS + '><Bucket>b</Bucket><Upload><Key>k</Key>'
       '<UploadId>u</UploadId><Initiated>2010-11-10T20:48:33.000Z</Initiated>'
       '</Upload><MaxUploads>3</MaxUploads></ListMultipartUploadsResult>',
    5: '<LifecycleConfiguration' + NS + '><Rule><ID>r</ID><Filter><And><Prefix>p'
       '</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter><Status>Enabled'
       '</Status><Expiration><Days>30</Days></Expiration></Rule></LifecycleConfiguration>',
    6: '<Tagging' + NS + '><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet>'
       '</Tagging>',
    7: '<ListVersionsResult' + NS + '><Version><Key>k</Key><VersionId>v</VersionId>'
       '<IsLatest>true</IsLatest><Size>1</Size></Version><DeleteMarker><Key>d</Key>'
       '</DeleteMarker></ListVersionsResult>',
}
XO = ["ListObjectsV2", "ListBuckets", "GetBucketLocation", "DeleteObjects",
      "ListMultipartUploads", "GetBucketLifecycleConfiguration",
      "GetObjectTagging", "ListObjectVersions"]
for i, body in xo.items():
    write("xml_output", XO[i], bytes([i]) + body.encode())
write("xml_output", "bad_maxkeys", b"\x00" + xo[0].replace(
    "<MaxKeys>1000", "<MaxKeys>10O0").encode())
write("xml_output", "dtd", b"\x01" + b'<!DOCTYPE x [<!ENTITY e "b1">]>'
      b'<ListAllMyBucketsResult><Buckets><Bucket><Name>&e;</Name></Bucket>'
      b'</Buckets></ListAllMyBucketsResult>')
write("xml_output", "cdata_comment", b"\x06" + b'<?xml version="1.0"?><!-- c -->'
      b'<Tagging><TagSet><Tag><Key><![CDATA[<k>]]></Key><Value>&#x41;&#66;</Value>'
      b'</Tag></TagSet></Tagging>')
write("xml_output", "error_404", b"\x80" + b'<?xml version="1.0"?><Error><Code>'
      b'NoSuchKey</Code><Message>The key does not exist</Message><Key>k</Key>'
      b'<RequestId>r</RequestId><HostId>h</HostId></Error>')
write("xml_output", "error_empty", b"\x81")


# ---- eventstream: byte 0 = mode (bit 0: fix CRCs); messages ----
def es_header(name, typ, value):
    h = bytes([len(name)]) + name.encode() + bytes([typ])
    if typ in (0, 1):
        return h
    if typ == 2:
        return h + struct.pack(">b", value)
    if typ == 3:
        return h + struct.pack(">h", value)
    if typ == 4:
        return h + struct.pack(">i", value)
    if typ in (5, 8):
        return h + struct.pack(">q", value)
    if typ == 9:
        return h + value
    v = value.encode() if isinstance(value, str) else value
    return h + struct.pack(">H", len(v)) + v


def es_message(headers, payload):
    hb = b"".join(es_header(*h) for h in headers)
    total = 16 + len(hb) + len(payload)
    prelude = struct.pack(">II", total, len(hb))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    msg = prelude + hb + payload
    return msg + struct.pack(">I", zlib.crc32(msg))


def ev(event, payload, ctype="application/octet-stream"):
    return es_message([(":message-type", 7, "event"), (":event-type", 7, event),
                       (":content-type", 7, ctype)], payload)


records = ev("Records", b"a,b\n1,2\n")
stats = ev("Stats", b"<Stats><BytesScanned>10</BytesScanned><BytesProcessed>10"
           b"</BytesProcessed><BytesReturned>8</BytesReturned></Stats>", "text/xml")
progress = ev("Progress", b"<Progress><BytesScanned>1</BytesScanned></Progress>",
              "text/xml")
end = ev("End", b"")
cont = ev("Cont", b"")
write("eventstream", "select", b"\x00" + records + cont + progress + stats + end)
write("eventstream", "select_fix", b"\x01" + records + stats + end)
write("eventstream", "error", b"\x00" + es_message(
    [(":message-type", 7, "error"), (":error-code", 7, "InternalError"),
     (":error-message", 7, "boom")], b""))
write("eventstream", "exception", b"\x00" + es_message(
    [(":message-type", 7, "exception"), (":exception-type", 7, "X")], b"{}"))
write("eventstream", "all_header_types", b"\x01" + es_message(
    [(":message-type", 7, "event"), (":event-type", 7, "Records"),
     ("t", 0, None), ("f", 1, None), ("b", 2, -1), ("s", 3, 300),
     ("i", 4, -70000), ("l", 5, 1 << 40), ("by", 6, b"\x00\x01"),
     ("ts", 8, 1700000000000), ("u", 9, bytes(range(16)))], b"x"))
write("eventstream", "unknown_event", b"\x00" + ev("Nope", b"?") + end)
write("eventstream", "bad_crc", b"\x00" + records[:-1] + b"\x00")
write("eventstream", "truncated", b"\x00" + records[:20])
write("eventstream", "empty", b"\x01")

# ---- endpoints: rule set byte, 3 bytes "set", 3 bytes bool values, lines ----
S3P = ["Bucket", "Region", "UseFIPS", "UseDualStack", "Endpoint",
       "ForcePathStyle", "Accelerate", "UseGlobalEndpoint",
       "UseObjectLambdaEndpoint", "Key", "Prefix", "CopySource",
       "DisableAccessPoints", "DisableMultiRegionAccessPoints", "UseArnRegion",
       "UseS3ExpressControlEndpoint", "DisableS3ExpressSessionAuth"]
STSP = ["Region", "UseDualStack", "UseFIPS", "Endpoint", "UseGlobalEndpoint"]


def ep(rs, names, params):
    order = S3P if rs == 0 else STSP
    set_m = val_m = 0
    lines = []
    for i, n in enumerate(order):
        if n not in params:
            continue
        set_m |= 1 << i
        v = params[n]
        if isinstance(v, bool):
            val_m |= int(v) << i
    for n in order:  # strings in parameter order
        if n in params and not isinstance(params[n], bool):
            lines.append(params[n])
    return (bytes([rs]) + set_m.to_bytes(3, "little") +
            val_m.to_bytes(3, "little") + "\n".join(lines).encode())


eps = {
    "s3_virtual": (0, {"Bucket": "my-bucket", "Region": "us-west-2"}),
    "s3_path": (0, {"Bucket": "my.bucket", "Region": "eu-central-1",
                    "ForcePathStyle": True}),
    "s3_fips_dualstack": (0, {"Bucket": "b-1", "Region": "us-gov-west-1",
                              "UseFIPS": True, "UseDualStack": True}),
    "s3_endpoint": (0, {"Bucket": "b", "Region": "us-east-1",
                        "Endpoint": "http://127.0.0.1:7480/base"}),
    "s3_accesspoint_arn": (0, {"Bucket": "arn:aws:s3:us-west-2:123456789012:"
                               "accesspoint/myendpoint", "Region": "us-west-2",
                               "UseArnRegion": True}),
    "s3_outposts_arn": (0, {"Bucket": "arn:aws:s3-outposts:us-west-2:123456789012:"
                            "outpost/op-01234567890123456/accesspoint/reports",
                            "Region": "us-west-2"}),
    "s3_mrap": (0, {"Bucket": "arn:aws:s3::123456789012:accesspoint:"
                    "mfzwi23gnjvgw.mrap", "Region": "us-east-1"}),
    "s3_object_lambda": (0, {"Bucket": "arn:aws:s3-object-lambda:us-east-1:"
                             "123456789012:accesspoint/mybanner",
                             "Region": "us-east-1"}),
    "s3_express": (0, {"Bucket": "mybucket--usw2-az1--x-s3",
                       "Region": "us-west-2"}),
    "s3_accelerate": (0, {"Bucket": "bucket", "Region": "us-east-1",
                          "Accelerate": True, "UseGlobalEndpoint": True}),
    "s3_no_region": (0, {"Bucket": "bucket"}),
    "s3_bad_region": (0, {"Bucket": "b", "Region": "a b"}),
    "s3_ipv6_endpoint": (0, {"Region": "us-east-1",
                             "Endpoint": "https://[::1]:8443/x/"}),
    "s3_china": (0, {"Bucket": "b", "Region": "cn-north-1", "Key": "k",
                     "Prefix": "p", "CopySource": "b/k"}),
    "sts_global": (1, {"Region": "us-east-1", "UseGlobalEndpoint": True}),
    "sts_fips": (1, {"Region": "us-west-2", "UseFIPS": True}),
    "sts_endpoint": (1, {"Region": "eu-west-1", "Endpoint": "https://sts.local"}),
}
for name, (rs, params) in eps.items():
    write("endpoints", name, ep(rs, None, params))

# ---- arn_url: one string ----
for name, s in {
    "arn_accesspoint": "arn:aws:s3:us-west-2:123456789012:accesspoint/myendpoint",
    "arn_outposts": "arn:aws:s3-outposts:us-west-2:123456789012:outpost:op-1:accesspoint:ap",
    "arn_empty_fields": "arn:aws:iam:::role/x",
    "arn_short": "arn:aws:s3",
    "url_http": "http://example.com",
    "url_https_port_path": "https://Example.COM:8443/a/b/?",
    "url_ipv4": "http://127.0.0.1:7480",
    "url_ipv6_zone": "https://[fe80::1%25eth0]:443/",
    "url_query": "https://h/p?q=1",
    "url_bad_port": "http://h:99999/",
    "host_labels": "my-bucket.sub.domain",
    "split": "/a/b//c/",
    "utf8": "caf\u00e9 \u20ac/%",
}.items():
    write("arn_url", name, s)

# ---- jmespath: an expression ----
for name, s in {
    "field": "NextContinuationToken",
    "sub": "Nested.a.b.c[1][1][0]",
    "projection": "Contents[].Key",
    "wildcard": "Reservations[*].Instances[*].State.Name",
    "filter": "Contents[?Size > `1`].Key",
    "filter_and": "Contents[?Key == 'a' && !(Size < `0`)] | [0]",
    "flatten": "Nested.a.b.c[][]",
    "functions": "length(Contents) == `3` || contains(keys(@), 'Status')",
    "values": "values(Nested.a)",
    "literal": "`{\"a\": [1, 2.5, \"x\", null, true]}`",
    "quoted": "\"Key With Space\".x || Flags[-1]",
    "or_chain": "IsTruncated && NextContinuationToken || `null`",
    "not_supported": "Contents[0:2]",
    "multiselect": "{a: Status}",
    "bad": "Contents[?",
}.items():
    write("jmespath", name, s)

# ---- sigv4: flags byte, then path, "?query" and "header:value" lines ----
for name, (flags, text) in {
    "get_object": (0x29, "/my-key\nHost:examplebucket.s3.amazonaws.com\n"
                   "Range:bytes=0-9"),
    "list_query": (0x00, "/\n?list-type=2\n?prefix=a b/\n?max-keys=10\n?empty\n"
                   "X-Amz-Meta-A:  x   y  \n"),
    "normalize": (0x00, "/a/./b/../c//d/%41%2f\n?a=%\nmy-header:1\nMy-Header:2"),
    "s3_raw": (0x27, "/a b/%2F/\u00e9/..\nx-amz-meta-k:\tv\t\n"),
    "presign": (0x50, "/k\n?X-Amz-Expires=1\n?response-content-type=text/plain"),
    "presign_token": (0x50, "/k\n?versionId=v"),
    "bad_escape": (0x00, "/%zz\nhost:h"),
    "bad_header": (0x00, "/\nbad name:v\n:x\n"),
    "skipped_headers": (0x08, "/\nUser-Agent:x\nAuthorization:y\nX-Amz-Date:z\n"
                        "Connection:keep-alive\nx-amz-content-sha256:abc"),
}.items():
    write("sigv4", name, bytes([flags]) + text.encode())

# ---- json: a JSON text ----
for name, s in {
    "object": b'{"a":1,"b":[true,false,null],"c":{"d":"e\\u00e9\\n"}}',
    "numbers": b'[1,-2.5e10,0.0,1E+2,-0]',
    "escapes": b'"\\ud83d\\ude00 \\ud800 x\\"\\\\\\/\\b\\f\\n\\r\\t"',
    "nested": b'[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]',
    "bad_trailing_comma": b'{"a":1,}',
    "utf8_bom": b'\xef\xbb\xbf{"k":"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"}',
    "bad_colon": b'{"a" 1}',
    "bad_utf8": b'"\xc0\xaf"',
    "model_like": b'{"documentation":"x","shapes":{"A":{"type":"string",'
                  b'"documentation":"<p>d</p>"}}}',
    "null_ws": b'  \n null \n ',
    "credentials": b'{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":'
                   b'"sk/x","SessionToken":"t","Expiration":"2026-01-01T00:00:00Z"}',
    "deep_escapes": b'["' + b'\\u0000' * 200 + b'"]',
}.items():
    write("json", name, s)

# ---- pagination_token: names byte (bit 0: three names), the token ----
import base64  # noqa: E402


def b64(s):
    return base64.b64encode(s.encode()).decode()


for name, (sel, tok) in {
    "json_one": (0, b64('{"ContinuationToken": "abc"}')),
    "json_truncate": (0, b64('{"ContinuationToken": "1/x", "boto_truncate_amount": 2}')),
    "json_three": (1, b64('{"KeyMarker": "k", "VersionIdMarker": null, "Marker": 5}')),
    "json_unknown_key": (0, b64('{"Other": 1}')),
    "json_encoded_keys": (0, b64('{"ContinuationToken": "x", "boto_encoded_keys": [["ContinuationToken"]]}')),
    "json_unicode": (0, b64('{"ContinuationToken": "\\u00e9\\ud83d\\ude00"}')),
    "old_form": (1, "k___v___3"),
    "old_form_two": (1, "k___v"),
    "opaque": (0, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="),
    "not_b64": (0, "abc"),
}.items():
    write("pagination_token", name, bytes([sel]) + tok.encode())
