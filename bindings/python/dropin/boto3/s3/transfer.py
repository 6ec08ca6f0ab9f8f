from awsc.transfer import TransferConfig  # noqa: F401

MB = 1024 * 1024
KB = 1024
