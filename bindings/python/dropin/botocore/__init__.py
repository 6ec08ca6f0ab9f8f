"""Drop-in botocore on libawsc (the parts programs import directly): see
docs/python.md."""
import awsc as _awsc
from awsc._client import xform_name  # noqa: F401
from awsc.config import UNSIGNED  # noqa: F401

_AWSC_DROPIN = True  # awsc.exceptions looks for this marker
__version__ = "1.29.27+awsc." + _awsc.__version__
