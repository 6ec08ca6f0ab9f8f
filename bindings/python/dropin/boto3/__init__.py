"""Drop-in boto3 on libawsc: a program whose import path finds this package
before the real boto3 runs unchanged on the awsc binding (see
docs/python.md). Everything comes from the `awsc` package."""
import awsc as _awsc
from awsc import Session, client, resource, set_stream_logger, setup_default_session  # noqa: F401
from awsc import _get_default_session  # noqa: F401

__version__ = "1.26.27+awsc." + _awsc.__version__
__author__ = "awsc (boto3-compatible binding)"


def __getattr__(name):
    if name == "DEFAULT_SESSION":
        return _awsc.DEFAULT_SESSION
    raise AttributeError(name)
