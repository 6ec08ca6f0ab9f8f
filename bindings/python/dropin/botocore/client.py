from awsc._client import BaseClient, ClientMeta  # noqa: F401
from awsc.config import Config  # noqa: F401
