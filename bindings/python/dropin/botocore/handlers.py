"""botocore.handlers.disable_signing: registered on choose-signer, it makes
the awsc client unsigned (C option sign_requests OFF)."""
from awsc.config import UNSIGNED


def disable_signing(**kwargs):
    return UNSIGNED
