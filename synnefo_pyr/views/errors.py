"""The one place where every error becomes the documented fault body.

Our own faults, Pyramid's HTTP exceptions (no route, no view for the method,
permission denied) and unexpected exceptions all end here, rendered in JSON
or XML as the client asked. Exception views need no permission, so
rendering an error never depends on who is asking.
"""
import functools
import logging

from pyramid.httpexceptions import HTTPException, HTTPForbidden, HTTPMethodNotAllowed, HTTPNotFound
from pyramid_retry import is_last_attempt, mark_error_retryable

from synnefo_pyr import dbhealth, errors, faults
from synnefo_pyr.permissions import is_service_permission, read_permission_of
from synnefo_pyr.renderers import api_of, fault_response
from synnefo_pyr.security import auth_failure
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.wsgi_filters import scrubbed_path

log = logging.getLogger(__name__)


def fault_view(exc, request):
    return fault_response(request, exc)


def domain_error_view(exc, request):
    """A refusal of the domain rules, as the fault of the request's API."""
    return fault_response(request, faults.from_error(exc, api_of(request)))


def _wrong_method(request):
    """The 405 of a method the matched URL pattern does not take (A9), or
    ``None``. It comes before the token check and any lookup: HEAD reaches
    the GET view's permission check first, and must not get a 401 or 404."""
    route = request.matched_route
    service = SynnefoService.by_route.get(route.name) if route is not None else None
    if service is not None and request.method not in service.defined_methods:
        return faults.NotAllowed(service.defined_methods)
    return None


def not_found_view(exc, request):
    """No route matched: an unknown URL (A10). A route matched, but not the
    method: 405, whether or not the item exists (the method is a property
    of the URL pattern, behaviours.md preface 8). A route matched but
    traversal found no such item: itemNotFound, after the token check
    unless the container is public."""
    if request.matched_route is None:
        return fault_response(request, faults.BadRequest("API endpoint not found"))
    wrong_method = _wrong_method(request)
    if wrong_method is not None:
        return fault_response(request, wrong_method)
    context = request.context
    if not getattr(context, "public", False) and request.identity is None:
        return fault_response(request, faults.Unauthorized(auth_failure(request)))
    message = getattr(context, "missing_message", faults.ItemNotFound.message)
    return fault_response(request, faults.ItemNotFound(message))


def method_not_allowed_view(exc, request):
    allowed = list(exc.allow or []) if exc.allow else []
    return fault_response(request, faults.NotAllowed(allowed))


def forbidden_view(exc, request):
    """Permission denied. No (or a bad) token, or a token of the wrong kind:
    401. An item the caller may not even read: 404, as if it did not exist
    (A12). An item the caller may read but not change, or anything else:
    403, with the context's ``forbidden_message`` if it has one."""
    wrong_method = _wrong_method(request)
    if wrong_method is not None:
        return fault_response(request, wrong_method)
    identity = request.identity
    permission = getattr(getattr(exc, "result", None), "permission", None)
    wrong_kind = identity is not None and permission is not None and (
        is_service_permission(permission) != identity.is_service
    )
    context = request.context
    if identity is None:
        fault = faults.Unauthorized(auth_failure(request))
    elif wrong_kind:
        fault = faults.Unauthorized("Invalid token")
    elif hasattr(context, "missing_message") and not _may_read(request, context, permission):
        fault = faults.ItemNotFound(context.missing_message)
    else:
        fault = faults.Forbidden(getattr(context, "forbidden_message", "You are not allowed to do this"))
    return fault_response(request, fault)


def _may_read(request, context, permission):
    read = read_permission_of(permission)
    return read is not None and read != permission and bool(request.has_permission(read, context))


def http_exception_view(exc, request):
    """Any other HTTP exception Pyramid or WebOb raised."""
    if exc.code < 400:
        return exc
    cls = faults.BY_STATUS.get(exc.code, faults.BadRequest if exc.code < 500 else faults.InternalServerError)
    return fault_response(request, cls(exc.explanation or None))


#: What a client is told while the database cannot serve it.
UNAVAILABLE = faults.ServiceUnavailable(
    "Service unavailable", "The service's database is unavailable; try again later"
)


def unexpected_error_view(exc, request):
    """A bug or an outage (A16): say nothing internal. A deadlock, a
    serialization failure or a busy SQLite is marked retryable, and
    pyramid_retry runs the whole request again (``retry.attempts``); at the
    last attempt, and whenever the database is unreachable or too slow, the
    answer is 503 serviceUnavailable, logged once per outage (``dbhealth``).
    Anything else is a bug: logged with its traceback, answered 500. A
    pooled connection found dead (the database restarted) is retried too:
    the next attempt connects anew."""
    if dbhealth.is_stale_connection(exc) and not is_last_attempt(request):
        mark_error_retryable(exc)
        return fault_response(request, UNAVAILABLE)
    if dbhealth.is_retryable(exc):
        if not is_last_attempt(request):
            mark_error_retryable(exc)
        else:
            log.warning("Giving up on %s %s after repeated transient database errors: %s",
                        request.method, _logged_path(request), exc)
        return fault_response(request, UNAVAILABLE)
    if dbhealth.is_unavailable(exc):
        dbhealth.outage_log(request.registry.dbengine).failed(exc)
        return fault_response(request, UNAVAILABLE)
    log.exception("Unexpected error on %s %s", request.method, _logged_path(request))
    return fault_response(request, faults.InternalServerError("Unexpected error"))


def _logged_path(request):
    return scrubbed_path(request.environ)


def _guarded(view):
    """An exception view that fails itself (it asks who is calling, and the
    database is down) answers as an unexpected error would, never with
    the server's plain-text 500."""

    @functools.wraps(view)
    def guarded(exc, request):
        try:
            return view(exc, request)
        except Exception as inner:
            return unexpected_error_view(inner, request)

    return guarded


def includeme(config):
    def add(view, context):
        config.add_exception_view(_guarded(view), context=context)

    add(fault_view, context=faults.Fault)
    add(domain_error_view, context=errors.DomainError)
    add(method_not_allowed_view, context=HTTPMethodNotAllowed)
    add(not_found_view, context=HTTPNotFound)
    add(forbidden_view, context=HTTPForbidden)
    add(http_exception_view, context=HTTPException)
    add(unexpected_error_view, context=Exception)
