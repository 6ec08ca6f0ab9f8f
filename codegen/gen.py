#!/usr/bin/env python3
"""awsc code generator: botocore service model -> C descriptors + header.

Reads service-2.json (plus paginators-1.json, waiters-2.json and their
sdk-extras overlays when present) and writes, for one service:

  --header OUT.h   the public header awsc/<svc>.h: typed input/output
                   structs and one function per operation, documented
                   from the model;
  --source OUT.c   the descriptor tables (awsc_shape / awsc_member /
                   awsc_operation / paginators / waiters) and the thin
                   typed wrappers that call the one engine;
  --registry OUT.c --services a,b,c   the table of built-in services.

The descriptors carry each member's *effective* traits exactly as
lib/runtime/model_load.c computes them at run time (the member reference's
traits laid over the target shape's); tests/unit/codegen compares the two
for every shipped model. Standard library only.
"""

import argparse
import html
import json
import os
import re
import sys

C_KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if",
    "inline", "int", "long", "register", "restrict", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
    "unsigned", "void", "volatile", "while", "bool", "true", "false",
    "_Bool", "errno", "NULL", "class", "new", "delete", "namespace",
    "template", "this", "operator", "private", "public", "protected",
    "and", "or", "not", "xor", "bitand", "bitor", "compl", "and_eq", "or_eq",
    "not_eq", "xor_eq", "friend", "virtual", "typename", "mutable", "export",
    "try", "catch", "throw", "using", "explicit", "nullptr", "final",
}

# ---- names ---------------------------------------------------------------

_xform_first = re.compile(r"(.)([A-Z][a-z]+)")
_xform_end = re.compile(r"([a-z0-9])([A-Z])")
_special = re.compile(r"[A-Z]{2,}s$")
_partial = ["ipv6", "ipv4"]


def xform_name(name, sep="_"):
    """botocore.xform_name: CamelCase -> snake_case, with its quirks."""
    if sep in name:
        return name
    m = _special.search(name)
    if m:
        matched = m.group()
        name = name[: -len(matched)] + sep + matched.lower()
    s1 = _xform_first.sub(r"\1" + sep + r"\2", name)
    return _xform_end.sub(r"\1" + sep + r"\2", s1).lower()


def c_ident(name):
    s = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if s and s[0].isdigit():
        s = "_" + s
    if s in C_KEYWORDS:
        s += "_"
    return s


def c_string(s):
    if s is None:
        return "NULL"
    out = []
    for ch in s.encode("utf-8"):
        c = chr(ch)
        if c in '"\\':
            out.append("\\" + c)
        elif 32 <= ch < 127 and c != "?":
            out.append(c)
        else:
            out.append("\\%03o" % ch)
    return '"' + "".join(out) + '"'


def c_text_block(text, width=160):
    """A long text as adjacent C string literals, one source line each."""
    lines = []
    for i in range(0, len(text), width):
        lines.append("  " + c_string(text[i:i + width]))
    return "\n".join(lines) if lines else '  ""'


def minified_json(path):
    """A JSON file re-serialized without whitespace, or None if absent."""
    if not os.path.exists(path):
        return None
    return json.dumps(load_json(path), separators=(",", ":"), ensure_ascii=True)


def doc_text(doc, limit=400):
    """Model documentation (HTML) -> one short plain-text paragraph."""
    if not doc:
        return ""
    t = re.sub(r"<[^>]+>", " ", doc)
    t = html.unescape(t)
    t = re.sub(r"\s+", " ", t).strip()
    if len(t) > limit:
        cut = t.rfind(". ", 0, limit)
        t = t[: cut + 1] if cut > 80 else t[:limit].rstrip() + "..."
    # neither end nor start a comment inside the one it goes into
    return t.replace("*/", "* /").replace("/*", "/ *")


def wrap_comment(text, indent="", width=76):
    if not text:
        return []
    words = text.split(" ")
    lines, cur = [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width - len(indent) - 3:
            lines.append(cur)
            cur = w
        else:
            cur = (cur + " " + w) if cur else w
    if cur:
        lines.append(cur)
    if len(lines) == 1:
        return [indent + "/* " + lines[0] + " */"]
    return ([indent + "/*"] + [indent + " * " + l for l in lines]
            + [indent + " */"])


# ---- model ---------------------------------------------------------------

TYPE_ENUM = {
    "structure": "AWSC_SHAPE_STRUCTURE", "list": "AWSC_SHAPE_LIST",
    "map": "AWSC_SHAPE_MAP", "string": "AWSC_SHAPE_STRING",
    "character": "AWSC_SHAPE_STRING",
    "integer": "AWSC_SHAPE_INTEGER", "byte": "AWSC_SHAPE_INTEGER",
    "short": "AWSC_SHAPE_INTEGER", "long": "AWSC_SHAPE_LONG",
    "bigInteger": "AWSC_SHAPE_LONG", "boolean": "AWSC_SHAPE_BOOLEAN",
    "float": "AWSC_SHAPE_FLOAT", "double": "AWSC_SHAPE_DOUBLE",
    "bigDecimal": "AWSC_SHAPE_DOUBLE", "timestamp": "AWSC_SHAPE_TIMESTAMP",
    "blob": "AWSC_SHAPE_BLOB", "document": "AWSC_SHAPE_DOCUMENT",
}

LOCATIONS = {
    None: "AWSC_LOC_BODY", "uri": "AWSC_LOC_URI",
    "querystring": "AWSC_LOC_QUERYSTRING", "header": "AWSC_LOC_HEADER",
    "headers": "AWSC_LOC_HEADERS", "statusCode": "AWSC_LOC_STATUS_CODE",
}

TS_FORMATS = {None: "AWSC_TS_DEFAULT", "iso8601": "AWSC_TS_ISO8601",
              "rfc822": "AWSC_TS_RFC822", "unixtimestamp": "AWSC_TS_UNIX"}

MEMBER_FLAGS = [
    ("xmlAttribute", "AWSC_MF_XML_ATTRIBUTE"),
    ("flattened", "AWSC_MF_FLATTENED"),
    ("streaming", "AWSC_MF_STREAMING"),
    ("idempotencyToken", "AWSC_MF_IDEMPOTENCY_TOKEN"),
    ("hostLabel", "AWSC_MF_HOST_LABEL"),
    ("jsonvalue", "AWSC_MF_JSONVALUE"),
    ("eventpayload", "AWSC_MF_EVENT_PAYLOAD"),
    ("eventheader", "AWSC_MF_EVENT_HEADER"),
    ("deprecated", "AWSC_MF_DEPRECATED"),
]

SHAPE_FLAGS = [
    ("flattened", "AWSC_SF_FLATTENED"), ("exception", "AWSC_SF_EXCEPTION"),
    ("sensitive", "AWSC_SF_SENSITIVE"), ("union", "AWSC_SF_UNION"),
    ("eventstream", "AWSC_SF_EVENTSTREAM"),
    ("streaming", "AWSC_SF_STREAMING"), ("fault", "AWSC_SF_FAULT"),
    ("event", "AWSC_SF_EVENT"),
]

PROTOCOLS = {"query": "AWSC_PROTO_QUERY", "ec2": "AWSC_PROTO_EC2",
             "rest-xml": "AWSC_PROTO_REST_XML", "json": "AWSC_PROTO_JSON",
             "rest-json": "AWSC_PROTO_REST_JSON"}
PROTO_PRIORITY = ["json", "rest-json", "rest-xml", "query", "ec2"]
# Service customisations (lib/custom) by service id: the hook table the
# descriptor carries, and the one models loaded at run time get
# (awsc_builtin_hooks in the registry).
SERVICE_HOOKS = {"S3": "awsc_s3_hooks", "S3 Control": "awsc_s3control_hooks",
                 "SQS": "awsc_sqs_hooks"}


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def deep_merge(base, extra):
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            deep_merge(base[k], v)
        else:
            base[k] = v


def load_extras(path):
    """Load a model file plus its .sdk-extras.json overlay (botocore)."""
    if not os.path.exists(path):
        return None
    data = load_json(path)
    extras = path[: -len(".json")] + ".sdk-extras.json"
    if os.path.exists(extras):
        deep_merge(data, load_json(extras).get("merge", {}))
    return data


def fail(msg):
    """Stop the generator: a model it can not map faithfully to C."""
    raise SystemExit("gen.py: error: " + msg)


def shape_kind(sdef):
    t = sdef.get("type")
    if t == "structure" and sdef.get("document"):
        return "document"
    return t


class Gen:
    def __init__(self, svc, model, paginators, waiters, ruleset=None):
        self.svc = svc
        self.ruleset = ruleset                 # minified endpoint rule set
        self.p = "awsc_" + c_ident(svc)        # C prefix of public names
        self.P = self.p.upper()
        self.model = model
        self.shapes = model["shapes"]
        self.meta = model["metadata"]
        self.names = sorted(self.shapes)       # index order of S[]
        self.index = {n: i for i, n in enumerate(self.names)}
        self.paginators = (paginators or {}).get("pagination", {})
        self.waiters = (waiters or {}).get("waiters", {})
        self.ops = sorted(model["operations"].values(), key=lambda o: o["name"])
        self.typed = set()                     # shapes that get C types
        self.input_typed = set()               # ... reachable from an input
        self._reach()
        self.ctype_names = {}
        self.entry_names = {}
        self.old_names = {}                    # old C name -> new (--name-map)
        self._name_types()

    def _name_types(self):
        """One C name per type: awsc_<svc>_<ShapeName>, the shape name
        verbatim; a map's {key, value} entry is awsc_<svc>_<MapName>_Entry.
        Every such name holds an upper-case letter, so it can never be a
        snake_case resource handle (awsc_s3_bucket). A shape name that is
        not a C identifier, a structure name without an upper-case letter,
        or a name that meets another generated one is an error: never a
        silent rename."""
        used = {}
        for n in self.names:
            if n not in self.typed or self.kind(n) not in ("structure", "map"):
                continue
            if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", n) or n in C_KEYWORDS:
                fail("%s: shape name %r is not a C identifier" % (self.svc, n))
            if self.kind(n) == "structure" and not re.search(r"[A-Z]", n):
                fail("%s: shape name %r has no upper-case letter: its C name "
                     "could collide with a resource handle" % (self.svc, n))
            if self.kind(n) == "structure":
                self.claim(used, "%s_%s" % (self.p, n), "shape " + n)
                self.ctype_names[n] = "%s_%s" % (self.p, n)
            else:
                self.claim(used, "%s_%s_Entry" % (self.p, n), "map entry of " + n)
                self.entry_names[n] = "%s_%s_Entry" % (self.p, n)
        for op in self.ops:
            fn = "%s_%s" % (self.p, xform_name(op["name"]))
            self.claim(used, fn, "operation " + op["name"])
            if self.has_streaming_output(op):
                self.claim(used, fn + "_to", "operation " + op["name"])
        for name in sorted(n for n in self.paginators if n in self.model["operations"]):
            pt = "%s_%s_paginator" % (self.p, xform_name(name))
            for suffix in ("", "_new", "_next_page", "_free"):
                self.claim(used, pt + suffix, "paginator " + name)
        for name, _ in self.typed_waiters():
            self.claim(used, "%s_wait_%s" % (self.p, xform_name(name)),
                       "waiter " + name)
        self._old_name_map()

    @staticmethod
    def claim(used, cname, what):
        if cname in used:
            fail("C name %s of %s is already taken by %s" % (cname, what, used[cname]))
        used[cname] = what

    def _old_name_map(self):
        """The names of the earlier generator (snake_case shape names,
        <map>_kv entries, <op>_input/<op>_output aliases), for the rename
        script that updates callers."""
        used, old = set(), {}
        for n in self.names:
            base = "%s_%s" % (self.p, c_ident(xform_name(n)))
            name, k = base, 2
            while name in used:
                name, k = "%s_%d" % (base, k), k + 1
            used.add(name)
            old[n] = name
        for n in self.names:
            if self.kind(n) == "map":
                base = old[n] + "_kv"
                name, k = base, 2
                while name in used:
                    name, k = "%s%d" % (base, k), k + 1
                used.add(name)
                if n in self.entry_names:
                    self.old_names[name] = self.entry_names[n]
            elif n in self.ctype_names:
                self.old_names[old[n]] = self.ctype_names[n]
        for op in self.ops:
            fn = "%s_%s" % (self.p, xform_name(op["name"]))
            self.old_names[fn + "_input"] = self.io_type(op, "input")
            self.old_names[fn + "_output"] = self.io_type(op, "output")

    def io_type(self, op, key):
        return self.ctype_names[op[key]["shape"]] if key in op else "awsc_empty"

    # -- which shapes get C structs: everything reachable from op I/O
    def _reach(self):
        for keys, into in ((("input", "output"), self.typed),
                           (("input",), self.input_typed)):
            self._reach_from(keys, into)

    def _reach_from(self, keys, into):
        todo = []
        for op in self.ops:
            for k in keys:
                if k in op:
                    todo.append(op[k]["shape"])
        while todo:
            n = todo.pop()
            if n in into:
                continue
            into.add(n)
            s = self.shapes[n]
            t = shape_kind(s)
            if t == "structure":
                todo.extend(m["shape"] for m in s.get("members", {}).values())
            elif t == "list":
                todo.append(s["member"]["shape"])
            elif t == "map":
                todo.append(s["key"]["shape"])
                todo.append(s["value"]["shape"])

    def kind(self, name):
        return shape_kind(self.shapes[name])

    def is_streaming_blob(self, ref):
        tdef = self.shapes[ref["shape"]]
        return self.kind(ref["shape"]) == "blob" and (
            ref.get("streaming") or tdef.get("streaming"))

    # -- C types
    def elem_ctype(self, name):
        """C type of a list element / map value of shape `name`."""
        k = self.kind(name)
        if k == "structure":
            return self.ctype_names[name]
        return {
            "list": "awsc_list",
            "map": "awsc_list", "string": "const char *",
            "character": "const char *",
            "document": "const char *", "integer": "int32_t",
            "byte": "int32_t", "short": "int32_t", "long": "int64_t",
            "bigInteger": "int64_t", "boolean": "bool", "float": "double",
            "double": "double", "bigDecimal": "double",
            "timestamp": "int64_t", "blob": "awsc_blob",
        }[k]

    def fields(self, sname):
        """(field lines, [(member, field, has_field)]) of a structure."""
        s = self.shapes[sname]
        lines, layout, used = [], [], set()
        for mname, ref in s.get("members", {}).items():
            f = c_ident(xform_name(mname))
            while f in used or f.startswith("has_") and f in used:
                f += "_"
            used.add(f)
            t = ref["shape"]
            k = self.kind(t)
            tdef = self.shapes[t]
            doc = doc_text(ref.get("documentation") or tdef.get("documentation"), 300)
            req = mname in s.get("required", [])
            note = []
            if req:
                note.append("Required.")
            if tdef.get("enum"):
                note.append("One of: " + ", ".join(tdef["enum"][:12])
                            + (", ..." if len(tdef["enum"]) > 12 else "") + ".")
            if k == "timestamp":
                note.append("Milliseconds since the epoch.")
            text = " ".join(note + ([doc] if doc else []))
            lines.extend(wrap_comment(text, "  "))
            has = None
            if k == "structure":
                lines.append("  const %s *%s;" % (self.ctype_names[t], f))
            elif k in ("list", "map"):
                if k == "list":
                    et = self.elem_ctype(tdef["member"]["shape"])
                else:
                    et = self.entry_names[t]
                if et.endswith("*"):
                    lines.append("  %s const *%s;" % (et.rstrip(" *") + " *", f))
                else:
                    lines.append("  const %s *%s;" % (et, f))
                lines.append("  size_t %s_count;" % f)
                has = f + "_count"
            elif k in ("string", "document", "character"):
                lines.append("  const char *%s;" % f)
            elif k == "blob":
                lines.append("  awsc_blob %s;" % f)
                if self.is_streaming_blob(ref) and sname in self.input_typed:
                    lines.append("  /* Or a streaming source (file, callback); "
                                 "takes precedence over %s. */" % f)
                    lines.append("  const awsc_body_source *%s_source;" % f)
                    has = f + "_source"
            else:
                lines.append("  %s %s;" % (self.elem_ctype(t), f))
                lines.append("  bool has_%s;" % f)
                has = "has_" + f
            layout.append((mname, f, has))
        if not layout:
            lines.append("  char reserved_; /* no members */")
        return lines, layout

    # -- header
    def header(self):
        g = []
        P, p = self.P, self.p
        guard = "AWSC_%s_H" % c_ident(self.svc).upper()
        title = self.meta.get("serviceFullName", self.svc)
        g.append("/*")
        g.append(" * awsc/%s.h - %s (API %s): typed client API." % (
            self.svc, title, self.meta.get("apiVersion", "?")))
        g.append(" *")
        g.append(" * Generated by codegen/gen.py from the botocore model; do not edit.")
        g.append(" * Every output is one allocation block: free it with awsc_mem_free();")
        g.append(" * its strings and arrays live as long as it does.")
        g.append(" */")
        g.append("#ifndef " + guard)
        g.append("#define " + guard)
        g.append("")
        g.append('#include <stdbool.h>')
        g.append('#include <stddef.h>')
        g.append('#include <stdint.h>')
        g.append("")
        g.append('#include "awsc/client.h"')
        g.append('#include "awsc/loop.h"')
        g.append('#include "awsc/paginator.h"')
        g.append('#include "awsc/types.h"')
        g.append('#include "awsc/waiter.h"')
        g.append("")
        g.append('#ifdef __cplusplus\nextern "C" {\n#endif')
        g.append("")
        typed = [n for n in self.names if n in self.typed]
        # forward declarations
        for n in typed:
            k = self.kind(n)
            if k == "structure":
                g.append("typedef struct %s %s;" % (self.ctype_names[n], self.ctype_names[n]))
            elif k == "map":
                g.append("typedef struct %s %s;" % (self.entry_names[n], self.entry_names[n]))
        g.append("")
        # enum value macros
        for n in typed:
            s = self.shapes[n]
            if s.get("enum") and self.kind(n) == "string":
                base = c_ident(xform_name(n)).upper()
                seen = set()
                for v in s["enum"]:
                    m = "%s_%s_%s" % (P, base, re.sub(r"[^A-Za-z0-9]", "_", v).upper())
                    if m in seen:
                        continue
                    seen.add(m)
                    g.append("#define %s %s" % (m, c_string(v)))
        g.append("")
        # Dependency order. Structures refer to other structures, lists and
        # maps only through pointers (complete after the typedefs above);
        # the one by-value use is a map entry's structure value, so an
        # entry comes after its value's struct (structures first: a cycle
        # through a map, as DynamoDB's AttributeValue, stays legal).
        emitted, order = set(), []

        def visit(n, stack=()):
            if n in emitted or n in stack:
                return
            if self.kind(n) == "map":
                v = self.shapes[n]["value"]["shape"]
                if self.kind(v) == "structure":
                    visit(v, stack + (n,))
            emitted.add(n)
            order.append(n)

        for n in typed:
            if self.kind(n) in ("structure", "map"):
                visit(n)
        for n in order:
            s = self.shapes[n]
            cname = self.ctype_names.get(n)
            if self.kind(n) == "map":
                g.append("struct %s {" % self.entry_names[n])
                g.append("  const char *key;")
                g.append("  %s%svalue;" % (self.elem_ctype(s["value"]["shape"]),
                                          "" if self.elem_ctype(s["value"]["shape"]).endswith("*") else " "))
                g.append("};")
                g.append("")
                continue
            g.extend(wrap_comment(doc_text(s.get("documentation"), 300)))
            g.append("struct %s {" % cname)
            lines, _ = self.fields(n)
            g.extend(lines)
            g.append("};")
            g.append("")
        # operations
        for op in self.ops:
            fn = "%s_%s" % (p, xform_name(op["name"]))
            ity, oty = self.io_type(op, "input"), self.io_type(op, "output")
            doc = doc_text(op.get("documentation"), 500)
            text = "%s (%s %s). %s" % (op["name"], op["http"].get("method", "POST"),
                                       op["http"].get("requestUri", "/"), doc)
            text += (" Returns 0 with *output set (free it with awsc_mem_free; "
                     "output may be NULL to discard it), or an AWSC_E* code "
                     "with err filled.")
            if op.get("deprecated"):
                text = "Deprecated. " + text
            g.extend(wrap_comment(text))
            g.append("AWSC_API int %s(%s **output, awsc_client *client," % (fn, oty))
            g.append("    const %s *input, awsc_error *err);" % ity)
            if self.has_streaming_output(op):
                g.append("/* %s with the streaming body sent to `sink` (file, callback)"
                         " instead of memory. */" % op["name"])
                g.append("AWSC_API int %s_to(%s **output, awsc_client *client," % (fn, oty))
                g.append("    const %s *input, const awsc_body_sink *sink, awsc_error *err);" % ity)
            g.append("/* %s without blocking, on `loop` (awsc/loop.h): `done` gets the %s"
                     " (awsc_typed_done_fn). */" % (op["name"], oty))
            g.append("AWSC_API int %s_async(awsc_request **request, awsc_loop *loop," % fn)
            g.append("    awsc_client *client, const %s *input, awsc_typed_done_fn done," % ity)
            g.append("    void *user_data, awsc_error *err);")
            g.append("")
        g.extend(self.paginator_decls())
        g.extend(self.waiter_decls())
        g.append('#ifdef __cplusplus\n}\n#endif')
        g.append("")
        g.append("#endif")
        return "\n".join(g) + "\n"

    def paginated_ops(self):
        ops = {o["name"]: o for o in self.ops}
        return [ops[n] for n in sorted(self.paginators) if n in ops]

    def paginator_decls(self):
        """Typed paginators: thin wrappers over the one generic runtime
        (awsc_paginator_*_typed), pages as typed outputs."""
        g = []
        for op in self.paginated_ops():
            fn = "%s_%s" % (self.p, xform_name(op["name"]))
            pt = fn + "_paginator"
            ity, oty = self.io_type(op, "input"), self.io_type(op, "output")
            g.extend(wrap_comment(
                "Paginator of %s: each page is a %s (free it with awsc_mem_free); "
                "tokens, MaxItems, PageSize and StartingToken as for awsc_paginator_new. "
                "The input is copied when the paginator is made." % (op["name"], oty)))
            g.append("typedef struct %s %s;" % (pt, pt))
            g.append("AWSC_API int %s_new(%s **out, awsc_client *client," % (pt, pt))
            g.append("    const %s *input, const awsc_paginator_config *config," % ity)
            g.append("    awsc_error *err);")
            g.append("/* The next page; *page NULL (and 0 returned) at the end. */")
            g.append("AWSC_API int %s_next_page(%s **page, %s *p," % (pt, oty, pt))
            g.append("    awsc_error *err);")
            g.append("/* Free the paginator (NULL is a no-op). */")
            g.append("AWSC_API void %s_free(%s *p);" % (pt, pt))
            g.append("")
        return g

    def typed_waiters(self):
        ops = {o["name"]: o for o in self.ops}
        return [(n, ops[self.waiters[n]["operation"]]) for n in sorted(self.waiters)
                if self.waiters[n].get("operation") in ops]

    def waiter_decls(self):
        g = []
        for name, op in self.typed_waiters():
            g.extend(wrap_comment(
                "Waiter %s: calls %s with `input` until an acceptor of the model "
                "says success (0) or failure; as awsc_client_wait (config may be "
                "NULL)." % (name, op["name"])))
            g.append("AWSC_API int %s_wait_%s(awsc_client *client," % (self.p, xform_name(name)))
            g.append("    const %s *input, const awsc_waiter_config *config," % self.io_type(op, "input"))
            g.append("    awsc_error *err);")
            g.append("")
        return g

    def waiter_defs(self, svc_c):
        out = []
        ops = [o["name"] for o in self.ops]
        for name, op in self.typed_waiters():
            out.append("int %s_wait_%s(awsc_client *client," % (self.p, xform_name(name)))
            out.append("    const %s *input, const awsc_waiter_config *config," % self.io_type(op, "input"))
            out.append("    awsc_error *err) {")
            out.append("  return awsc_client_wait_typed(client, &awsc_service_%s, %s, &O[%d]," % (
                svc_c, c_string(name), ops.index(op["name"])))
            out.append("                                input, config, err);")
            out.append("}")
        return out

    def paginator_defs(self, svc_c):
        out = []
        ops = [o["name"] for o in self.ops]
        for op in self.paginated_ops():
            oi = ops.index(op["name"])
            fn = "%s_%s" % (self.p, xform_name(op["name"]))
            pt = fn + "_paginator"
            ity, oty = self.io_type(op, "input"), self.io_type(op, "output")
            out.append("int %s_new(%s **out, awsc_client *client," % (pt, pt))
            out.append("    const %s *input, const awsc_paginator_config *config," % ity)
            out.append("    awsc_error *err) {")
            out.append("  return awsc_paginator_new_typed((awsc_page_iterator **)out, client,")
            out.append("      &awsc_service_%s, &O[%d], input, config, err);" % (svc_c, oi))
            out.append("}")
            out.append("int %s_next_page(%s **page, %s *p," % (pt, oty, pt))
            out.append("    awsc_error *err) {")
            out.append("  return awsc_paginator_next_page_typed((void **)page,")
            out.append("      (awsc_page_iterator *)p, err);")
            out.append("}")
            out.append("void %s_free(%s *p) {" % (pt, pt))
            out.append("  awsc_paginator_free((awsc_page_iterator *)p);")
            out.append("}")
        return out

    def has_streaming_output(self, op):
        if "output" not in op:
            return False
        s = self.shapes[op["output"]["shape"]]
        pl = op["output"].get("payload") or s.get("payload")
        if not pl:
            return False
        ref = s["members"][pl]
        return self.kind(ref["shape"]) == "blob"

    # -- descriptors
    def member_init(self, name, ref, owner_ctype, field, has_field, required):
        t = ref["shape"]
        tdef = self.shapes[t]

        def tr(key):
            return ref[key] if key in ref else tdef.get(key)

        flags = []
        if required:
            flags.append("AWSC_MF_REQUIRED")
        qn = tr("queryName")
        if qn is not None:
            flags.append("AWSC_MF_QUERY_NAME")
        for key, fl in MEMBER_FLAGS:
            if tr(key) is True:
                flags.append(fl)
        ns = tr("xmlNamespace")
        ns_uri = ns_prefix = None
        if isinstance(ns, str):
            ns_uri = ns
        elif isinstance(ns, dict):
            ns_uri, ns_prefix = ns.get("uri"), ns.get("prefix")
        loc = tr("location")
        tsf = tr("timestampFormat")
        ln = tr("locationName")
        if owner_ctype and field:
            off = "offsetof(%s, %s)" % (owner_ctype, field)
            hoff = ("offsetof(%s, %s)" % (owner_ctype, has_field)
                    if has_field else "UINT32_MAX")
        else:
            off, hoff = "0", "UINT32_MAX"
        return "{%s, &S[%d], %s, %s, %s, %s, %s, %s, %s, %s, %s}" % (
            c_string(name), self.index[t],
            c_string(ln if isinstance(ln, str) else None),
            c_string(qn if isinstance(qn, str) else None),
            c_string(ns_uri), c_string(ns_prefix),
            " | ".join(flags) or "0", LOCATIONS.get(loc, "AWSC_LOC_BODY"),
            TS_FORMATS.get(tsf.lower() if isinstance(tsf, str) else None, "AWSC_TS_DEFAULT"),
            off, hoff)

    def source(self, header_name):
        out = []
        svc_c = c_ident(self.svc)
        out.append("/* Generated by codegen/gen.py from the botocore model of %s; do not edit. */" % self.svc)
        out.append("#include <stddef.h>")
        out.append("#include <stdint.h>")
        out.append("")
        out.append('#include "awsc/%s"' % header_name)
        out.append('#include "client/typed.h"')
        out.append('#include "client/typed_async.h"')
        out.append('#include "runtime/descriptor.h"')
        if self.meta.get("serviceId") in SERVICE_HOOKS:
            out.append("extern const awsc_service_hooks %s;" % SERVICE_HOOKS[self.meta["serviceId"]])
        out.append("")
        out.append("static const awsc_shape S[%d];" % len(self.names))
        out.append("")
        # members
        for i, n in enumerate(self.names):
            s = self.shapes[n]
            k = self.kind(n)
            typed = n in self.typed
            if k == "structure" and s.get("members"):
                _, layout = self.fields(n) if typed else (None, None)
                fmap = {m: (f, h) for m, f, h in layout} if layout else {}
                out.append("static const awsc_member M%d[] = {" % i)
                for mname, ref in s["members"].items():
                    f, h = fmap.get(mname, (None, None))
                    out.append("  " + self.member_init(
                        mname, ref, self.ctype_names[n] if typed else None, f, h,
                        mname in s.get("required", [])) + ",")
                out.append("};")
            elif k == "list":
                out.append("static const awsc_member L%d = %s;" % (
                    i, self.member_init("member", s["member"], None, None, None, False)))
            elif k == "map":
                ent = self.entry_names.get(n)
                if typed:
                    out.append("static const awsc_member K%d[2] = {%s,\n  %s};" % (
                        i, self.member_init("key", s["key"], ent, "key", None, False),
                        self.member_init("value", s["value"], ent, "value", None, False)))
                else:
                    out.append("static const awsc_member K%d[2] = {%s,\n  %s};" % (
                        i, self.member_init("key", s["key"], None, None, None, False),
                        self.member_init("value", s["value"], None, None, None, False)))
            if s.get("enum"):
                out.append("static const char *const E%d[] = {%s};" % (
                    i, ", ".join(c_string(v) for v in s["enum"])))
        out.append("")
        out.append("static const awsc_shape S[%d] = {" % len(self.names))
        for i, n in enumerate(self.names):
            s = self.shapes[n]
            k = self.kind(n)
            flags = [fl for key, fl in SHAPE_FLAGS if s.get(key) is True]
            if isinstance(s.get("min"), (int, float)):
                flags.append("AWSC_SF_HAS_MIN")
            if isinstance(s.get("max"), (int, float)):
                flags.append("AWSC_SF_HAS_MAX")
            ns = s.get("xmlNamespace")
            ns_uri = ns_prefix = None
            if isinstance(ns, str):
                ns_uri = ns
            elif isinstance(ns, dict):
                ns_uri, ns_prefix = ns.get("uri"), ns.get("prefix")
            members = "M%d" % i if k == "structure" and s.get("members") else "NULL"
            mcount = len(s.get("members", {})) if k == "structure" else 0
            payload = -1
            if k == "structure" and s.get("payload"):
                payload = list(s["members"]).index(s["payload"])
            lm = "&L%d" % i if k == "list" else "NULL"
            mk = "&K%d[0]" % i if k == "map" else "NULL"
            mv = "&K%d[1]" % i if k == "map" else "NULL"
            enums = "E%d" % i if s.get("enum") else "NULL"
            ecount = len(s.get("enum", []))
            err = s.get("error", {}) if isinstance(s.get("error"), dict) else {}
            typed = n in self.typed
            if typed and k == "structure":
                size = "sizeof(%s)" % self.ctype_names[n]
            elif typed and k == "list":
                et = self.elem_ctype(s["member"]["shape"])
                size = "sizeof(%s)" % et
            elif typed and k == "map":
                size = "sizeof(%s)" % self.entry_names[n]
            else:
                size = "0"
            mn = s.get("min") if isinstance(s.get("min"), (int, float)) else 0
            mx = s.get("max") if isinstance(s.get("max"), (int, float)) else 0
            tsf = s.get("timestampFormat")
            out.append("  {%s, %s, %s, %s, %s, %s, %s, %s, %du, %d, %s, %s, %s, %s, %du, %dLL, %dLL, %s, %d, %s}," % (
                c_string(n), TYPE_ENUM.get(k, "AWSC_SHAPE_STRING"),
                TS_FORMATS.get(tsf.lower() if isinstance(tsf, str) else None, "AWSC_TS_DEFAULT"),
                " | ".join(flags) or "0", c_string(s.get("locationName")),
                c_string(ns_uri), c_string(ns_prefix), members, mcount, payload,
                lm, mk, mv, enums, ecount, int(min(mn, 2**62)), int(min(mx, 2**62)),
                c_string(err.get("code")), int(err.get("httpStatusCode", 0)), size))
        out.append("};")
        out.append("")
        # operation I/O shapes with traits on the reference: copies
        io_copies = {}
        for op in self.ops:
            for key in ("input", "output"):
                ref = op.get(key)
                if not ref:
                    continue
                if any(k in ref for k in ("locationName", "xmlNamespace", "payload")):
                    io_copies[(op["name"], key)] = ref
        # operations
        for oi, op in enumerate(self.ops):
            errs = op.get("errors", [])
            if errs:
                out.append("static const awsc_shape *const OE%d[] = {%s};" % (
                    oi, ", ".join("&S[%d]" % self.index[e["shape"]] for e in errs)))
            hc = op.get("httpChecksum", {})
            ra = hc.get("responseAlgorithms", [])
            if ra:
                out.append("static const char *const OR%d[] = {%s};" % (
                    oi, ", ".join(c_string(a) for a in ra)))
            scp = op.get("staticContextParams", {})
            if scp:
                items = []
                for k2, v in scp.items():
                    val = v.get("value")
                    if isinstance(val, bool):
                        items.append("{%s, NULL, %d}" % (c_string(k2), 1 if val else 0))
                    else:
                        items.append("{%s, %s, -1}" % (c_string(k2), c_string(str(val))))
                out.append("static const awsc_static_context_param OS%d[] = {%s};" % (oi, ", ".join(items)))
            if "input" in op:
                idef = self.shapes[op["input"]["shape"]]
                cps = [(ref["contextParam"]["name"], m) for m, ref in idef.get("members", {}).items()
                       if "contextParam" in ref]
                if cps:
                    out.append("static const awsc_context_param OC%d[] = {%s};" % (
                        oi, ", ".join("{%s, %s}" % (c_string(a), c_string(b)) for a, b in cps)))
            for key in ("input", "output"):
                ref = io_copies.get((op["name"], key))
                if ref:
                    base = self.index[ref["shape"]]
                    s = self.shapes[ref["shape"]]
                    out.append("static awsc_shape OIO%d_%s; /* filled by awsc_%s_init */" % (oi, key, svc_c))
        out.append("")
        # shapes that need copies: fill once at first use (pthread_once in the
        # registry); simpler: static initialiser built from S[] fields is not
        # a constant expression, so copy at init.
        out.append("static void init_io_copies(void) {")
        for (opname, key), ref in sorted(io_copies.items()):
            oi = [o["name"] for o in self.ops].index(opname)
            base = self.index[ref["shape"]]
            s = self.shapes[ref["shape"]]
            out.append("  OIO%d_%s = S[%d];" % (oi, key, base))
            if "locationName" in ref:
                out.append("  OIO%d_%s.location_name = %s;" % (oi, key, c_string(ref["locationName"])))
            ns = ref.get("xmlNamespace")
            if ns is not None:
                uri = ns if isinstance(ns, str) else ns.get("uri")
                pre = None if isinstance(ns, str) else ns.get("prefix")
                out.append("  OIO%d_%s.xml_ns_uri = %s;" % (oi, key, c_string(uri)))
                out.append("  OIO%d_%s.xml_ns_prefix = %s;" % (oi, key, c_string(pre)))
            if "payload" in ref:
                out.append("  OIO%d_%s.payload_index = %d;" % (
                    oi, key, list(s.get("members", {})).index(ref["payload"])))
        out.append("}")
        out.append("")
        out.append("static const awsc_operation O[%d] = {" % len(self.ops))
        for oi, op in enumerate(self.ops):
            http = op.get("http", {})
            flags = []
            hc = op.get("httpChecksum", {})
            if op.get("httpChecksumRequired") or hc.get("requestChecksumRequired"):
                flags.append("AWSC_OF_CHECKSUM_REQUIRED")
            at = op.get("authtype")
            if at == "v4-unsigned-body" or op.get("unsignedPayload"):
                flags.append("AWSC_OF_UNSIGNED_PAYLOAD")
            if at == "none" or op.get("auth") == ["smithy.api#noAuth"]:
                flags.append("AWSC_OF_NO_AUTH")
            if op.get("deprecated"):
                flags.append("AWSC_OF_DEPRECATED")

            def streaming(key):
                ref = op.get(key)
                if not ref:
                    return False
                s = self.shapes[ref["shape"]]
                pl = ref.get("payload") or s.get("payload")
                if not pl:
                    return False
                t = s["members"][pl]["shape"]
                return self.kind(t) == "blob" or bool(self.shapes[t].get("eventstream"))
            if streaming("input"):
                flags.append("AWSC_OF_HAS_STREAMING_INPUT")
            if streaming("output"):
                flags.append("AWSC_OF_HAS_STREAMING_OUTPUT")

            def io(key):
                ref = op.get(key)
                if not ref:
                    return "NULL"
                if (op["name"], key) in io_copies:
                    return "&OIO%d_%s" % (oi, key)
                return "&S[%d]" % self.index[ref["shape"]]
            errs = op.get("errors", [])
            ra = hc.get("responseAlgorithms", [])
            scp = op.get("staticContextParams", {})
            cps = 0
            if "input" in op:
                cps = sum(1 for r in self.shapes[op["input"]["shape"]].get("members", {}).values()
                          if "contextParam" in r)
            out.append("  {%s, %s, %s, %s, %d, %s, %s, %s, %s, %du, %s, %s, %s, %s, %s, %du, %s, %du, %s, %du}," % (
                c_string(op["name"]), c_string(xform_name(op["name"])),
                c_string(http.get("method", "POST")), c_string(http.get("requestUri", "/")),
                int(http.get("responseCode", 0)), io("input"), io("output"),
                c_string(op.get("output", {}).get("resultWrapper")),
                "OE%d" % oi if errs else "NULL", len(errs),
                c_string(op.get("endpoint", {}).get("hostPrefix")),
                " | ".join(flags) or "0",
                c_string(hc.get("requestAlgorithmMember")),
                c_string(hc.get("requestValidationModeMember")),
                "OR%d" % oi if ra else "NULL", len(ra),
                "OS%d" % oi if scp else "NULL", len(scp),
                "OC%d" % oi if cps else "NULL", cps))
        out.append("};")
        out.append("")
        by_py = sorted(range(len(self.ops)), key=lambda i: xform_name(self.ops[i]["name"]))
        out.append("static const awsc_operation *const OP[%d] = {%s};" % (
            len(self.ops), ", ".join("&O[%d]" % i for i in by_py)))
        out.append("")
        # paginators
        pag_names = sorted(n for n in self.paginators if n in self.model["operations"])

        def strlist(v):
            if v is None:
                return []
            return v if isinstance(v, list) else [v]
        for pi, name in enumerate(pag_names):
            pg = self.paginators[name]
            for tag, key in (("PI", "input_token"), ("PO", "output_token"),
                             ("PR", "result_key"), ("PN", "non_aggregate_keys")):
                vals = strlist(pg.get(key))
                if vals:
                    out.append("static const char *const %s%d[] = {%s};" % (
                        tag, pi, ", ".join(c_string(v) for v in vals)))
        if pag_names:
            out.append("static const awsc_paginator PG[%d] = {" % len(pag_names))
            for pi, name in enumerate(pag_names):
                pg = self.paginators[name]

                def ref(tag, key):
                    vals = strlist(pg.get(key))
                    return ("%s%d" % (tag, pi) if vals else "NULL", len(vals))
                a = ref("PI", "input_token")
                b = ref("PO", "output_token")
                r = ref("PR", "result_key")
                nk = ref("PN", "non_aggregate_keys")
                out.append("  {%s, %s, %du, %s, %du, %s, %s, %s, %du, %s, %du}," % (
                    c_string(name), a[0], a[1], b[0], b[1], c_string(pg.get("limit_key")),
                    c_string(pg.get("more_results")), r[0], r[1], nk[0], nk[1]))
            out.append("};")
        # waiters
        wnames = sorted(self.waiters)
        for wi, name in enumerate(wnames):
            w = self.waiters[name]
            acc = []
            for a in w.get("acceptors", []):
                acc.append("{%s, %s, %s, %s}" % (
                    c_string(a.get("state")), c_string(a.get("matcher")),
                    c_string(a.get("argument")),
                    c_string(json.dumps(a.get("expected"), separators=(",", ":")))))
            out.append("static const awsc_waiter_acceptor WA%d[] = {%s};" % (wi, ",\n  ".join(acc)))
        if wnames:
            out.append("static const awsc_waiter WT[%d] = {" % len(wnames))
            for wi, name in enumerate(wnames):
                w = self.waiters[name]
                out.append("  {%s, %s, %d, %d, WA%d, %du}," % (
                    c_string(name), c_string(w["operation"]), int(w.get("delay", 5)),
                    int(w.get("maxAttempts", 20)), wi, len(w.get("acceptors", []))))
            out.append("};")
        out.append("")
        # service
        protos = self.meta.get("protocols")
        proto = None
        if isinstance(protos, list):
            for cand in PROTO_PRIORITY:
                if cand in protos:
                    proto = cand
                    break
        proto = proto or self.meta.get("protocol")
        m = self.meta
        if self.ruleset is not None:
            out.append("/* endpoint-rule-set-1.json, compiled at run time once per session */")
            out.append("static const char RULESET[] =")
            out.append(c_text_block(self.ruleset) + ";")
            out.append("")
        out.append("const awsc_service awsc_service_%s = {" % svc_c)
        out.append("  %s, %s, %s, %s, %s, %s, %s, %s, %s, %s," % (
            c_string(m.get("serviceId")), c_string(m.get("apiVersion")), PROTOCOLS[proto],
            c_string(m.get("jsonVersion")), c_string(m.get("targetPrefix")),
            c_string(m.get("xmlNamespace")),
            c_string(m.get("signingName") or m.get("endpointPrefix")),
            c_string(m.get("endpointPrefix")), c_string(m.get("globalEndpoint")),
            "true" if "awsQueryCompatible" in m else "false"))
        out.append("  O, %du, OP, %s, %du, %s, %du," % (
            len(self.ops), "PG" if pag_names else "NULL", len(pag_names),
            "WT" if wnames else "NULL", len(wnames)))
        hooks = SERVICE_HOOKS.get(m.get("serviceId"))
        out.append("  %s, %s};" % (
            "RULESET, sizeof(RULESET) - 1" if self.ruleset is not None else "NULL, 0",
            "&" + hooks if hooks else "NULL"))
        out.append("")
        out.append("void awsc_service_%s_init(void) { init_io_copies(); }" % svc_c)
        out.append("")
        # typed wrappers
        for oi, op in enumerate(self.ops):
            fn = "%s_%s" % (self.p, xform_name(op["name"]))
            ity, oty = self.io_type(op, "input"), self.io_type(op, "output")
            out.append("int %s(%s **output, awsc_client *client," % (fn, oty))
            out.append("    const %s *input, awsc_error *err) {" % ity)
            out.append("  return awsc_invoke_typed((void **)output, client, &awsc_service_%s, &O[%d]," % (svc_c, oi))
            out.append("                           input, NULL, err);")
            out.append("}")
            if self.has_streaming_output(op):
                out.append("int %s_to(%s **output, awsc_client *client," % (fn, oty))
                out.append("    const %s *input, const awsc_body_sink *sink, awsc_error *err) {" % ity)
                out.append("  return awsc_invoke_typed((void **)output, client, &awsc_service_%s, &O[%d]," % (svc_c, oi))
                out.append("                           input, sink, err);")
                out.append("}")
            out.append("int %s_async(awsc_request **request, awsc_loop *loop," % fn)
            out.append("    awsc_client *client, const %s *input, awsc_typed_done_fn done," % ity)
            out.append("    void *user_data, awsc_error *err) {")
            out.append("  return awsc_invoke_typed_async(request, loop, client, &awsc_service_%s," % svc_c)
            out.append("                                 &O[%d], input, done, user_data, err);" % oi)
            out.append("}")
        out.extend(self.paginator_defs(svc_c))
        out.extend(self.waiter_defs(svc_c))
        return "\n".join(out) + "\n"


def registry(services, models=None):
    out = ["/* Generated by codegen/gen.py: the built-in services; do not edit. */",
           "#include <pthread.h>", "#include <string.h>", "",
           '#include "client/client_internal.h"', ""]
    for s in services:
        out.append("extern const awsc_service awsc_service_%s;" % c_ident(s))
        out.append("void awsc_service_%s_init(void);" % c_ident(s))
    out.append("")
    out.append("static pthread_once_t once = PTHREAD_ONCE_INIT;")
    out.append("static void init_all(void) {")
    for s in services:
        out.append("  awsc_service_%s_init();" % c_ident(s))
    out.append("}")
    out.append("")
    out.append("const awsc_service *awsc_builtin_service(const char *name) {")
    out.append("  pthread_once(&once, init_all);")
    for s in services:
        out.append('  if (strcmp(name, %s) == 0)' % c_string(s))
        out.append("    return &awsc_service_%s;" % c_ident(s))
    out.append("  return NULL;")
    out.append("}")
    out.append("")
    for sid, table in sorted(SERVICE_HOOKS.items()):
        out.append("extern const awsc_service_hooks %s;" % table)
    out.append("const awsc_service_hooks *awsc_builtin_hooks(const char *service_id) {")
    for sid, table in sorted(SERVICE_HOOKS.items()):
        out.append('  if (service_id && strcmp(service_id, %s) == 0)' % c_string(sid))
        out.append("    return &%s;" % table)
    out.append("  return NULL;")
    out.append("}")
    out.append("")
    out.append("const char *awsc_builtin_service_names(void) { return %s; }" % c_string(", ".join(services)))
    out.append("")
    parts = minified_json(os.path.join(models, "partitions.json")) if models else None
    out.append("/* models/partitions.json (aws.partition data of the endpoint rules) */")
    if parts is None:
        out.append("const char *awsc_builtin_partitions(size_t *len) { *len = 0; return NULL; }")
    else:
        out.append("static const char PARTITIONS[] =")
        out.append(c_text_block(parts) + ";")
        out.append("const char *awsc_builtin_partitions(size_t *len) {")
        out.append("  *len = sizeof(PARTITIONS) - 1;")
        out.append("  return PARTITIONS;")
        out.append("}")
    return "\n".join(out) + "\n"


def find_model_dir(models, svc):
    base = os.path.join(models, svc)
    versions = sorted(d for d in os.listdir(base) if os.path.isdir(os.path.join(base, d)))
    if not versions:
        raise SystemExit("no model version under " + base)
    return os.path.join(base, versions[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", required=True, help="models/ folder")
    ap.add_argument("--service", help="service name (folder under models/)")
    ap.add_argument("--header", help="write the public header here")
    ap.add_argument("--source", help="write the descriptor C source here")
    ap.add_argument("--registry", help="write the registry C source here")
    ap.add_argument("--services", help="comma-separated list for --registry")
    ap.add_argument("--name-map", help="append 'old new' C type names of "
                    "--service (the earlier generator's) to this file")
    ap.add_argument("--deps", action="store_true",
                    help="print the model files of --service, one a line")
    a = ap.parse_args()
    if a.deps:
        d = find_model_dir(a.models, a.service)
        for f in sorted(os.listdir(d)):
            if f.endswith(".json"):
                print(os.path.join(d, f))
        return 0
    if a.registry:
        svcs = [s for s in (a.services or "").split(",") if s]
        with open(a.registry, "w") as f:
            f.write(registry(svcs, a.models))
    if a.service:
        d = find_model_dir(a.models, a.service)
        model = load_extras(os.path.join(d, "service-2.json"))
        pag = load_extras(os.path.join(d, "paginators-1.json"))
        wai = load_extras(os.path.join(d, "waiters-2.json"))
        rules = minified_json(os.path.join(d, "endpoint-rule-set-1.json"))
        g = Gen(a.service, model, pag, wai, rules)
        if a.header:
            with open(a.header, "w") as f:
                f.write(g.header())
        if a.source:
            with open(a.source, "w") as f:
                f.write(g.source(a.service + ".h"))
        if a.name_map:
            with open(a.name_map, "a") as f:
                for old, new in sorted(g.old_names.items()):
                    if old != new:
                        f.write("%s %s\n" % (old, new))
    return 0


if __name__ == "__main__":
    sys.exit(main())
