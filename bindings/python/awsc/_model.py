"""Service models as the C library describes them
(awsc_client_describe_shapes_json): the types of every shape of the
operations (which output members are timestamps and blobs: the generic
JSON call gives them as ISO 8601 and base64 text, and Python users expect
datetime and bytes; where a streaming body is), the modeled errors (for
client.exceptions), the service's metadata and its waiter names.

Only the documentation (docstrings) still comes from the botocore JSON
files the C library was generated from (models/<service>/<version>/
service-2.json in the tree, or the copy installed with this package): the
C library does not carry it. Without the file, docstrings list the
parameters only and everything else works the same.
"""
import base64
import datetime
import glob
import json
import os
import re

from . import _lib

_HERE = os.path.dirname(os.path.abspath(__file__))
UTC = datetime.timezone.utc


def model_roots():
    env = os.environ.get("AWSC_MODELS_DIR")
    if env:
        yield env
    yield os.path.join(_HERE, "models")  # installed copy (setup.py)
    yield os.path.normpath(os.path.join(_HERE, "..", "..", "..", "models"))


def find_model_file(service, filename="service-2.json"):
    for root in model_roots():
        versions = sorted(glob.glob(os.path.join(root, service, "*", filename)))
        if versions:
            return versions[-1]
    return None


_ISO_RE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z$")


_fromiso = datetime.datetime.fromisoformat


def parse_timestamp(s):
    """The C library's ISO 8601 form ("2024-05-01T10:00:00.123Z") -> an
    aware UTC datetime, as botocore's parser gives (tzutc there).
    fromisoformat takes the "Z" from Python 3.11 on (and is 15 times
    faster than the expression below, which older versions use)."""
    try:
        d = _fromiso(s)
        if d.tzinfo is not None:
            return d
    except ValueError:
        pass
    m = _ISO_RE.match(s)
    if not m:
        try:
            d = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
        except ValueError:
            return s
        return d if d.tzinfo else d.replace(tzinfo=UTC)
    frac = m.group(7) or "0"
    micro = int((frac + "000000")[:6])
    return datetime.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)),
                             int(m.group(4)), int(m.group(5)), int(m.group(6)),
                             micro, tzinfo=UTC)


def format_timestamp(d):
    """datetime / date -> the ISO 8601 text the C library takes (naive
    datetimes are taken as UTC, as botocore's serializer does)."""
    if isinstance(d, datetime.datetime):
        if d.tzinfo is not None:
            d = d.astimezone(UTC).replace(tzinfo=None)
        s = d.strftime("%Y-%m-%dT%H:%M:%S")
        if d.microsecond:
            s += ".%03d" % (d.microsecond // 1000)
        return s + "Z"
    return d.strftime("%Y-%m-%dT00:00:00Z")


def _b64(s):
    return base64.b64decode(s)


def strip_html(doc):
    if not doc:
        return ""
    text = re.sub(r"<[^>]+>", "", doc)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    import html
    return html.unescape(text).strip()


class ServiceModel(object):
    def __init__(self, service, c_client):
        self.service = service
        desc = json.loads(_lib.json_out_call(_lib.lib.awsc_client_describe_shapes_json,
                                             c_client, None))
        md = desc.get("Metadata", {})
        # botocore's metadata keys, for client.meta.service_model
        self.metadata = {k: md[c] for k, c in (
            ("serviceId", "ServiceId"), ("apiVersion", "ApiVersion"),
            ("protocol", "Protocol"), ("signingName", "SigningName"),
            ("endpointPrefix", "EndpointPrefix"), ("jsonVersion", "JsonVersion"),
            ("targetPrefix", "TargetPrefix")) if c in md}
        self.shapes = desc.get("Shapes", {})
        self.operations = desc.get("Operations", {})
        self.waiters = desc.get("Waiters", [])
        self.path = find_model_file(service)  # documentation only
        self._docs = None
        self._needs = self._needs_conversion()
        self._conv_cache = {}
        self._out_cache = {}

    def _children(self, sh):
        t = sh.get("Type")
        if t == "structure":
            return list(sh.get("Members", {}).values())
        if t == "list":
            return [sh["Member"]]
        if t == "map":
            return [sh["Value"]]
        return []

    # Which shapes hold a timestamp or a blob somewhere below them: from
    # those shapes up through their parents (one pass over the shapes and
    # a walk; shapes may be recursive). A fixed point repeated over every
    # shape cost ~120 ms at S3's first client.
    def _needs_conversion(self):
        parents = {}
        needs = {}
        todo = []
        for name, sh in self.shapes.items():
            for c in self._children(sh):
                parents.setdefault(c, []).append(name)
            hit = sh.get("Type") in ("timestamp", "blob")
            needs[name] = hit
            if hit:
                todo.append(name)
        while todo:
            for p in parents.get(todo.pop(), ()):
                if not needs.get(p):
                    needs[p] = True
                    todo.append(p)
        return needs

    def _converter(self, name):
        """A function turning the JSON form of shape `name` into Python
        values, or None when the JSON form is already right."""
        if not self._needs.get(name):
            return None
        if name in self._conv_cache:
            return self._conv_cache[name]
        sh = self.shapes[name]
        t = sh["Type"]
        if t == "timestamp":
            fn = lambda v: parse_timestamp(v) if isinstance(v, str) else v
        elif t == "blob":
            fn = lambda v: _b64(v) if isinstance(v, str) else v
        else:
            # placeholder first: recursive shapes find it while building
            cell = []
            self._conv_cache[name] = lambda v: cell[0](v)
            if t == "structure":
                convs = [(k, self._converter(s)) for k, s in sh.get("Members", {}).items()
                         if self._needs.get(s)]

                def fn(v, convs=convs):
                    if isinstance(v, dict):
                        for k, c in convs:
                            if k in v and v[k] is not None:
                                v[k] = c(v[k])
                    return v
            elif t == "list":
                inner = self._converter(sh["Member"])
                fn = lambda v: [inner(x) if x is not None else x for x in v] if isinstance(v, list) else v
            else:
                inner = self._converter(sh["Value"])

                def fn(v):
                    if isinstance(v, dict):
                        for k in v:
                            if v[k] is not None:
                                v[k] = inner(v[k])
                    return v
            cell.append(fn)
        self._conv_cache[name] = fn
        return fn

    def _streaming_payload(self, shape_name):
        """The streaming blob payload member of a structure, or None."""
        sh = self.shapes.get(shape_name) if shape_name else None
        payload = sh.get("Payload") if sh else None
        if not payload or payload not in sh.get("Streaming", ()):
            return None
        target = self.shapes.get(sh["Members"][payload], {})
        return payload if target.get("Type") == "blob" else None

    def output_info(self, op_name):
        """(converter or None, streaming member name or None) of an
        operation's output."""
        info = self._out_cache.get(op_name)
        if info is not None:
            return info
        out = self.operations.get(op_name, {}).get("Output")
        conv, streaming = None, None
        if out:
            streaming = self._streaming_payload(out)
            if streaming:
                # the body is handled apart; convert the rest
                rest = [(k, self._converter(s)) for k, s in self.shapes[out]["Members"].items()
                        if k != streaming and self._needs.get(s)]

                def conv(v, rest=rest):
                    for k, c in rest:
                        if k in v and v[k] is not None:
                            v[k] = c(v[k])
                    return v
                if not rest:
                    conv = None
            else:
                conv = self._converter(out)
        info = (conv, streaming)
        self._out_cache[op_name] = info
        return info

    def _blob_payload(self, shape_name):
        """The blob payload member of a structure (streaming or not), or None."""
        sh = self.shapes.get(shape_name) if shape_name else None
        payload = sh.get("Payload") if sh else None
        if not payload:
            return None
        target = self.shapes.get(sh["Members"][payload], {})
        return payload if target.get("Type") == "blob" else None

    def payload_info(self, op_name):
        """(input blob payload member, output blob payload member, output
        streaming payload member): what goes beside the JSON."""
        o = self.operations.get(op_name, {})
        return (self._blob_payload(o.get("Input")), self._blob_payload(o.get("Output")),
                self._streaming_payload(o.get("Output")))

    def input_shape(self, op_name):
        name = self.operations.get(op_name, {}).get("Input")
        return self.shapes.get(name) if name else None

    def streaming_input_member(self, op_name):
        return self._streaming_payload(self.operations.get(op_name, {}).get("Input"))

    def error_codes(self):
        """{exception class name: error code} of the modeled errors."""
        return {name: sh["Error"]["Code"] for name, sh in self.shapes.items()
                if "Error" in sh}

    def _documentation(self):
        if self._docs is None:
            self._docs = {}
            if self.path:
                with open(self.path, "rb") as f:
                    data = json.load(f)
                self._docs = {"operations": data.get("operations", {}),
                              "shapes": data.get("shapes", {})}
        return self._docs

    def documentation(self, op_name):
        ops = self._documentation().get("operations", {})
        return strip_html(ops.get(op_name, {}).get("documentation", ""))

    def shape_doc(self, shape_name):
        shapes = self._documentation().get("shapes", {})
        return strip_html(shapes.get(shape_name, {}).get("documentation", ""))


_models = {}


def load(service, c_client):
    """The ServiceModel of a built-in service ("s3"), described by the C
    library through `c_client` (a client of that service; the built-in
    descriptors are static, so one description serves every client)."""
    m = _models.get(service)
    if m is None:
        m = ServiceModel(service, c_client)
        _models[service] = m
    return m
