from awsc.config import Config  # noqa: F401
