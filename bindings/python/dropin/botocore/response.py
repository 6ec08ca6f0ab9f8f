from awsc.response import StreamingBody  # noqa: F401
