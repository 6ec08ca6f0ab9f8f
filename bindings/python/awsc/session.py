"""boto3.Session over awsc_session: the C session resolves the profile, the
region and the credentials (same lookup order as botocore)."""
import ctypes

from . import _errors
from . import _lib
from . import _model
from . import exceptions as exc
from .config import UNSIGNED, Config


class Credentials(object):
    """botocore.credentials.Credentials (a frozen copy)."""

    def __init__(self, access_key, secret_key, token=None, method=None):
        self.access_key = access_key
        self.secret_key = secret_key
        self.token = token
        self.method = method

    def get_frozen_credentials(self):
        return self


class _CSession(object):
    """Owns one awsc_session handle, and the loops the body readers use on
    it (freed first: they hold easy handles on the session's transport)."""

    def __init__(self, handle):
        self.handle = handle
        self.loops = _lib.LoopSet()

    def __del__(self):
        self.loops.free_all()
        if self.handle:
            _lib.lib.awsc_session_free(self.handle)
            self.handle = None


class Session(object):
    def __init__(self, aws_access_key_id=None, aws_secret_access_key=None,
                 aws_session_token=None, region_name=None,
                 botocore_session=None, profile_name=None):
        self._kw = dict(access_key_id=aws_access_key_id,
                        secret_access_key=aws_secret_access_key,
                        session_token=aws_session_token,
                        region=region_name, profile=profile_name)
        self._sessions = {}
        self._base = self._c_session(self._kw)

    def _c_session(self, kw):
        key = tuple(sorted((k, v) for k, v in kw.items() if v is not None))
        s = self._sessions.get(key)
        if s is None:
            try:
                s = _CSession(_lib.new_session(**kw))
            except _lib.CallFailed as e:
                if e.status == _lib.ENOTFOUND and "profile" in e.message:
                    err = exc.ProfileNotFound(profile=kw.get("profile") or "")
                elif e.status == _lib.EINVAL and "key" in e.message:
                    err = exc.PartialCredentialsError(provider="explicit",
                                                      cred_var="aws_secret_access_key")
                else:
                    err = _errors.translate(e)
                raise err
            self._sessions[key] = s
        return s

    @property
    def region_name(self):
        r = _lib.lib.awsc_session_region(self._base.handle)
        return r.decode() if r else None

    @property
    def profile_name(self):
        return _lib.lib.awsc_session_profile_name(self._base.handle).decode()

    @property
    def available_profiles(self):
        import configparser
        import os
        names = set()
        for env, default, strip in (("AWS_CONFIG_FILE", "~/.aws/config", True),
                                    ("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", False)):
            cp = configparser.RawConfigParser()
            try:
                cp.read(os.path.expanduser(os.environ.get(env, default)))
            except configparser.Error:
                continue
            for s in cp.sections():
                if strip and s.startswith("profile "):
                    s = s[8:]
                names.add(s.strip())
        return sorted(names)

    def get_credentials(self):
        out = ctypes.c_void_p()
        err = _lib.Error()
        rc = _lib.lib.awsc_session_get_credentials(ctypes.byref(out), self._base.handle,
                                                   ctypes.byref(err))
        if rc:
            if rc == _lib.ECREDENTIALS:
                return None
            raise _errors.translate(_lib.CallFailed(rc, err))
        try:
            L = _lib.lib
            tok = L.awsc_credentials_session_token(out)
            return Credentials(L.awsc_credentials_access_key_id(out).decode(),
                               L.awsc_credentials_secret_access_key(out).decode(),
                               tok.decode() if tok else None,
                               (L.awsc_credentials_source(out) or b"").decode())
        finally:
            _lib.lib.awsc_credentials_free(out)

    def get_available_services(self):
        """The services built into libawsc."""
        return sorted(_lib.builtin_services())

    def get_available_resources(self):
        """The built-in services that have a resource model."""
        return sorted(_lib.resource_services())

    def client(self, service_name, region_name=None, api_version=None,
               use_ssl=True, verify=None, endpoint_url=None,
               aws_access_key_id=None, aws_secret_access_key=None,
               aws_session_token=None, config=None):
        from ._client import client_class
        kw = dict(self._kw)
        if aws_access_key_id is not None or aws_secret_access_key is not None:
            kw.update(access_key_id=aws_access_key_id,
                      secret_access_key=aws_secret_access_key,
                      session_token=aws_session_token)
        elif aws_session_token is not None:
            kw["session_token"] = aws_session_token
        sign = True
        retry_mode = max_attempts = addressing = None
        if config is not None:
            sv = config.signature_version
            # botocore's own UNSIGNED too (import awsc as boto3 beside botocore)
            if sv is UNSIGNED or type(sv).__name__ == "UNSIGNED":
                sign = False
            region_name = region_name or config.region_name
            retries = config.retries or {}
            retry_mode = retries.get("mode")
            if retries.get("total_max_attempts"):
                max_attempts = retries["total_max_attempts"]
            elif retries.get("max_attempts") is not None:
                max_attempts = retries["max_attempts"] + 1
            addressing = (config.s3 or {}).get("addressing_style")
            user = getattr(config, "_user_provided_options", {})
            if "connect_timeout" in user:
                kw["connect_timeout"] = config.connect_timeout
            if "read_timeout" in user:
                kw["read_timeout"] = config.read_timeout
            if config.proxies:
                kw["proxy"] = config.proxies.get("https") or config.proxies.get("http")
        if verify is not None:
            kw["verify"] = verify
        if endpoint_url is not None and not endpoint_url.startswith(("http://", "https://")):
            raise ValueError("Invalid endpoint: %s" % endpoint_url)
        if not use_ssl and endpoint_url is None:
            raise exc.UnsupportedFeature(feature="use_ssl=False",
                                         reason="give an http:// endpoint_url instead")
        cs = self._c_session(kw)
        client_kwargs = dict(region=region_name, endpoint_url=endpoint_url,
                             retry_mode=retry_mode, max_attempts=max_attempts,
                             addressing_style=addressing, sign=sign)
        try:
            handle = _lib.new_client(cs.handle, service_name, **client_kwargs)
        except _lib.CallFailed as e:
            if e.status == _lib.ENOTFOUND:
                raise exc.UnknownServiceError(
                    service_name=service_name,
                    known_service_names=", ".join(_lib.builtin_services()) or e.message)
            raise _errors.translate(e)
        try:
            model = _model.load(service_name, handle)
            cls = client_class(service_name, handle, model)
        except BaseException:
            _lib.lib.awsc_client_free(handle)
            raise
        return cls(cs, cs.handle, service_name, handle, model, config or Config(),
                   region_name, endpoint_url, client_kwargs)

    def resource(self, service_name, region_name=None, api_version=None,
                 use_ssl=True, verify=None, endpoint_url=None,
                 aws_access_key_id=None, aws_secret_access_key=None,
                 aws_session_token=None, config=None):
        from .resources import service_resource
        if service_name not in self.get_available_resources():
            raise exc.ResourceNotExistsError(service_name, self.get_available_resources(),
                                             True)
        client = self.client(service_name, region_name=region_name, use_ssl=use_ssl,
                             verify=verify, endpoint_url=endpoint_url,
                             aws_access_key_id=aws_access_key_id,
                             aws_secret_access_key=aws_secret_access_key,
                             aws_session_token=aws_session_token, config=config)
        return service_resource(client)
