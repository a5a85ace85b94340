"""Public objects (``/public/<token>``, M34): readable without a token;
only the data headers, and by default a Content-Disposition naming the file."""
from synnefo_pyr import faults
from synnefo_pyr.storage import nodes, objects, publishing
from synnefo_pyr.storage.models import Node
from synnefo_pyr.views.storage.common import order_methods, service
from synnefo_pyr.views.storage.data import Data, basic_headers, check_read_conditions, data_response

public = service("public", "/{token}{slash:/?}", None, ("GET", "HEAD"))


def _state(request):
    db = request.dbsession
    node_id = publishing.node_of(db, request.matchdict["token"])
    node = db.get(Node, node_id) if node_id is not None else None
    if node is None or nodes.current(db, node) is None:
        raise faults.ItemNotFound("Object does not exist")
    container = db.get(Node, node.parent_id)
    account = db.get(Node, container.parent_id)
    return objects.state(db, objects.Path(account.name, container.name, node.name))


@public.get()
def read_public(request):
    state = _state(request)
    data = Data(request, state)
    check_read_conditions(request, data.etag, data.last_modified_us)
    headers = basic_headers(state.version, data.etag, data.last_modified_us, state.meta)
    if request.method != "HEAD" and "Content-Disposition" not in headers:
        filename = next((part for part in reversed(state.path.name.split("/")) if part), state.path.name)
        headers["Content-Disposition"] = f"attachment; filename={filename}"
    return data_response(request, data, headers)


@public.decorator("HEAD")
def public_meta(request):
    return read_public(request)


order_methods(public)
