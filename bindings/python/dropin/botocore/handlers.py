"""botocore.handlers.disable_signing: registered on choose-signer, it makes
the awsc client unsigned (C option sign_requests OFF)."""
from awsc.config import UNSIGNED


def disable_signing(**kwargs):
    return UNSIGNED


def validate_bucket_name(params, **kwargs):
    """botocore's client-side bucket-name check, for code that unregisters
    it by name: the check itself runs in the C library (turning it off
    needs the C hooks, docs/python.md)."""
