"""The baseline of benchmarks/hot_paths.py: a bare Pyramid application
whose one route answers a small JSON object, from the same virtualenv and
under the same server as the service, so that the ratio of the two
measures what the service adds to its own web stack."""
from pyramid.config import Configurator


def hello(request):
    return {"version": {"id": "v2.0", "status": "stable"}}


def make_app():
    with Configurator() as config:
        config.add_route("hello", "/")
        config.add_view(hello, route_name="hello", renderer="json")
    return config.make_wsgi_app()


app = make_app()
