"""botocore.handlers: disable_signing (registered on choose-signer, it makes
the awsc client unsigned: C option sign_requests OFF) and
validate_bucket_name (unregistered from before-parameter-build.s3, it turns
the C library's bucket-name check off: awsc_client_set_check)."""
from awsc.config import UNSIGNED


def disable_signing(**kwargs):
    return UNSIGNED


def validate_bucket_name(params, **kwargs):
    """botocore's client-side bucket-name check, for code that registers or
    unregisters it by name: the check itself runs in the C library."""
