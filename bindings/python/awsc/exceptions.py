"""boto3/botocore's exception types (botocore.exceptions), with the same names,
bases, attributes and messages, so that `except ClientError as e:
e.response['Error']['Code']` works unchanged.

With `import awsc as boto3` a program may still import the real botocore
(`from botocore.exceptions import ClientError`): when a real botocore is
installed, each class here also derives from botocore's class of the same
name, so that its except clauses catch awsc's errors. The drop-in botocore
(bindings/python/dropin) re-exports these classes instead."""
import importlib.util
import os


def _real_botocore_exceptions():
    if os.environ.get("AWSC_PY_NO_BOTOCORE_BASES"):
        return None  # skip importing botocore (about 0.5 s) when unwanted
    try:
        spec = importlib.util.find_spec("botocore")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    try:
        with open(spec.origin, encoding="utf-8") as f:
            if "_AWSC_DROPIN" in f.read():
                return None
        import botocore.exceptions as real
        return real
    except Exception:
        return None


_real = _real_botocore_exceptions()


def _b(name, *ours):
    """Bases of class `name`: ours, plus botocore's class of that name."""
    realcls = getattr(_real, name, None) if _real is not None else None
    if realcls is None:
        return ours
    return tuple(o for o in ours if o is not Exception) + (realcls,)


class BotoCoreError(*_b("BotoCoreError", Exception)):
    fmt = "An unspecified error occurred"

    def __init__(self, **kwargs):
        msg = self.fmt.format(**kwargs)
        Exception.__init__(self, msg)
        self.kwargs = kwargs


class NoCredentialsError(*_b("NoCredentialsError", BotoCoreError)):
    fmt = "Unable to locate credentials"


class PartialCredentialsError(*_b("PartialCredentialsError", BotoCoreError)):
    fmt = "Partial credentials found in {provider}, missing: {cred_var}"


class NoRegionError(*_b("NoRegionError", BotoCoreError)):
    fmt = "You must specify a region."


class ProfileNotFound(*_b("ProfileNotFound", BotoCoreError)):
    fmt = "The config profile ({profile}) could not be found"


class ConfigParseError(*_b("ConfigParseError", BotoCoreError)):
    fmt = "Unable to parse config file: {path}"


class UnknownServiceError(*_b("UnknownServiceError", BotoCoreError)):
    fmt = ("Unknown service: '{service_name}'. Valid service names are: "
           "{known_service_names}")


class DataNotFoundError(*_b("DataNotFoundError", BotoCoreError)):
    fmt = "Unable to load data for: {data_path}"


class ParamValidationError(*_b("ParamValidationError", BotoCoreError)):
    fmt = "Parameter validation failed:\n{report}"


class ValidationError(*_b("ValidationError", BotoCoreError)):
    fmt = "Invalid value ('{value}') for param {param} of type {type_name} "


class HTTPClientError(*_b("HTTPClientError", BotoCoreError)):
    fmt = "An HTTP Client raised an unhandled exception: {error}"

    def __init__(self, request=None, response=None, **kwargs):
        self.request = request
        self.response = response
        BotoCoreError.__init__(self, **kwargs)


class ConnectionError(*_b("ConnectionError", BotoCoreError)):
    fmt = "An HTTP Client failed to establish a connection: {error}"


class EndpointConnectionError(*_b("EndpointConnectionError", ConnectionError)):
    fmt = 'Could not connect to the endpoint URL: "{endpoint_url}"'


class SSLError(*_b("SSLError", ConnectionError)):
    fmt = "SSL validation failed for {endpoint_url} {error}"


class ConnectionClosedError(*_b("ConnectionClosedError", HTTPClientError)):
    fmt = ("Connection was closed before we received a valid response "
           "from endpoint URL: \"{endpoint_url}\".")


class ReadTimeoutError(*_b("ReadTimeoutError", HTTPClientError)):
    fmt = 'Read timeout on endpoint URL: "{endpoint_url}"'


class ConnectTimeoutError(*_b("ConnectTimeoutError", ConnectionError)):
    fmt = 'Connect timeout on endpoint URL: "{endpoint_url}"'


class ResponseStreamingError(*_b("ResponseStreamingError", HTTPClientError)):
    fmt = "An error occurred while reading from response stream: {error}"


class IncompleteReadError(*_b("IncompleteReadError", BotoCoreError)):
    fmt = ("{actual_bytes} read, but total bytes expected is "
           "{expected_bytes}.")


class FlexibleChecksumError(*_b("FlexibleChecksumError", BotoCoreError)):
    fmt = "{error_msg}"


class ChecksumError(*_b("ChecksumError", BotoCoreError)):
    fmt = "Expected {checksum_type} checksum of {expected_checksum} did not match calculated checksum: {actual_checksum}"


class OperationNotPageableError(*_b("OperationNotPageableError", BotoCoreError)):
    fmt = "Operation cannot be paginated: {operation_name}"


class PaginationError(*_b("PaginationError", BotoCoreError)):
    fmt = "Error during pagination: {message}"


class WaiterError(*_b("WaiterError", BotoCoreError)):
    fmt = "Waiter {name} failed: {reason}"

    def __init__(self, name, reason, last_response):
        super().__init__(name=name, reason=reason)
        self.last_response = last_response


class UnknownParameterError(*_b("UnknownParameterError", ValidationError)):
    fmt = ("Unknown parameter '{name}' for operation {operation}.  Must be one "
           "of: {choices}")


class UnknownClientMethodError(*_b("UnknownClientMethodError", BotoCoreError)):
    fmt = "Client does not have method: {method_name}"


class UnsupportedFeature(*_b("UnsupportedFeature", BotoCoreError)):
    """A boto3 feature this build of libawsc does not offer yet."""
    fmt = "{feature} is not supported by libawsc yet: {reason}"


class AwscError(*_b("AwscError", BotoCoreError)):
    """Any other failure the C library reports (status, kind and message)."""
    fmt = "{message}"


class ClientError(*_b("ClientError", Exception)):
    MSG_TEMPLATE = ("An error occurred ({error_code}) when calling the "
                    "{operation_name} operation{retry_info}: {error_message}")

    def __init__(self, error_response, operation_name):
        retry_info = self._get_retry_info(error_response)
        error = error_response.get("Error", {})
        msg = self.MSG_TEMPLATE.format(
            error_code=error.get("Code", "Unknown"),
            error_message=error.get("Message", "Unknown"),
            operation_name=operation_name,
            retry_info=retry_info)
        Exception.__init__(self, msg)  # not botocore's __init__ (a base here)
        self.response = error_response
        self.operation_name = operation_name

    def _get_retry_info(self, response):
        retry_info = ""
        md = response.get("ResponseMetadata", {})
        if md.get("MaxAttemptsReached") or md.get("RetryAttempts"):
            retry_info = " (reached max retries: %s)" % md["RetryAttempts"]
        return retry_info

    def __reduce__(self):
        return self.__class__, (self.response, self.operation_name)


class EventStreamError(*_b("EventStreamError", ClientError)):
    pass


class S3UploadFailedError(*_b("S3UploadFailedError", Exception)):
    """boto3.exceptions.S3UploadFailedError."""


class RetriesExceededError(*_b("RetriesExceededError", Exception)):
    def __init__(self, last_exception, msg="Max Retries Exceeded"):
        super().__init__(msg)
        self.last_exception = last_exception


class ResourceNotExistsError(*_b("ResourceNotExistsError", Exception)):
    def __init__(self, service_name, available_services, has_low_level_client):
        msg = ("The '{}' resource does not exist.\nThe available resources "
               "are:\n   - {}\n".format(service_name,
                                         "\n   - ".join(available_services)))
        if has_low_level_client:
            msg += ("\nConsider using a boto3.client('{}') instead of a "
                    "resource for '{}'".format(service_name, service_name))
        super().__init__(msg)


class Boto3Error(*_b("Boto3Error", Exception)):
    pass


class DataNotFoundErrorBoto3(*_b("DataNotFoundErrorBoto3", Boto3Error)):
    pass
