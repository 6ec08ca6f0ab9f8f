"""tests/fault/direct_s3.py - a minimal S3 client (Python standard library,
SigV4 with a signed payload, path-style) that talks to the server directly,
never through the fault proxy and never through awsc: the fault suite's
independent view of what the server holds."""
import datetime
import hashlib
import hmac
import http.client
import urllib.parse
import xml.etree.ElementTree as ET

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def _q(s, safe="-_.~"):
    return urllib.parse.quote(s, safe=safe)


class S3Error(Exception):
    def __init__(self, status, body):
        super().__init__("HTTP %d: %s" % (status, body[:200]))
        self.status = status


class DirectS3:
    def __init__(self, endpoint, access_key, secret_key, region="us-east-1"):
        u = urllib.parse.urlsplit(endpoint)
        self.host = u.hostname
        self.port = u.port or 80
        self.hostport = u.netloc
        self.ak = access_key
        self.sk = secret_key
        self.region = region

    def _sign(self, method, path, query, headers, payload_hash):
        now = datetime.datetime.now(datetime.timezone.utc)
        amz = now.strftime("%Y%m%dT%H%M%SZ")
        day = amz[:8]
        headers = dict(headers)
        headers["host"] = self.hostport
        headers["x-amz-date"] = amz
        headers["x-amz-content-sha256"] = payload_hash
        names = sorted(k.lower() for k in headers)
        canon_headers = "".join("%s:%s\n" % (k.lower(), str(headers[k]).strip())
                                for k in sorted(headers, key=str.lower))
        canon_query = "&".join("%s=%s" % (_q(k), _q(v))
                               for k, v in sorted(query.items()))
        creq = "\n".join([method, _q(path, "/-_.~"), canon_query,
                          canon_headers, ";".join(names), payload_hash])
        scope = "%s/%s/s3/aws4_request" % (day, self.region)
        sts = "\n".join(["AWS4-HMAC-SHA256", amz, scope,
                         hashlib.sha256(creq.encode()).hexdigest()])
        k = ("AWS4" + self.sk).encode()
        for part in (day, self.region, "s3", "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
        headers["authorization"] = (
            "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
            % (self.ak, scope, ";".join(names), sig))
        return headers, canon_query

    def request(self, method, path, query=None, body=b"", ok=(200, 204)):
        query = query or {}
        headers, qs = self._sign(method, path, query, {},
                                 hashlib.sha256(body).hexdigest())
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            conn.request(method, _q(path, "/-_.~") + ("?" + qs if qs else ""),
                         body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        if resp.status not in ok:
            raise S3Error(resp.status, data.decode("utf-8", "replace"))
        return resp.status, dict(resp.getheaders()), data

    # ---- the few operations the suite needs ----
    def create_bucket(self, bucket):
        self.request("PUT", "/" + bucket)

    def put(self, bucket, key, data):
        self.request("PUT", "/%s/%s" % (bucket, key), body=data)

    def sha256(self, bucket, key):
        """Hex SHA-256 of the object, or None when it does not exist."""
        try:
            _, _, data = self.request("GET", "/%s/%s" % (bucket, key))
        except S3Error as e:
            if e.status == 404:
                return None
            raise
        return hashlib.sha256(data).hexdigest()

    def keys(self, bucket, prefix=""):
        out, token = [], None
        while True:
            q = {"list-type": "2", "prefix": prefix}
            if token:
                q["continuation-token"] = token
            _, _, data = self.request("GET", "/" + bucket, q)
            root = ET.fromstring(data)
            out += [c.findtext(NS + "Key") for c in root.iter(NS + "Contents")]
            token = root.findtext(NS + "NextContinuationToken")
            if not token:
                return out

    def uploads(self, bucket):
        """[(key, upload_id)] of the multipart uploads in progress."""
        _, _, data = self.request("GET", "/" + bucket, {"uploads": ""})
        root = ET.fromstring(data)
        return [(u.findtext(NS + "Key"), u.findtext(NS + "UploadId"))
                for u in root.iter(NS + "Upload")]

    def abort(self, bucket, key, upload_id):
        self.request("DELETE", "/%s/%s" % (bucket, key),
                     {"uploadId": upload_id})

    def delete(self, bucket, key):
        self.request("DELETE", "/%s/%s" % (bucket, key))

    def delete_bucket(self, bucket):
        self.request("DELETE", "/" + bucket)
