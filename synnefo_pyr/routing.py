"""The URL dispatcher, trying only the routes of a path's first segment.

Pyramid tries routes one after another, and the compute API's are behind
some sixty others (identity, account, projects, the network service), so a
``GET /compute/v2.0/flavors`` ran sixty regular expressions before its
own. Every API mounts its routes under a literal first segment
(``compute``, ``identity``, ``object-store``...): ``FirstSegmentRoutesMapper``
keeps, for each first segment, the routes that can match a path starting
with it, in their registration order, so the route chosen is always the one
Pyramid's linear search would choose. A pattern whose first segment is not
literal (``{name}``, ``*rest``) can match anything and is kept in every
list, in its place.
"""
from pyramid.interfaces import IRoutesMapper
from pyramid.urldispatch import RoutesMapper

_ANY = object()


def first_segment(pattern):
    """The literal first segment of a route pattern, or ``_ANY``."""
    segment = pattern.lstrip("/").split("/", 1)[0]
    if any(char in segment for char in "{}*:"):
        return _ANY
    return segment


class FirstSegmentRoutesMapper(RoutesMapper):
    def __init__(self):
        super().__init__()
        # Built at the first request, again after a route is added.
        self._index = None
        self._wildcard = []

    def connect(self, *args, **kwargs):
        self._index = None
        return super().connect(*args, **kwargs)

    def _build_index(self):
        segments = {first_segment(route.pattern) for route in self.routelist} - {_ANY}
        index = {segment: [] for segment in segments}
        wildcard = []
        for route in self.routelist:
            segment = first_segment(route.pattern)
            if segment is _ANY:
                wildcard.append(route)
                for routes in index.values():
                    routes.append(route)
            else:
                index[segment].append(route)
        self._index, self._wildcard = index, wildcard
        return index

    def __call__(self, request):
        index = self._index if self._index is not None else self._build_index()
        # request.path_info raises as in Pyramid's mapper (URLDecodeError).
        try:
            path = request.path_info or "/"
        except KeyError:
            path = "/"
        except UnicodeDecodeError:
            return super().__call__(request)  # which raises URLDecodeError
        routes = index.get(path.lstrip("/").split("/", 1)[0], self._wildcard)
        for route in routes:
            match = route.match(path)
            if match is not None:
                preds = route.predicates
                info = {"match": match, "route": route}
                if preds and not all(p(info, request) for p in preds):
                    continue
                return info
        return {"route": None, "match": None}


def includeme(config):
    # Before the first route: Configurator.add_route uses the registered mapper.
    config.registry.registerUtility(FirstSegmentRoutesMapper(), IRoutesMapper)
