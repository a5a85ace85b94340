"""The top level (``/object-store/v1/``, M1-M3): accounts that share
something with the caller; without a token the OOS-style dummy
authentication."""
from synnefo_pyr import faults
from synnefo_pyr.resources.storage import top_factory
from synnefo_pyr.schemas import storage as schema
from synnefo_pyr.security import auth_failure, token_from_request
from synnefo_pyr.storage import listing, sharing
from synnefo_pyr.storage.models import Node
from synnefo_pyr.views.storage import render
from synnefo_pyr.views.storage.common import order_methods, service

top = service("top", "/", top_factory, ("GET",))
top._factory_for_bare = top_factory


@top.get()
def list_accounts(request):
    if token_from_request(request) is None:
        return _dummy_authentication(request)
    identity = request.identity
    if identity is None or identity.user is None:
        raise faults.Unauthorized(auth_failure(request) if identity is None else "Invalid token")
    db = request.dbsession
    found = listing.page(sharing.shared_accounts(db, identity.user.uuid),
                         request.GET.get("marker"), schema.int_param(request, "limit"),
                         key=lambda item: item[0])
    modified = {node.id: node.modified_us for node in db.query(Node).filter(Node.id.in_([i for _, i in found]))}
    names = [name for name, _ in found]
    json_items = [{"name": name, "last_modified": render.iso(modified[i])} for name, i in found]
    xml_items = "<accounts>" + "".join(
        f"<account>{render.xml_fields(item)}</account>" for item in json_items) + "</accounts>"
    return render.listing(schema.reply_format(request, schema.TEXT), names, json_items, xml_items)


def _dummy_authentication(request):
    user = request.headers.get("X-Auth-User")
    key = request.headers.get("X-Auth-Key")
    if not user or not key:
        raise faults.BadRequest("Missing X-Auth-User or X-Auth-Key header")
    url = request.path_url
    response = render.empty(204)
    response.headers["X-Auth-Token"] = key
    response.headers["X-Storage-Url"] = (url if url.endswith("/") else url + "/") + user
    return response


order_methods(top)
