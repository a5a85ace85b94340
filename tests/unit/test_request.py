"""Request properties live on one class made at start, not on a class
derived for every request."""
from pyramid.interfaces import IRequestExtensions, IRequestFactory
from pyramid.scripting import prepare

from synnefo_pyr import main


def test_request_properties_are_baked_into_one_class(tmp_path):
    app = main({}, **{"sqlalchemy.url": f"sqlite:///{tmp_path}/q.sqlite",
                      "synnefo_pyr.trust_host_header": "true"})
    registry = app.registry
    assert registry.queryUtility(IRequestExtensions) is None
    factory = registry.getUtility(IRequestFactory)
    for name in ("dbsession", "tm", "current_service"):
        assert name in vars(factory), name
    first, second = factory.blank("/compute/v2.0/flavors"), factory.blank("/")
    assert type(first) is type(second) is factory
    # Reified: computed once per request, each request its own.
    first.registry = second.registry = registry
    assert first.validated is first.validated
    assert first.validated is not second.validated
    # Except a read's database session: its thread's (db.ReaderSessions).
    assert first.dbsession is second.dbsession is registry.reader_sessions.get()
    # Scripts get the same request class.
    env = prepare(registry=registry)
    try:
        assert type(env["request"]) is factory
    finally:
        env["closer"]()
    registry.dbengine.dispose()
