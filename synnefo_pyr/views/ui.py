"""The UI helpers (``/ui``): the cloud bar's services and menu, as JSON
(whatever format is asked for: the guide promises "a json formatted list")
or JSONP (``?callback=``)."""
import json
import re

from pyramid.response import Response

from synnefo_pyr import faults
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.identity.render import service_catalog

get_services = SynnefoService(name="ui.get_services", path="/get_services", renderer="synnefo_json")
get_menu = SynnefoService(name="ui.get_menu", path="/get_menu", renderer="synnefo_json")

_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,127}$")


def _jsonp_or_json(request, data):
    callback = request.GET.get("callback")
    if callback is None:
        return data
    # Only a plain JavaScript name: the callback lands in executable code.
    if not _CALLBACK.match(callback):
        raise faults.BadRequest("Invalid callback name")
    body = f"{callback}({json.dumps(data)})"
    return Response(body=body.encode("utf-8"), content_type="application/javascript", charset="utf-8")


@get_services.get(permission=P.TOKEN_VALIDATE)
def services(request):
    settings = request.registry.synnefo
    items = [{"id": "1", "name": settings.cloud_name, "url": settings.url(request, "ui", "/")}]
    for number, entry in enumerate(service_catalog(request), start=2):
        endpoint = entry["endpoints"][0]
        items.append({"id": str(number), "name": entry["name"], "url": endpoint["publicURL"]})
    return _jsonp_or_json(request, items)


@get_menu.get(permission=P.TOKEN_VALIDATE)
def menu(request):
    settings = request.registry.synnefo
    ui = settings.url(request, "ui")
    identity = request.identity
    if identity is None or identity.user is None:
        items = [{"url": ui + "/", "name": "Sign in"}]
    else:
        items = [
            {"url": ui + "/", "name": identity.user.email},
            {"url": ui + "/landing", "name": "Dashboard"},
            {"url": ui + "/logout", "name": "Sign out"},
        ]
    return _jsonp_or_json(request, items)


def includeme(config):
    config.add_cornice_service(get_services)
    config.add_cornice_service(get_menu)
