from awsc.session import Credentials  # noqa: F401
