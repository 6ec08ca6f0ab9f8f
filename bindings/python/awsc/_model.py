"""Service models, read from the botocore JSON files the C library was
generated from (models/<service>/<version>/service-2.json in the tree, or the
copy installed with this package).

The C library does the requests, validation, signing and parsing; Python
needs the model only to know which output members are timestamps and blobs
(the generic JSON call gives them as ISO 8601 and base64 text, and Python
users expect datetime and bytes), which errors are modeled (for
client.exceptions), and the documentation for docstrings.
"""
import base64
import datetime
import glob
import json
import os
import re

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
    def __init__(self, service, path):
        self.service = service
        self.path = path
        with open(path, "rb") as f:
            data = json.load(f)
        self.metadata = data.get("metadata", {})
        self.shapes = data.get("shapes", {})
        self.operations = data.get("operations", {})
        self._needs = self._needs_conversion()
        self._conv_cache = {}
        self._out_cache = {}

    # Which shapes hold a timestamp or a blob somewhere below them (a fixed
    # point, since shapes may be recursive).
    def _needs_conversion(self):
        needs = {}
        for name, sh in self.shapes.items():
            needs[name] = sh.get("type") in ("timestamp", "blob")
        changed = True
        while changed:
            changed = False
            for name, sh in self.shapes.items():
                if needs[name]:
                    continue
                t = sh.get("type")
                if t == "structure":
                    v = any(needs.get(m["shape"]) for m in sh.get("members", {}).values())
                elif t == "list":
                    v = needs.get(sh["member"]["shape"], False)
                elif t == "map":
                    v = needs.get(sh["value"]["shape"], False)
                else:
                    v = False
                if v:
                    needs[name] = True
                    changed = True
        return needs

    def _converter(self, name):
        """A function turning the JSON form of shape `name` into Python
        values, or None when the JSON form is already right."""
        if not self._needs.get(name):
            return None
        if name in self._conv_cache:
            return self._conv_cache[name]
        sh = self.shapes[name]
        t = sh["type"]
        if t == "timestamp":
            fn = lambda v: parse_timestamp(v) if isinstance(v, str) else v
        elif t == "blob":
            fn = lambda v: _b64(v) if isinstance(v, str) else v
        else:
            # placeholder first: recursive shapes find it while building
            cell = []
            self._conv_cache[name] = lambda v: cell[0](v)
            if t == "structure":
                members = {}
                for mname, m in sh.get("members", {}).items():
                    if self._needs.get(m["shape"]):
                        members[mname] = m["shape"]
                convs = [(k, self._converter(s)) for k, s in members.items()]

                def fn(v, convs=convs):
                    if isinstance(v, dict):
                        for k, c in convs:
                            if k in v and v[k] is not None:
                                v[k] = c(v[k])
                    return v
            elif t == "list":
                inner = self._converter(sh["member"]["shape"])
                fn = lambda v: [inner(x) if x is not None else x for x in v] if isinstance(v, list) else v
            else:
                inner = self._converter(sh["value"]["shape"])

                def fn(v):
                    if isinstance(v, dict):
                        for k in v:
                            if v[k] is not None:
                                v[k] = inner(v[k])
                    return v
            cell.append(fn)
        self._conv_cache[name] = fn
        return fn

    def output_info(self, op_name):
        """(converter or None, streaming member name or None) of an
        operation's output."""
        info = self._out_cache.get(op_name)
        if info is not None:
            return info
        op = self.operations.get(op_name, {})
        out = op.get("output", {}).get("shape")
        conv, streaming = None, None
        if out:
            sh = self.shapes[out]
            payload = sh.get("payload")
            if payload:
                pm = sh["members"][payload]
                psh = self.shapes[pm["shape"]]
                if psh.get("type") == "blob" and (psh.get("streaming") or pm.get("streaming")):
                    streaming = payload
            if streaming:
                # the body is handled apart; convert the rest
                rest = [(k, self._converter(m["shape"])) for k, m in sh["members"].items()
                        if k != streaming and self._needs.get(m["shape"])]

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

    def input_shape(self, op_name):
        op = self.operations.get(op_name, {})
        name = op.get("input", {}).get("shape")
        return self.shapes.get(name) if name else None

    def streaming_input_member(self, op_name):
        sh = self.input_shape(op_name)
        if not sh or not sh.get("payload"):
            return None
        m = sh["members"].get(sh["payload"])
        if m and self.shapes[m["shape"]].get("type") == "blob":
            return sh["payload"]
        return None

    def error_codes(self):
        """{exception class name: error code} of the modeled errors."""
        out = {}
        for name, sh in self.shapes.items():
            if sh.get("exception"):
                code = sh.get("error", {}).get("code") or name
                out[name] = code
        return out

    def documentation(self, op_name):
        return strip_html(self.operations.get(op_name, {}).get("documentation", ""))

    def shape_doc(self, shape_name):
        return strip_html(self.shapes.get(shape_name, {}).get("documentation", ""))


_models = {}


def load(service):
    """The ServiceModel of a client name ("s3"), or None when no model file
    is found (then timestamps and blobs stay as the C library's text)."""
    if service in _models:
        return _models[service]
    path = find_model_file(service)
    m = ServiceModel(service, path) if path else None
    _models[service] = m
    return m


def load_resource_model(service):
    path = find_model_file(service, "resources-1.json")
    if not path:
        return None
    with open(path, "rb") as f:
        return json.load(f)
