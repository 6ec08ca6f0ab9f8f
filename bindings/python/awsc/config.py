"""botocore.config.Config: the options a client takes, mapped onto the C
session and client options."""
import copy


class _Unsigned(object):
    """botocore.UNSIGNED: anonymous requests (C: sign_requests = OFF)."""

    def __copy__(self):
        return self

    def __deepcopy__(self, memodict):
        return self

    def __repr__(self):
        return "UNSIGNED"


UNSIGNED = _Unsigned()


class Config(object):
    OPTION_DEFAULTS = {
        "region_name": None,
        "signature_version": None,
        "user_agent": None,
        "user_agent_extra": None,
        "user_agent_appid": None,
        "connect_timeout": 60,
        "read_timeout": 60,
        "parameter_validation": True,
        "max_pool_connections": 10,
        "proxies": None,
        "proxies_config": None,
        "s3": None,
        "retries": None,
        "client_cert": None,
        "inject_host_prefix": True,
        "endpoint_discovery_enabled": None,
        "use_dualstack_endpoint": None,
        "use_fips_endpoint": None,
        "defaults_mode": None,
        "tcp_keepalive": None,
        "request_min_compression_size_bytes": None,
        "disable_request_compression": None,
        "request_checksum_calculation": None,
        "response_checksum_validation": None,
    }

    def __init__(self, *args, **kwargs):
        self._user_provided_options = {}
        names = list(self.OPTION_DEFAULTS)
        for i, v in enumerate(args):
            self._user_provided_options[names[i]] = v
        for k, v in kwargs.items():
            if k not in self.OPTION_DEFAULTS:
                raise TypeError("Got unexpected keyword argument '%s'" % k)
            self._user_provided_options[k] = v
        for k, default in self.OPTION_DEFAULTS.items():
            setattr(self, k, self._user_provided_options.get(k, default))

    def merge(self, other_config):
        opts = copy.copy(self._user_provided_options)
        opts.update(other_config._user_provided_options)
        return Config(**opts)

    def __repr__(self):
        return "Config(%r)" % self._user_provided_options
