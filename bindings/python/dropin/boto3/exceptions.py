from awsc.exceptions import (Boto3Error, ResourceNotExistsError,  # noqa: F401
                             RetriesExceededError, S3UploadFailedError)


class S3TransferFailedError(Boto3Error):
    pass


class ResourceLoadException(Boto3Error):
    pass


class NoVersionFound(Boto3Error):
    pass


class UnknownAPIVersionError(Boto3Error):
    pass


class DynamoDBOperationNotSupportedError(Boto3Error):
    pass
