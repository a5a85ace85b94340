"""The refusals of the domain rules, independent of HTTP.

Domain code (``identity/``, ``quotas/``, ``images/``, ``compute/``,
``network/``, ``backend/``...) raises these and nothing else when it says
no. It never knows what status code or fault name an API gives them: one
mapping in ``faults.py`` does (per API where formats differ), and
``snf-pyr-manage`` prints the same message as its error.

``message`` is what the API's fault carries as its message, ``details``
its details; ``data`` is extra structured information that some APIs show
(the quota API's provision that failed) and others leave out.
"""


class DomainError(Exception):
    def __init__(self, message, details="", data=None):
        super().__init__(message)
        self.message = message
        self.details = details or ""
        self.data = dict(data or {})


class Invalid(DomainError):
    """The input breaks a rule: malformed, out of range, or not allowed in
    the current state (a pending action, a deleted item)."""


class Unauthenticated(DomainError):
    """Credentials that identify nobody (a bad token or password)."""


class Forbidden(DomainError):
    """The caller may see the item but not do this to it."""


class NotFound(DomainError):
    """No such item, or none the caller may see."""


class Conflict(DomainError):
    """The item's state conflicts with the request (an address taken, a
    network full)."""


class BuildInProgress(Conflict):
    """A server still being built refuses actions."""


class LimitExceeded(DomainError):
    """A fixed limit of the service is exceeded (sizes, counts)."""


class QuotaExceeded(LimitExceeded):
    """A holder's quota would be exceeded (or its usage fall below zero)."""


class PreconditionFailed(DomainError):
    """A condition the caller set on the item's current state does not
    hold (an ETag that does not match, object storage's If-Match)."""


class RangeNotSatisfiable(DomainError):
    """A byte range outside the item's data (object storage)."""


class Unprocessable(DomainError):
    """Well-formed input that contradicts itself (data whose MD5 is not the
    one announced)."""


class InUse(DomainError):
    """The item cannot go while something still uses it."""


class NotSupported(DomainError):
    """The service does not implement this."""


class UpstreamFailure(DomainError):
    """A service this one relies on failed (a mail server)."""


class Unavailable(DomainError):
    """The service cannot do this now (a missing public network)."""
