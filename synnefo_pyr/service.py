"""``SynnefoService``: the one Cornice ``Service`` flavour every API uses.

It fixes what all our services share: the ``synnefo`` renderer (JSON or
XML), no implicit ``HEAD`` (a call answers HEAD only where the guides say
so), and errors that are *raised* as faults, never returned, so pyramid_tm
never commits a failed request.

``includeme`` is the part of Cornice we use, instead of ``cornice``'s own:
its ``NewRequest`` subscriber (which sets ``request.errors``,
``validated`` and ``info``, and adds two response callbacks) would make
Pyramid notify five events on every request; here they are lazy request
properties, and its ``nosniff`` header is ``renderers.api_headers``'s.
"""
from cornice import Service
from cornice.errors import Errors
from cornice.pyramidhook import register_service_views
from cornice.util import ContentTypePredicate, current_service

from synnefo_pyr import faults


def raise_first_error(request):
    """Cornice error handler: turn collected validation errors into a fault."""
    error = request.errors[0]
    raise faults.BadRequest(error.get("description") or "Malformed request")


class SynnefoService(Service):
    renderer = "synnefo"
    default_filters = []
    #: Every service by the name of its route: a wrong method on a known
    #: URL pattern is 405 before any lookup (``views/errors.py``).
    by_route = {}

    def __init__(self, name, path=None, **kw):
        kw.setdefault("error_handler", raise_first_error)
        # ``depth=2`` makes venusian attach to the module that defines the service.
        kw.setdefault("depth", 2)
        super().__init__(name, path, **kw)
        SynnefoService.by_route[kw.get("pyramid_route") or name] = self

    def add_view(self, method, view, **kwargs):
        super().add_view(method, view, **kwargs)
        if method == "GET" and not getattr(self, "_explicit_head", False):
            # Cornice adds HEAD for every GET; the Synnefo APIs don't.
            self.definitions = [d for d in self.definitions if d[0] != "HEAD"]
            if "HEAD" in self.defined_methods:
                self.defined_methods.remove("HEAD")
        elif method == "HEAD":
            self._explicit_head = True

    def get_view_wrapper(self, kwargs):
        service = self

        def wrapper(view):
            def refuse_implicit_head(request, *args):
                # Pyramid lets HEAD through to GET views; refuse it unless
                # the service defines HEAD itself.
                if request.method not in service.defined_methods:
                    raise faults.NotAllowed(service.defined_methods)
                return view(request, *args)

            return refuse_implicit_head

        return wrapper


def _new_dict(request):
    return {}


def _new_errors(request):
    return Errors()


def includeme(config):
    """What ``cornice.includeme`` sets up that our services use (Cornice
    6.1, pinned): the service registry and directive, the
    ``content_type`` view predicate, ``request.current_service``, and the
    attributes its view wrapper and our validators read. Not its JSON
    renderer nor its exception views (faults are ``views/errors.py``'s),
    nor its filters and CORS (no service of ours has any)."""
    config.registry.cornice_services = {}
    config.add_directive("add_cornice_service", register_service_views)
    config.add_view_predicate("content_type", ContentTypePredicate)
    config.add_request_method(current_service, reify=True)
    config.add_request_method(_new_dict, "validated", reify=True)
    config.add_request_method(_new_errors, "errors", reify=True)
    config.add_request_method(_new_dict, "info", reify=True)
