"""The faults of the Synnefo APIs.

A fault is an exception: views and validators raise it, the exception views
in ``views/errors.py`` render it, and since it escaped the view pyramid_tm
aborts the transaction. Nothing ever *returns* an error response, so a failed
request can never commit half its work.

The wire name of each fault is the class name with its first letter
lower-cased, as Synnefo does (behaviours.md A2).
"""


class Fault(Exception):
    code = 500
    message = "Unexpected error"

    def __init__(self, message=None, details="", *, headers=None, data=None, empty_body=False):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details or ""
        #: Extra HTTP headers (``Allow`` for a 405, for instance).
        self.headers = dict(headers or {})
        #: Extra keys placed beside code/message/details in the body.
        self.data = dict(data or {})
        #: A few calls answer with an empty body (behaviours.md C12, E4).
        self.empty_body = empty_body

    @classmethod
    def fault_name(cls):
        name = cls.__name__
        return name[0].lower() + name[1:]

    @property
    def name(self):
        return self.fault_name()


class NotModified(Fault):
    code = 304
    message = "Not modified"


class BadRequest(Fault):
    code = 400
    message = "Bad request"


class Unauthorized(Fault):
    code = 401
    message = "Access denied. No authentication token"


class ResizeNotAllowed(Fault):
    code = 403
    message = "Resize not allowed"


class Forbidden(Fault):
    code = 403
    message = "Forbidden"


class ItemNotFound(Fault):
    code = 404
    message = "Not found"


class NotAllowed(Fault):
    code = 405
    message = "Method not allowed"

    def __init__(self, allowed, message=None, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        headers["Allow"] = ",".join(allowed)
        super().__init__(message, headers=headers, **kwargs)


class Conflict(Fault):
    code = 409
    message = "Conflict"


class BuildInProgress(Fault):
    code = 409
    message = "Server is being built"


class LengthRequired(Fault):
    code = 411
    message = "Length required"


class PreconditionFailed(Fault):
    code = 412
    message = "Precondition failed"


class OverLimit(Fault):
    code = 413
    message = "Resource Limit Exceeded for your account."


class RequestEntityTooLarge(Fault):
    code = 413
    message = "Request entity too large"


class BadMediaType(Fault):
    code = 415
    message = "Unsupported media type"


class RangeNotSatisfiable(Fault):
    code = 416
    message = "Range not satisfiable"


class NetworkInUse(Fault):
    code = 421
    message = "Network in use"


class UnprocessableEntity(Fault):
    code = 422
    message = "Unprocessable entity"


class InternalServerError(Fault):
    code = 500
    message = "Unexpected error"


class NotImplementedFault(Fault):
    code = 501
    message = "Not implemented"

    @classmethod
    def fault_name(cls):
        return "notImplemented"


class BadGateway(Fault):
    code = 502
    message = "Bad gateway"


class ServiceUnavailable(Fault):
    code = 503
    message = "Service unavailable"


#: The fault to use for a bare HTTP status (Pyramid's own HTTP exceptions).
BY_STATUS = {
    cls.code: cls
    for cls in (
        NotModified, BadRequest, Unauthorized, Forbidden, ItemNotFound, Conflict,
        LengthRequired, PreconditionFailed, RequestEntityTooLarge, BadMediaType,
        RangeNotSatisfiable, NetworkInUse, UnprocessableEntity, InternalServerError,
        NotImplementedFault, BadGateway, ServiceUnavailable,
    )
}
