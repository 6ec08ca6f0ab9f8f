#!/usr/bin/env python3
"""gen_resources.py - boto3 resource models to C descriptor tables and typed headers.

Reads models/<svc>/<version>/resources-1.json (boto3's resource model) and
the service-2.json beside it, and writes:
  --source FILE   lib/resources' descriptor tables for the service (data:
                  resources, identifiers, load, actions, batch actions, has,
                  hasMany, waiters) plus the typed wrappers, each a one-line
                  call into the runtime (lib/resources/resource.c).
  --header FILE   include/awsc/<svc>_resources.h: the typed handles.
  --registry FILE the table of built-in resource models (--services).
Names follow gen.py (imported, not copied): snake case as botocore's
xform_name, C strings escaped by gen.c_string.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402  (naming helpers: xform_name, c_ident, c_string)

SOURCES = {"identifier": "AWSC_RS_IDENTIFIER", "data": "AWSC_RS_DATA",
           "requestParameter": "AWSC_RS_REQUEST_PARAM",
           "response": "AWSC_RS_RESPONSE", "string": "AWSC_RS_STRING",
           "integer": "AWSC_RS_INTEGER", "boolean": "AWSC_RS_BOOLEAN",
           "input": "AWSC_RS_INPUT"}


# The conveniences boto3 injects into resources (boto3/s3/inject.py), one
# per line: (resource, name, declaration after "int <prefix>_<name>(", doc).
# Their code is hand-written (lib/resources/s3_inject.c) over lib/transfer;
# this table only declares them in the typed header, beside the generated
# functions and under the same collision check.
CONVENIENCES = {
    "s3": [
        ("Bucket", "upload_file",
         "awsc_s3_transfer_result *result, awsc_s3_bucket *r, const char *filename, const char *key, "
         "const struct awsc_s3_PutObjectRequest *extra_args, const awsc_s3_transfer_config *config, awsc_error *err",
         "bucket.upload_file(filename, key): awsc_s3_upload_file into this bucket."),
        ("Bucket", "download_file",
         "awsc_s3_transfer_result *result, awsc_s3_bucket *r, const char *key, const char *filename, "
         "const struct awsc_s3_GetObjectRequest *extra_args, const awsc_s3_transfer_config *config, awsc_error *err",
         "bucket.download_file(key, filename): awsc_s3_download_file from this bucket."),
        ("Bucket", "copy",
         "awsc_s3_transfer_result *result, awsc_s3_bucket *r, const awsc_s3_copy_source *source, const char *key, "
         "const struct awsc_s3_CopyObjectRequest *extra_args, const awsc_s3_transfer_config *config, awsc_error *err",
         "bucket.copy(source, key): awsc_s3_copy into this bucket."),
        ("Object", "upload_file",
         "awsc_s3_transfer_result *result, awsc_s3_object *r, const char *filename, "
         "const struct awsc_s3_PutObjectRequest *extra_args, const awsc_s3_transfer_config *config, awsc_error *err",
         "object.upload_file(filename): awsc_s3_upload_file to this object."),
        ("Object", "download_file",
         "awsc_s3_transfer_result *result, awsc_s3_object *r, const char *filename, "
         "const struct awsc_s3_GetObjectRequest *extra_args, const awsc_s3_transfer_config *config, awsc_error *err",
         "object.download_file(filename): awsc_s3_download_file of this object."),
        ("Object", "copy",
         "awsc_s3_transfer_result *result, awsc_s3_object *r, const awsc_s3_copy_source *source, "
         "const struct awsc_s3_CopyObjectRequest *extra_args, const awsc_s3_transfer_config *config, awsc_error *err",
         "object.copy(source): awsc_s3_copy to this object."),
        ("Bucket", "upload_fileobj",
         "awsc_s3_transfer_result *result, awsc_s3_bucket *r, awsc_read_fn read, void *user_data, uint64_t size, "
         "const char *key, const struct awsc_s3_PutObjectRequest *extra_args, const awsc_s3_transfer_config *config, "
         "awsc_error *err",
         "bucket.upload_fileobj(fileobj, key): awsc_s3_upload_fileobj into this bucket."),
        ("Bucket", "download_fileobj",
         "awsc_s3_GetObjectOutput **output, awsc_s3_bucket *r, const char *key, awsc_write_fn write, void *user_data, "
         "const struct awsc_s3_GetObjectRequest *extra_args, awsc_error *err",
         "bucket.download_fileobj(key, fileobj): the object's bytes to write(), in order, each once (see "
         "awsc_s3_object_get_to); *output (may be NULL) gets the GetObject output without its body."),
        ("Object", "upload_fileobj",
         "awsc_s3_transfer_result *result, awsc_s3_object *r, awsc_read_fn read, void *user_data, uint64_t size, "
         "const struct awsc_s3_PutObjectRequest *extra_args, const awsc_s3_transfer_config *config, awsc_error *err",
         "object.upload_fileobj(fileobj): awsc_s3_upload_fileobj to this object."),
        ("Object", "download_fileobj",
         "awsc_s3_GetObjectOutput **output, awsc_s3_object *r, awsc_write_fn write, void *user_data, "
         "const struct awsc_s3_GetObjectRequest *extra_args, awsc_error *err",
         "object.download_fileobj(fileobj): as bucket.download_fileobj for this object."),
        ("Object", "get_to",
         "awsc_s3_GetObjectOutput **output, awsc_s3_object *r, const struct awsc_s3_GetObjectRequest *input, "
         "const awsc_body_sink *sink, awsc_error *err",
         "object.get() with a streaming body: GetObject of this object (bucket and key from the handle, the other "
         "members from input, NULL = none) with the body streamed to sink (a file or a write callback, never held "
         "whole); *output gets the rest of the answer (awsc_mem_free). A callback sink gets every byte once, in "
         "order: after a retry the bytes it already has are skipped (the call fails if the object changed)."),
    ],
}


# The loads boto3 injects where the model has none (boto3/s3/inject.py):
# Bucket (ListBuckets, its own entry) and ObjectSummary (HeadObject,
# ContentLength as Size). Written by hand in lib/resources/s3_inject.c;
# the registry points the runtime at them, and the typed header declares
# a _load for these types as for modelled loads.
CUSTOM_LOADS = {
    "s3": [("Bucket", "awsc_rsrc_s3_bucket_load"),
           ("ObjectSummary", "awsc_rsrc_s3_object_summary_load")],
}


def has_load(svc, rn, r):
    return "load" in r or any(t == rn for t, _f in CUSTOM_LOADS.get(svc, []))


def fail(msg):
    raise SystemExit("gen_resources.py: " + msg)


def s(x):
    return gen.c_string(x)


class ResGen:
    def __init__(self, svc, res, model):
        self.svc = svc
        self.res = res
        self.model = model
        self.sid = model["metadata"].get("serviceId") or svc
        self.out = []
        self.n = 0
        # Resources sorted by name so the runtime can bsearch; the service
        # resource is a type of its own, first.
        self.names = sorted(res.get("resources", {}))
        self.types = [("ServiceResource", res.get("service", {}))] + \
            [(n, res["resources"][n]) for n in self.names]
        self.cname = {"ServiceResource": "service_resource"}
        for n in self.names:
            self.cname[n] = gen.xform_name(n)
        self.check_names()

    def check_names(self):
        """Typed names must meet neither each other, the handle type names nor
        the generated client API's names: the generator stops, never
        renames (docs/ABI.md). References are <type>_ref_<name> because
        boto3 names them after their type (bucket.Acl() -> BucketAcl)."""
        ops = {"awsc_%s_%s" % (self.svc, gen.xform_name(o))
               for o in self.model.get("operations", {})}
        seen = {"awsc_%s_%s" % (self.svc, c): 1 for c in self.cname.values()}
        for name, _fn in self.typed_functions():
            if name in ops:
                fail("%s would collide with an operation function" % name)
            if name in seen:
                fail("%s generated twice" % name)
            seen[name] = 1

    def batch_actions(self, coll):
        """The batch actions of a collection's item type (boto3 offers them
        on the collection: bucket.objects.filter(...).delete())."""
        target = coll["resource"]["type"]
        return sorted(self.res.get("resources", {}).get(target, {})
                      .get("batchActions", {}))

    def typed_functions(self):
        for rn, r in self.types:
            p = "awsc_%s_%s" % (self.svc, self.cname[rn])
            yield p + "_new", None
            yield p + "_free", None
            yield p + "_as_resource", None
            if has_load(self.svc, rn, r):
                yield p + "_load", None
            if self.data_type(r):
                yield p + "_data", None
            for i in r.get("identifiers", []):
                yield p + "_" + gen.xform_name(i["name"]), None
            for a in r.get("actions", {}):
                yield p + "_" + gen.xform_name(a) + "_json", None
                if self.typed_action(r["actions"][a]):
                    yield p + "_" + gen.xform_name(a), None
            for a in r.get("has", {}):
                yield p + "_ref_" + gen.xform_name(a), None
            for a in r.get("hasMany", {}):
                yield p + "_" + gen.xform_name(a), None
                for b in self.batch_actions(r["hasMany"][a]):
                    yield p + "_" + gen.xform_name(a) + "_" + gen.xform_name(b), None
            for a in r.get("waiters", {}):
                yield p + "_wait_until_" + gen.xform_name(a), None
            for cr, name, _a, _d in CONVENIENCES.get(self.svc, []):
                if cr == rn:
                    yield p + "_" + name, None

    # ---- descriptor tables ----
    def sym(self, base):
        self.n += 1
        return "%s_%d" % (base, self.n)

    def params(self, plist, key="target"):
        if not plist:
            return "NULL", 0
        name = self.sym("P")
        rows = []
        for p in plist:
            src = p.get("source")
            if src not in SOURCES:
                fail("unknown source %r" % src)
            val = p.get("value")
            if val is not None and not isinstance(val, str):
                val = json.dumps(val)
            rows.append("  {%s, %s, %s, %s, %s}," % (
                s(p.get(key)), SOURCES[src], s(p.get("name")),
                s(p.get("path")), s(val)))
        self.out.append("static const awsc_rsrc_param %s[] = {\n%s\n};" %
                        (name, "\n".join(rows)))
        return name, len(plist)

    def request(self, req):
        if req is None:
            return "{NULL, NULL, 0}"
        if req["operation"] not in self.model["operations"]:
            fail("no operation %s in the service model" % req["operation"])
        p, n = self.params(req.get("params"))
        return "{%s, %s, %d}" % (s(req["operation"]), p, n)

    def ref(self, r):
        if not r:
            return "{NULL, NULL, 0, NULL}"
        p, n = self.params(r.get("identifiers"))
        return "{%s, %s, %d, %s}" % (s(r["type"]), p, n, s(r.get("path")))

    def actions(self, d, base):
        if not d:
            return "NULL", 0
        rows = []
        for an in sorted(d):
            a = d[an]
            rows.append("  {%s, %s, %s, %s}," % (
                s(an), self.request(a.get("request")),
                self.ref(a.get("resource")), s(a.get("path"))))
        name = self.sym(base)
        self.out.append("static const awsc_rsrc_action %s[] = {\n%s\n};" %
                        (name, "\n".join(rows)))
        return name, len(d)

    def type_row(self, rn, r):
        ids = r.get("identifiers", [])
        idn = "NULL"
        if ids:
            idn = self.sym("I")
            self.out.append("static const awsc_rsrc_identifier %s[] = {\n%s\n};" % (
                idn, "\n".join("  {%s, %s}," % (s(i["name"]), s(i.get("memberName")))
                               for i in ids)))
        load = "NULL"
        if "load" in r:
            load = "&" + self.sym("L")
            self.out.append("static const awsc_rsrc_action %s = {%s, %s, %s, %s};" % (
                load[1:], s("load"), self.request(r["load"]["request"]),
                self.ref(None), s(r["load"].get("path"))))
        act, nact = self.actions(r.get("actions"), "A")
        bat, nbat = self.actions(r.get("batchActions"), "B")
        has, nhas = "NULL", 0
        if r.get("has"):
            rows = ["  {%s, %s}," % (s(h), self.ref(r["has"][h]["resource"]))
                    for h in sorted(r["has"])]
            has, nhas = self.sym("H"), len(rows)
            self.out.append("static const awsc_rsrc_has %s[] = {\n%s\n};" % (
                has, "\n".join(rows)))
        hm, nhm = "NULL", 0
        if r.get("hasMany"):
            rows = []
            for h in sorted(r["hasMany"]):
                c = r["hasMany"][h]
                rows.append("  {%s, %s, %s}," % (
                    s(h), self.request(c["request"]), self.ref(c["resource"])))
            hm, nhm = self.sym("C"), len(rows)
            self.out.append("static const awsc_rsrc_collection %s[] = {\n%s\n};" % (
                hm, "\n".join(rows)))
        wa, nwa = "NULL", 0
        if r.get("waiters"):
            rows = []
            for w in sorted(r["waiters"]):
                wd = r["waiters"][w]
                p, n = self.params(wd.get("params"))
                rows.append("  {%s, %s, %s, %d, %s}," % (
                    s(w), s(wd["waiterName"]), p, n, s(wd.get("path"))))
            wa, nwa = self.sym("W"), len(rows)
            self.out.append("static const awsc_rsrc_waiter %s[] = {\n%s\n};" % (
                wa, "\n".join(rows)))
        return "  {%s, %s, %d, %s, %s, %s, %d, %s, %d, %s, %d, %s, %d, %s, %d}," % (
            s(rn), idn, len(ids), s(r.get("shape")), load, act, nact, bat, nbat,
            has, nhas, hm, nhm, wa, nwa)

    def model_symbol(self):
        return "awsc_rsrc_model_" + gen.c_ident(self.svc)

    def source(self):
        self.out = ["/* Generated by codegen/gen_resources.py from models/%s "
                    "resources-1.json: do not edit. */" % self.svc,
                    "#include \"resources/resources_desc.h\"",
                    "#include \"resources/resource_internal.h\"",
                    "#include <string.h>", "",
                    "#include <awsc/%s.h>" % self.svc,
                    "#include <awsc/%s_resources.h>" % self.svc, ""]
        rows = [self.type_row(rn, r) for rn, r in self.types]
        self.out.append("static const awsc_rsrc_type SERVICE[] = {\n%s\n};" % rows[0])
        self.out.append("static const awsc_rsrc_type TYPES[] = {\n%s\n};" %
                        "\n".join(rows[1:]) if len(rows) > 1 else
                        "static const awsc_rsrc_type TYPES[1];")
        self.out.append("const awsc_rsrc_model %s = {%s, %s, SERVICE, TYPES, %d};" % (
            self.model_symbol(), s(self.svc), s(self.sid), len(self.names)))
        self.out.append("")
        self.out.extend(self.typed(source=True))
        return "\n".join(self.out) + "\n"

    # ---- typed face: declarations (header) and one-line bodies (source) ----
    def typed(self, source):
        out = []
        for ti, (rn, r) in enumerate(self.types):
            cn = self.cname[rn]
            t = "awsc_%s_%s" % (self.svc, cn)
            tref = ("&SERVICE[0]" if ti == 0 else "&TYPES[%d]" % (ti - 1))
            ids = [i["name"] for i in r.get("identifiers", [])]
            if not source:
                out.append("/* ---- %s (boto3 %s.%s) ---- */" % (t, self.svc, rn))
            fns = []
            args = "".join("const char *%s, " % gen.c_ident(gen.xform_name(i)) for i in ids)
            argv = ", ".join(gen.c_ident(gen.xform_name(i)) for i in ids)
            fns.append(("int %s_new(%s **out, awsc_client *client, %sawsc_error *err)" % (t, t, args),
                        "  const char *ids[] = {%s};\n  return awsc_rsrc_new_typed((awsc_resource **)out, client, %s, ids, %d, err);" % (
                            argv or "NULL", tref, len(ids)),
                        "A handle on %s by its identifiers (copied); nothing is sent. "
                        "*out is the caller's: %s_free." % (rn, t)))
            fns.append(("void %s_free(%s *r)" % (t, t),
                        "  awsc_resource_free((awsc_resource *)r);",
                        "Release the handle (NULL is a no-op)."))
            fns.append(("awsc_resource *%s_as_resource(%s *r)" % (t, t),
                        "  return (awsc_resource *)r;",
                        "The generic view of the same handle (borrowed, lives as long as r)."))
            for k, i in enumerate(ids):
                fns.append(("const char *%s_%s(const %s *r)" % (t, gen.xform_name(i), t),
                            "  return awsc_rsrc_identifier_text((const awsc_resource *)r, %d);" % k,
                            "Identifier %s (borrowed, lives as long as r)." % i))
            if has_load(self.svc, rn, r):
                fns.append(("int %s_load(%s *r, awsc_error *err)" % (t, t),
                            "  return awsc_resource_load((awsc_resource *)r, err);",
                            "(Re)load the data with %s." % (
                                r["load"]["request"]["operation"] if "load" in r
                                else "boto3's injected load")))
            dt = self.data_type(r)
            if dt:
                fns.append(("const %s *%s_data(%s *r, awsc_error *err)" % (dt, t, t),
                            "  return (const %s *)awsc_rsrc_typed_data((awsc_resource *)r, err);" % dt,
                            "The data as %s (loaded first when needed): borrowed, valid "
                            "until r is freed; NULL on error (err says why)." % dt))
            for k, a in enumerate(sorted(r.get("actions", {}))):
                ta = self.typed_action(r["actions"][a])
                if ta:
                    fns.append(self.typed_action_fn(t, a, k, ta))
                fns.append(("int %s_%s_json(char **json_out, awsc_resource ***resources_out, size_t *n_resources, %s *r, const char *params_json, awsc_error *err)" % (
                    t, gen.xform_name(a), t),
                    "  return awsc_rsrc_action_at(json_out, resources_out, n_resources, (awsc_resource *)r, %d, params_json, err);" % k,
                    "Action %s (%s); see awsc_resource_action_json." % (
                        a, r["actions"][a]["request"]["operation"])))
            for k, a in enumerate(sorted(r.get("has", {}))):
                target = r["has"][a]["resource"]["type"]
                tt = "awsc_%s_%s" % (self.svc, self.cname[target])
                fns.append(("int %s_ref_%s(%s **out, %s *r, const char *input_json, awsc_error *err)" % (
                    t, gen.xform_name(a), tt, t),
                    "  return awsc_rsrc_reference_at((awsc_resource **)out, (awsc_resource *)r, %d, input_json, err);" % k,
                    "Reference %s -> %s; see awsc_resource_reference." % (a, target)))
            for k, a in enumerate(sorted(r.get("hasMany", {}))):
                fns.append(("int %s_%s(awsc_resource_collection **out, %s *r, const char *filter_json, const awsc_collection_options *opts, awsc_error *err)" % (
                    t, gen.xform_name(a), t),
                    "  return awsc_rsrc_collection_at(out, (awsc_resource *)r, %d, filter_json, opts, err);" % k,
                    "Collection %s of %s; see awsc_resource_collection_new." % (
                        a, r["hasMany"][a]["resource"]["type"])))
                for b in self.batch_actions(r["hasMany"][a]):
                    fns.append(("int %s_%s_%s(char **json_out, size_t *requests_out, %s *r, const char *filter_json, const awsc_collection_options *opts, const char *params_json, awsc_error *err)" % (
                        t, gen.xform_name(a), gen.xform_name(b), t),
                        "  return awsc_resource_batch_action_json(json_out, requests_out, (awsc_resource *)r, %s, filter_json, opts, %s, params_json, err);" % (s(a), s(b)),
                        "Batch action %s over collection %s (%s.%s.filter(...).%s()); see awsc_resource_batch_action_json." % (
                            b, a, cn, gen.xform_name(a), gen.xform_name(b))))
            for k, a in enumerate(sorted(r.get("waiters", {}))):
                fns.append(("int %s_wait_until_%s(%s *r, const char *params_json, const awsc_waiter_config *config, awsc_error *err)" % (
                    t, gen.xform_name(a), t),
                    "  return awsc_rsrc_wait_at((awsc_resource *)r, %d, params_json, config, err);" % k,
                    "Waiter %s (%s)." % (a, r["waiters"][a]["waiterName"])))
            if not source:  # conveniences: declared here, written by hand
                for cr, name, args, doc in CONVENIENCES.get(self.svc, []):
                    if cr == rn:
                        fns.append(("int %s_%s(%s)" % (t, name, args), None, doc))
            for sig, body, doc in fns:
                if source:
                    out.append("%s {\n%s\n}" % (sig, body))
                else:
                    out.append("/* %s */" % doc)
                    out.append("AWSC_API %s;" % sig)
            out.append("")
        return out

    def data_type(self, r):
        """The generated struct of a resource's shape, or None."""
        sh = r.get("shape")
        if not sh or self.model["shapes"].get(sh, {}).get("type") != "structure":
            return None
        return "awsc_%s_%s" % (self.svc, sh)

    def typed_action(self, act):
        """(input type, output type, function, [(field, C expr)]) of the
        typed form of an action, or None when a parameter is not a plain
        top-level string member (nested targets, data, integers): those
        actions have the _json form only."""
        op = self.model["operations"][act["request"]["operation"]]
        if "input" not in op:
            return None
        ishape = self.model["shapes"][op["input"]["shape"]]
        members = ishape.get("members", {})
        fields = [gen.c_ident(gen.xform_name(m)) for m in members]
        if len(set(fields)) != len(fields):
            return None
        sets = []
        for p in act["request"].get("params", []):
            tgt = p["target"]
            if tgt not in members:
                return None
            kind = gen.shape_kind(self.model["shapes"][members[tgt]["shape"]])
            if kind != "string":
                return None
            f = gen.c_ident(gen.xform_name(tgt))
            if p["source"] == "identifier":
                sets.append((f, p["name"]))
            elif p["source"] == "string":
                sets.append((f, gen.c_string(p["value"])))
            else:
                return None
        out_t = ("awsc_%s_%s" % (self.svc, op["output"]["shape"])
                 if "output" in op else "awsc_empty")
        return ("awsc_%s_%s" % (self.svc, op["input"]["shape"]), out_t,
                "awsc_%s_%s" % (self.svc, gen.xform_name(op["name"])), sets)

    def typed_action_fn(self, t, a, k, ta):
        in_t, out_t, fn, sets = ta
        rn = [n for n, c in self.cname.items() if "awsc_%s_%s" % (self.svc, c) == t][0]
        ids = [i["name"] for i in dict(self.types)[rn].get("identifiers", [])]
        body = ["  %s in;" % in_t,
                "  %s *o = NULL;" % out_t,
                "  int rc;",
                "  if (resources_out)",
                "    *resources_out = NULL;",
                "  if (n_resources)",
                "    *n_resources = 0;",
                "  if (output)",
                "    *output = NULL;",
                "  if (!r)",
                "    return awsc_rsrc_null_handle(err);",
                "  if (input)",
                "    in = *input;",
                "  else",
                "    memset(&in, 0, sizeof in);"]
        for f, src in sets:
            if src.startswith('"'):
                body.append("  in.%s = %s;" % (f, src))
            else:
                body.append("  in.%s = awsc_rsrc_identifier_text((const awsc_resource *)r, %d);"
                            % (f, ids.index(src)))
        body += ["  rc = %s(&o, awsc_rsrc_client((awsc_resource *)r), &in, err);" % fn,
                 "  if (!rc && resources_out)",
                 "    rc = awsc_rsrc_typed_resources(resources_out, n_resources, (awsc_resource *)r, %d, &in, o, err);" % k,
                 "  if (rc || !output)",
                 "    awsc_mem_free(o);",
                 "  else",
                 "    *output = o;",
                 "  return rc;"]
        return ("int %s_%s(%s **output, awsc_resource ***resources_out, size_t *n_resources, %s *r, const %s *input, awsc_error *err)" % (
            t, gen.xform_name(a), out_t, t, in_t), "\n".join(body),
            "Action %s with the operation's typed input (identifier-bound members "
            "are set from the handle; NULL = all defaults) and output (*output: "
            "awsc_mem_free; may be NULL); the resources it returns as for "
            "awsc_resource_action_json. The _json form below takes JSON." % a)

    def header(self):
        g = "AWSC_%s_RESOURCES_H" % gen.c_ident(self.svc).upper()
        out = ["/* Generated by codegen/gen_resources.py from models/%s "
               "resources-1.json: do not edit. */" % self.svc,
               "/*",
               " * Typed resource handles for %s: thin wrappers over the one resource" % self.sid,
               " * runtime of awsc/resource.h. A typed handle IS an awsc_resource (the",
               " * _as_resource() accessor gives the generic view); every rule of",
               " * awsc/resource.h about lifetimes, results and errors applies.",
               " */",
               "#ifndef " + g, "#define " + g, "",
               "#include <stddef.h>", "",
               "#include \"awsc/resource.h\"",
               "#include \"awsc/%s.h\"" % self.svc]
        if self.svc in CONVENIENCES:
            out.append("#include \"awsc/transfer.h\"")
        out += ["",
               "#ifdef __cplusplus", "extern \"C\" {", "#endif", ""]
        # Every handle type first: references name types declared later.
        for rn, _r in self.types:
            t = "awsc_%s_%s" % (self.svc, self.cname[rn])
            out.append("typedef struct %s %s;" % (t, t))
        out.append("")
        out.extend(self.typed(source=False))
        out += ["#ifdef __cplusplus", "}", "#endif", "", "#endif"]
        return "\n".join(out) + "\n"


def registry(services):
    out = ["/* Generated by codegen/gen_resources.py: do not edit. */",
           "#include <string.h>", "",
           "#include \"resources/resources_desc.h\"", ""]
    syms = ["awsc_rsrc_model_" + gen.c_ident(x) for x in services]
    for x in syms:
        out.append("extern const awsc_rsrc_model %s;" % x)
    # NULL-terminated, so that a build without resource models compiles
    # without a comparison that is always false.
    out.append("static const awsc_rsrc_model *const MODELS[] = {%s};" % (
        ", ".join(["&" + x for x in syms] + ["NULL"])))
    rows = []
    for svc in services:
        for t, fn in CUSTOM_LOADS.get(svc, []):
            out.append("int %s(awsc_resource *r, awsc_error *err);" % fn)
            rows.append("  {%s, %s, %s}," % (gen.c_string(svc), gen.c_string(t), fn))
    out.append("static const struct {\n  const char *service, *type;\n"
               "  int (*load)(awsc_resource *, awsc_error *);\n} LOADS[] = {")
    out += rows + ["  {NULL, NULL, NULL},", "};"]
    out.append("awsc_rsrc_load_fn awsc_rsrc_custom_load(const awsc_rsrc_model *m,")
    out.append("                                        const awsc_rsrc_type *t) {")
    out.append("  for (size_t i = 0; LOADS[i].service; i++)")
    out.append("    if (strcmp(LOADS[i].service, m->service) == 0 &&")
    out.append("        strcmp(LOADS[i].type, t->name) == 0)")
    out.append("      return LOADS[i].load;")
    out.append("  return NULL;")
    out.append("}")
    out.append("const awsc_rsrc_model *awsc_rsrc_model_for(const char *service_id) {")
    out.append("  for (size_t i = 0; service_id && MODELS[i]; i++)")
    out.append("    if (strcmp(MODELS[i]->service_id, service_id) == 0)")
    out.append("      return MODELS[i];")
    out.append("  return NULL;")
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", required=True)
    ap.add_argument("--service")
    ap.add_argument("--header")
    ap.add_argument("--source")
    ap.add_argument("--registry")
    ap.add_argument("--services", default="")
    ap.add_argument("--resource-model", help="resources-1.json (default: "
                    "beside the service model)")
    ap.add_argument("--has-resources", action="store_true",
                    help="print 'yes' when --service has a resource model")
    a = ap.parse_args()
    if a.registry:
        with open(a.registry, "w") as f:
            f.write(registry([x for x in a.services.split(",") if x]))
    if not a.service:
        return 0
    d = gen.find_model_dir(a.models, a.service)
    rpath = a.resource_model or os.path.join(d, "resources-1.json")
    if a.has_resources:
        print("yes" if os.path.exists(rpath) else "no")
        return 0
    g = ResGen(a.service, gen.load_json(rpath), gen.load_extras(os.path.join(d, "service-2.json")))
    if a.header:
        with open(a.header, "w") as f:
            f.write(g.header())
    if a.source:
        with open(a.source, "w") as f:
            f.write(g.source())
    return 0


if __name__ == "__main__":
    sys.exit(main())
