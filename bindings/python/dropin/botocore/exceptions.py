from awsc.exceptions import *  # noqa: F401,F403
from awsc.exceptions import ClientError, BotoCoreError  # noqa: F401
from awsc._errors import CredentialRetrievalError  # noqa: F401
