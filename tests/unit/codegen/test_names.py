#!/usr/bin/env python3
"""tests/unit/codegen/test_names.py GEN_PY - the generator's C names
(docs/ABI.md): awsc_<svc>_<ShapeName> verbatim, map entries _Entry, and a
loud failure (never a silent rename) for names it can not map."""
import importlib.util
import sys

spec = importlib.util.spec_from_file_location("gen", sys.argv[1])
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)
failures = 0


def model(shapes, ops=None):
    ops = ops or {"GetThing": {"name": "GetThing", "http": {},
                               "input": {"shape": "GetThingRequest"},
                               "output": {"shape": "GetThingOutput"}}}
    base = {"GetThingRequest": {"type": "structure", "members": {}},
            "GetThingOutput": {"type": "structure", "members": {}}}
    base.update(shapes)
    return {"metadata": {"protocol": "json"}, "operations": ops,
            "shapes": base}


def check(what, ok):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    failures += 0 if ok else 1


def refused(what, m, needle):
    try:
        gen.Gen("svc", m, None, None)
    except SystemExit as e:
        check(what + ": " + str(e), needle in str(e))
        return
    check(what + " (accepted, should fail)", False)


g = gen.Gen("svc", model({"GetThingOutput": {"type": "structure", "members": {
    "Tags": {"shape": "TagMap"}}}, "TagMap": {
    "type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}},
    "S": {"type": "string"}}), None, None)
h = g.header()
check("verbatim shape names", "struct awsc_svc_GetThingRequest {" in h)
check("map entry type", "struct awsc_svc_TagMap_Entry {" in h)
check("out-parameter first",
      "AWSC_API int awsc_svc_get_thing(awsc_svc_GetThingOutput **output, "
      "awsc_client *client," in h)
check("no _input/_output aliases", "awsc_svc_get_thing_input" not in h)
check("old names mapped",
      g.old_names.get("awsc_svc_get_thing_request") == "awsc_svc_GetThingRequest"
      and g.old_names.get("awsc_svc_get_thing_input") == "awsc_svc_GetThingRequest")

refused("not a C identifier", model({"GetThingOutput": {
    "type": "structure", "members": {"X": {"shape": "Bad-Name"}}},
    "Bad-Name": {"type": "structure", "members": {}}}), "not a C identifier")
refused("lower-case structure (resource handle space)", model({
    "GetThingOutput": {"type": "structure",
                       "members": {"X": {"shape": "bucket"}}},
    "bucket": {"type": "structure", "members": {}}}), "upper-case")
refused("entry name meets a shape name", model({
    "GetThingOutput": {"type": "structure", "members": {
        "A": {"shape": "Tags"}, "B": {"shape": "Tags_Entry"}}},
    "Tags": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}},
    "Tags_Entry": {"type": "structure", "members": {}},
    "S": {"type": "string"}}), "already taken")
ops = {n: {"name": n, "http": {}, "input": {"shape": "GetThingRequest"}}
       for n in ("ListThings", "ListThingsPaginator")}
try:
    gen.Gen("svc", model({}, ops=ops),
            {"pagination": {"ListThings": {"input_token": "T",
                                           "output_token": "T",
                                           "result_key": "Things"}}}, None)
    check("paginator type meets an operation (accepted, should fail)", False)
except SystemExit as e:
    check("paginator type meets an operation: " + str(e),
          "already taken" in str(e))
sys.exit(1 if failures else 0)
