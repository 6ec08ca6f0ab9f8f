"""boto3/botocore's exception types (botocore.exceptions), with the same names,
bases, attributes and messages, so that `except ClientError as e:
e.response['Error']['Code']` works unchanged."""


class BotoCoreError(Exception):
    fmt = "An unspecified error occurred"

    def __init__(self, **kwargs):
        msg = self.fmt.format(**kwargs)
        Exception.__init__(self, msg)
        self.kwargs = kwargs


class NoCredentialsError(BotoCoreError):
    fmt = "Unable to locate credentials"


class PartialCredentialsError(BotoCoreError):
    fmt = "Partial credentials found in {provider}, missing: {cred_var}"


class NoRegionError(BotoCoreError):
    fmt = "You must specify a region."


class ProfileNotFound(BotoCoreError):
    fmt = "The config profile ({profile}) could not be found"


class ConfigParseError(BotoCoreError):
    fmt = "Unable to parse config file: {path}"


class UnknownServiceError(BotoCoreError):
    fmt = ("Unknown service: '{service_name}'. Valid service names are: "
           "{known_service_names}")


class DataNotFoundError(BotoCoreError):
    fmt = "Unable to load data for: {data_path}"


class ParamValidationError(BotoCoreError):
    fmt = "Parameter validation failed:\n{report}"


class ValidationError(BotoCoreError):
    fmt = "Invalid value ('{value}') for param {param} of type {type_name} "


class HTTPClientError(BotoCoreError):
    fmt = "An HTTP Client raised an unhandled exception: {error}"

    def __init__(self, request=None, response=None, **kwargs):
        self.request = request
        self.response = response
        BotoCoreError.__init__(self, **kwargs)


class ConnectionError(BotoCoreError):
    fmt = "An HTTP Client failed to establish a connection: {error}"


class EndpointConnectionError(ConnectionError):
    fmt = 'Could not connect to the endpoint URL: "{endpoint_url}"'


class SSLError(ConnectionError):
    fmt = "SSL validation failed for {endpoint_url} {error}"


class ConnectionClosedError(HTTPClientError):
    fmt = ("Connection was closed before we received a valid response "
           "from endpoint URL: \"{endpoint_url}\".")


class ReadTimeoutError(HTTPClientError):
    fmt = 'Read timeout on endpoint URL: "{endpoint_url}"'


class ConnectTimeoutError(ConnectionError):
    fmt = 'Connect timeout on endpoint URL: "{endpoint_url}"'


class ResponseStreamingError(HTTPClientError):
    fmt = "An error occurred while reading from response stream: {error}"


class IncompleteReadError(BotoCoreError):
    fmt = ("{actual_bytes} read, but total bytes expected is "
           "{expected_bytes}.")


class FlexibleChecksumError(BotoCoreError):
    fmt = "{error_msg}"


class ChecksumError(BotoCoreError):
    fmt = "Expected {checksum_type} checksum of {expected_checksum} did not match calculated checksum: {actual_checksum}"


class OperationNotPageableError(BotoCoreError):
    fmt = "Operation cannot be paginated: {operation_name}"


class PaginationError(BotoCoreError):
    fmt = "Error during pagination: {message}"


class WaiterError(BotoCoreError):
    fmt = "Waiter {name} failed: {reason}"

    def __init__(self, name, reason, last_response):
        super().__init__(name=name, reason=reason)
        self.last_response = last_response


class UnknownParameterError(ValidationError):
    fmt = ("Unknown parameter '{name}' for operation {operation}.  Must be one "
           "of: {choices}")


class UnknownClientMethodError(BotoCoreError):
    fmt = "Client does not have method: {method_name}"


class UnsupportedFeature(BotoCoreError):
    """A boto3 feature this build of libawsc does not offer yet."""
    fmt = "{feature} is not supported by libawsc yet: {reason}"


class AwscError(BotoCoreError):
    """Any other failure the C library reports (status, kind and message)."""
    fmt = "{message}"


class ClientError(Exception):
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
        super().__init__(msg)
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


class EventStreamError(ClientError):
    pass


class S3UploadFailedError(Exception):
    """boto3.exceptions.S3UploadFailedError."""


class RetriesExceededError(Exception):
    def __init__(self, last_exception, msg="Max Retries Exceeded"):
        super().__init__(msg)
        self.last_exception = last_exception


class ResourceNotExistsError(Exception):
    def __init__(self, service_name, available_services, has_low_level_client):
        msg = ("The '{}' resource does not exist.\nThe available resources "
               "are:\n   - {}\n".format(service_name,
                                         "\n   - ".join(available_services)))
        if has_low_level_client:
            msg += ("\nConsider using a boto3.client('{}') instead of a "
                    "resource for '{}'".format(service_name, service_name))
        super().__init__(msg)


class Boto3Error(Exception):
    pass


class DataNotFoundErrorBoto3(Boto3Error):
    pass
