"""awsc: boto3's API on libawsc (ctypes; no compiler needed).

    import awsc as boto3
    s3 = boto3.client("s3", region_name="us-east-1")
"""
from . import _lib
from .config import UNSIGNED, Config
from .exceptions import ClientError, NoCredentialsError, ParamValidationError
from .session import Session

__version__ = "0.1.0"
__author__ = "awsc"
libawsc_version = _lib.version
libawsc_path = _lib.path

DEFAULT_SESSION = None


def setup_default_session(**kwargs):
    global DEFAULT_SESSION
    DEFAULT_SESSION = Session(**kwargs)


def _get_default_session():
    if DEFAULT_SESSION is None:
        setup_default_session()
    return DEFAULT_SESSION


def client(*args, **kwargs):
    return _get_default_session().client(*args, **kwargs)


def resource(*args, **kwargs):
    return _get_default_session().resource(*args, **kwargs)


def set_stream_logger(name="boto3", level=10, format_string=None):
    import logging
    logger = logging.getLogger(name)
    logger.setLevel(level)
    handler = logging.StreamHandler()
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(format_string or
                                           "%(asctime)s %(name)s [%(levelname)s] %(message)s"))
    logger.addHandler(handler)


__all__ = ["Session", "client", "resource", "Config", "UNSIGNED", "ClientError",
           "NoCredentialsError", "ParamValidationError", "setup_default_session"]
