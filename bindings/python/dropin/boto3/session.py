from awsc.session import Session  # noqa: F401
