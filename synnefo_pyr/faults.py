"""The faults of the Synnefo APIs, and the one mapping from domain errors.

A fault is an exception: views and validators raise it, the exception views
in ``views/errors.py`` render it, and since it escaped the view pyramid_tm
aborts the transaction. Nothing ever *returns* an error response, so a failed
request can never commit half its work.

Domain code raises ``errors.DomainError``s instead; ``from_error`` is the
one place that says which fault each of them is, per API where the APIs
differ (a network in use is the compute guide's 421, elsewhere a 409).

The wire name of each fault is the class name with its first letter
lower-cased, as Synnefo does (behaviours.md A2).
"""
from synnefo_pyr import errors


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


#: The fault of each domain error, most specific first.
_FAULT_OF_ERROR = (
    (errors.BuildInProgress, BuildInProgress),
    (errors.Invalid, BadRequest),
    (errors.Unauthenticated, Unauthorized),
    (errors.Forbidden, Forbidden),
    (errors.NotFound, ItemNotFound),
    (errors.Conflict, Conflict),
    (errors.LimitExceeded, OverLimit),
    (errors.InUse, Conflict),
    (errors.PreconditionFailed, PreconditionFailed),
    (errors.RangeNotSatisfiable, RangeNotSatisfiable),
    (errors.Unprocessable, UnprocessableEntity),
    (errors.NotSupported, NotImplementedFault),
    (errors.UpstreamFailure, BadGateway),
    (errors.Unavailable, ServiceUnavailable),
    (errors.DomainError, BadRequest),
)
#: Where an API answers a domain error with a fault of its own.
_API_FAULTS = {
    # The compute guide's network delete: 421 networkInUse.
    "compute": {errors.InUse: NetworkInUse},
    # Object storage: every limit, the quotas' included, is 413
    # requestEntityTooLarge (behaviours-object M0.6).
    "object-store": {errors.LimitExceeded: RequestEntityTooLarge},
}
#: The APIs whose faults carry the error's structured data beside code,
#: message and details (the quota API's failed provision, quota guide);
#: the compute API's overLimit carries exactly the three (A1, F11).
_APIS_WITH_DATA = {"account"}


def from_error(error, api=None):
    """The fault that answers ``error`` in ``api`` (the first part of the
    matched route's name: ``compute``, ``account``...)."""
    overrides = _API_FAULTS.get(api, {})
    cls = next(
        (overrides[kind] for kind in type(error).__mro__ if kind in overrides),
        None,
    ) or next(fault for kind, fault in _FAULT_OF_ERROR if isinstance(error, kind))
    data = error.data if api in _APIS_WITH_DATA else None
    return cls(error.message, error.details, data=data)
