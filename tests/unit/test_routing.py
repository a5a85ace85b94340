"""The first-segment route index picks the route Pyramid's linear search
would pick, for every route of the app and paths around them."""
from pyramid.interfaces import IRoutesMapper
from pyramid.request import Request
from pyramid.urldispatch import RoutesMapper

from synnefo_pyr import main
from synnefo_pyr.routing import FirstSegmentRoutesMapper, first_segment


def linear(mapper, request):
    return RoutesMapper.__call__(mapper, request)


def test_first_segment_of_patterns():
    assert first_segment("compute/v2.0/servers") == "compute"
    assert first_segment("/user_catalogs") == "user_catalogs"
    # Not literal: such a route may match any first segment.
    assert not isinstance(first_segment("/{account}/x"), str)
    assert first_segment("*traverse") is first_segment("{x}") is first_segment("/a:b")


def test_the_index_answers_as_the_linear_search(tmp_path):
    app = main({}, **{"sqlalchemy.url": f"sqlite:///{tmp_path}/r.sqlite",
                      "synnefo_pyr.trust_host_header": "true"})
    mapper = app.registry.getUtility(IRoutesMapper)
    assert isinstance(mapper, FirstSegmentRoutesMapper)
    paths = {"/", "", "//compute/v2.0/flavors", "/nothing/here", "/compute", "/compute/"}
    for route in mapper.get_routes():
        # Each pattern with its placeholders filled, and neighbours of it.
        sample = route.pattern.lstrip("/")
        for name in ("{slash:/?}", "{serial:[0-9]+}", "{project_id:\\d+}", "{app_id:\\d+}",
                     "{membership_id:\\d+}"):
            sample = sample.replace(name, "7")
        while "{" in sample:
            start = sample.index("{")
            sample = sample[:start] + "12" + sample[sample.index("}", start) + 1:]
        paths.update({"/" + sample, "/" + sample + "/", "/" + sample + "/extra", "/" + sample + "x"})
    matched = 0
    for path in sorted(paths):
        request = Request.blank("/")
        request.path_info = path
        request.registry = app.registry
        indexed, expected = mapper(request), linear(mapper, request)
        assert indexed["route"] is expected["route"], path
        assert indexed["match"] == expected["match"], path
        matched += expected["route"] is not None
    assert matched > len(mapper.get_routes())  # the samples do reach their routes


def test_a_wildcard_route_stays_in_its_place():
    mapper = FirstSegmentRoutesMapper()
    mapper.connect("a", "/a/x")
    mapper.connect("any", "/{anything}/x")
    mapper.connect("a2", "/a/{y}")
    for path, name in [("/a/x", "a"), ("/b/x", "any"), ("/a/z", "a2"), ("/c/z", None)]:
        request = Request.blank(path)
        found, expected = mapper(request)["route"], linear(mapper, request)["route"]
        assert found is expected
        assert (found.name if found else None) == name
