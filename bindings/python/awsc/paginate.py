"""botocore's Paginator / PageIterator over awsc_paginator_* (the C library
feeds the tokens, applies MaxItems / PageSize / StartingToken and merges
build_full_result)."""
import ctypes
import json

from . import _errors
from . import _lib
from . import exceptions as exc


class Paginator(object):
    def __init__(self, client, py_name, op_name):
        self._client = client
        self._py_name = py_name
        self._op_name = op_name

    def paginate(self, **kwargs):
        cfg = kwargs.pop("PaginationConfig", None) or {}
        return PageIterator(self._client, self._py_name, self._op_name, kwargs, cfg)


class PageIterator(object):
    def __init__(self, client, py_name, op_name, params, cfg):
        self._client = client
        self._py_name = py_name
        self._op_name = op_name
        self._params = params
        self._cfg = cfg
        self._resume_token = None
        unknown = set(cfg) - {"MaxItems", "PageSize", "StartingToken"}
        if unknown:
            raise exc.ParamValidationError(
                report="Unknown PaginationConfig key(s): %s" % ", ".join(sorted(unknown)))

    def _new(self, item_expression=None):
        from ._client import dumps
        c = _lib.PaginatorConfig()
        c.version = 1
        c.max_items = int(self._cfg.get("MaxItems") or 0)
        c.page_size = int(self._cfg.get("PageSize") or 0)
        c.starting_token = _lib.enc(self._cfg.get("StartingToken"))
        c.item_expression = _lib.enc(item_expression)
        out = ctypes.c_void_p()
        err = _lib.Error()
        rc = _lib.lib.awsc_paginator_new(ctypes.byref(out), self._client._c,
                                         self._py_name.encode(), dumps(self._params).encode(),
                                         ctypes.byref(c), ctypes.byref(err))
        self._raise(rc, err)
        return out

    def _raise(self, rc, err):
        if rc:
            e = _lib.CallFailed(rc, err)
            if rc == _lib.EINVAL:
                raise exc.PaginationError(message=e.message)
            if rc == _lib.EPARSE and "same next token" in e.message.lower():
                raise exc.PaginationError(message=e.message)
            raise _errors.translate(e, self._op_name, self._client.meta.endpoint_url,
                                    self._client.exceptions)

    def _step(self, fn, handle):
        out = ctypes.c_void_p()
        err = _lib.Error()
        rc = fn(ctypes.byref(out), handle, ctypes.byref(err))
        text = _lib.take_bytes(out.value)
        self._raise(rc, err)
        return text

    def __iter__(self):
        h = self._new()
        try:
            while True:
                text = self._step(_lib.lib.awsc_paginator_next_page_json, h)
                if text is None:
                    break
                yield self._client._convert_output(self._op_name, json.loads(text))
            tok = _lib.lib.awsc_paginator_resume_token(h)
            self._resume_token = tok.decode() if tok else None
        finally:
            _lib.lib.awsc_paginator_free(h)

    @property
    def resume_token(self):
        return self._resume_token

    def build_full_result(self):
        h = self._new()
        try:
            text = self._step(_lib.lib.awsc_paginator_build_full_result_json, h)
        finally:
            _lib.lib.awsc_paginator_free(h)
        result = json.loads(text)
        nt = result.pop("NextToken", None)
        self._client._convert_output(self._op_name, result)
        if nt is not None:
            result["NextToken"] = nt
        return result

    def search(self, expression):
        """boto3's search(): JMESPath over each page. With the jmespath
        module (boto3's own dependency) the pages are searched after
        conversion (datetime and bytes as the client gives them); without it
        the C library evaluates the expression and values stay JSON."""
        try:
            import jmespath
        except ImportError:
            jmespath = None
        if jmespath is not None:
            compiled = jmespath.compile(expression)
            for page in self:
                results = compiled.search(page)
                if isinstance(results, list):
                    for el in results:
                        yield el
                else:
                    yield results
            return
        h = self._new(expression)
        try:
            while True:
                text = self._step(_lib.lib.awsc_paginator_next_item_json, h)
                if text is None:
                    break
                yield json.loads(text)
        finally:
            _lib.lib.awsc_paginator_free(h)
