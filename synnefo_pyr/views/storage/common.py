"""What every object storage view shares: the services' shape, the
date preconditions, the caller, and the domain errors of a domain call."""
from synnefo_pyr import faults
from synnefo_pyr.service import SynnefoService


def service(name, path, factory, allow):
    """A Cornice service answering ``allow`` (in that order in ``Allow``)."""
    svc = SynnefoService(name=f"object-store.{name}", path=path, factory=factory, depth=3)
    svc.allow_order = allow
    return svc


def order_methods(*services):
    for svc in services:
        assert set(svc.defined_methods) == set(svc.allow_order), (svc.name, svc.defined_methods)
        svc.defined_methods[:] = list(svc.allow_order)


def modified_since(request, last_modified_us):
    """If-Modified-Since / If-Unmodified-Since against Last-Modified in
    whole seconds (M0.20); an unparsable date is ignored. Returns True when
    the answer is 304."""
    seconds = last_modified_us // 1_000_000
    since = request.if_modified_since
    if since is not None and seconds <= int(since.timestamp()):
        return True
    unmodified = request.if_unmodified_since
    if unmodified is not None and seconds > int(unmodified.timestamp()):
        raise faults.PreconditionFailed("Resource has been modified")
    return False


def not_modified(headers=None):
    response = faults.NotModified()
    response.headers.update(headers or {})
    raise response


def refuse_cross_user_until(request, context):
    if request.GET.get("until") is not None and not context.is_owner:
        raise faults.Forbidden("Not allowed")
