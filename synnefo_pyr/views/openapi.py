"""``GET /openapi.json``: the OpenAPI 3.1 description of every JSON API
(``synnefo_pyr/openapi.py``), built once from the registered routes."""
from pyramid.security import NO_PERMISSION_REQUIRED

from synnefo_pyr.openapi import describe
from synnefo_pyr.service import SynnefoService

# ``/openapi.json`` reaches this route too: the suffix tween strips ``.json``.
openapi = SynnefoService(name="openapi.document", path="/openapi", renderer="synnefo_json",
                         description="The OpenAPI 3.1 description of the APIs")


@openapi.get(permission=NO_PERMISSION_REQUIRED)
def get_openapi(request):
    registry = request.registry
    document = getattr(registry, "openapi_document", None)
    if document is None:
        document = registry.openapi_document = describe(registry)
    return document


def includeme(config):
    config.add_cornice_service(openapi)
