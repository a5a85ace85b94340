"""``SynnefoService``: the one Cornice ``Service`` flavour every API uses.

It fixes what all our services share: the ``synnefo`` renderer (JSON or
XML), no implicit ``HEAD`` (a call answers HEAD only where the guides say
so), and errors that are *raised* as faults, never returned, so pyramid_tm
never commits a failed request.
"""
from cornice import Service

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
