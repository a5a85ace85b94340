"""Networks (compute guide, Networks): list, detail, create, get, rename,
delete, and connecting servers with ``add`` / ``remove`` actions that the
backend carries out."""
from sqlalchemy import or_, select

from .. import faults, networking, servers
from ..backend import queue
from ..backend.outcomes import TASK_OF_ACTION
from ..models.compute import NIC, Network, Server
from ..models.meta import utcnow
from ..permissions import Permission as P
from ..resources.networks import NetworksContainer
from ..schemas.networks import action_request, create_request, rename_request
from ..schemas.validators import json_object
from ..serialization import isoformat
from ..service import SynnefoService

#: ``public`` or a numeric id; anything else is an unknown URL (400, A10).
_ID = r"{network_id:\d+|public}"

networks = SynnefoService(name="compute.networks", path="/networks")
networks_slash = SynnefoService(name="compute.networks_slash", path="/networks/")
networks_detail = SynnefoService(name="compute.networks_detail", path="/networks/detail")
network = SynnefoService(
    name="compute.network", path=f"/networks/{_ID}",
    factory=NetworksContainer, traverse="/{network_id}",
)
network_action = SynnefoService(
    name="compute.network_action", path=f"/networks/{_ID}/action",
    factory=NetworksContainer, traverse="/{network_id}",
)


# --- rendering -----------------------------------------------------------


def _links(request, api_id):
    href = request.registry.synnefo.url(request, "compute", f"/networks/{api_id}")
    return [{"href": href, "rel": "self"}, {"href": href, "rel": "bookmark"}]


def network_summary(request, net):
    api_id = networking.network_api_id(net)
    return {"id": api_id, "name": net.name, "links": _links(request, api_id)}


def network_detail(request, net, attachments):
    return dict(
        network_summary(request, net),
        type=net.type,
        status=net.status,
        public=net.public,
        dhcp=net.dhcp,
        cidr=net.cidr,
        cidr6=net.cidr6,
        gateway=net.gateway,
        gateway6=net.gateway6,
        created=isoformat(net.created_at),
        updated=isoformat(net.updated_at),
        attachments=attachments,
    )


def attachments_by_network(dbsession, user_uuid, network_ids):
    """NIC ids per network id, in one statement: the caller's connected
    NICs only (the public network's other NICs are other users' servers)."""
    result = {network_id: [] for network_id in network_ids}
    if not network_ids:
        return result
    rows = dbsession.execute(
        select(NIC.network_id, NIC.server_id, NIC.index)
        .join(Server, Server.id == NIC.server_id)
        .where(Server.user_uuid == user_uuid, NIC.state == "ACTIVE",
               NIC.network_id.in_(network_ids))
        .order_by(NIC.server_id, NIC.index)
    )
    for network_id, server_id, index in rows:
        result[network_id].append(f"nic-{server_id}-{index}")
    return result


# --- list and create -----------------------------------------------------


def _visible_networks(request):
    """The caller's networks and the public one, by id; deleted ones only
    when polling with changes-since (A14), and 304 when nothing changed."""
    query = select(Network).where(
        or_(Network.user_uuid == request.authenticated_userid, Network.public.is_(True))
    ).order_by(Network.id)
    since = request.GET.get("changes-since")
    if since is None:
        return list(request.dbsession.scalars(query.where(Network.deleted.is_(False))))
    since = servers.parse_changes_since(request, since)
    found = list(request.dbsession.scalars(query.where(Network.updated_at >= since)))
    if not found:
        raise faults.NotModified()
    return found


@networks.get(permission=P.COMPUTE_READ)
@networks_slash.get(permission=P.COMPUTE_READ)
def list_networks(request):
    return {"networks": [network_summary(request, n) for n in _visible_networks(request)]}


@networks_detail.get(permission=P.COMPUTE_READ)
def list_networks_detail(request):
    found = _visible_networks(request)
    attachments = attachments_by_network(
        request.dbsession, request.authenticated_userid, [n.id for n in found]
    )
    return {"networks": [network_detail(request, n, attachments[n.id]) for n in found]}


@networks.post(permission=P.COMPUTE_WRITE, validators=(json_object,))
@networks_slash.post(permission=P.COMPUTE_WRITE, validators=(json_object,))
def create_network(request):
    spec = create_request(request.validated["body"])
    net = networking.create_network(
        request.dbsession, owner=request.authenticated_userid, name=spec.name, type=spec.type,
        dhcp=spec.dhcp, subnets=spec.subnets,
    )
    request.response.status_code = 202
    return {"network": network_detail(request, net, [])}


# --- one network -----------------------------------------------------------


def _writable(request):
    """The network of the URL, if the caller may change it."""
    net = request.context.obj
    if net.public:
        raise faults.Forbidden("Can not modify the public network")
    if net.deleted:
        raise faults.BadRequest("Network has been deleted.")
    return net


@network.get(permission=P.COMPUTE_READ)
def get_network(request):
    net = request.context.obj
    attachments = attachments_by_network(request.dbsession, request.authenticated_userid, [net.id])
    return {"network": network_detail(request, net, attachments[net.id])}


@network.put(permission=P.COMPUTE_WRITE, validators=(json_object,))
def rename_network(request):
    net = _writable(request)
    net.name = rename_request(request.validated["body"])
    request.dbsession.flush()
    request.response.status_code = 204
    return None


@network.delete(permission=P.COMPUTE_WRITE)
def delete_network(request):
    networking.delete_network(request.dbsession, _writable(request))
    request.response.status_code = 204
    return None


# --- connect and disconnect ------------------------------------------------


def _server_to_change(request, server_id, action):
    """The caller's server, if ``action`` may run on it now (H5, H6).

    Row-locked, so that of two actions sent at once the second sees the
    task the first set, and is refused, instead of connecting twice."""
    if server_id > networking.MAX_DB_ID:
        raise faults.ItemNotFound("Server not found.")
    server = request.dbsession.scalars(
        select(Server).where(Server.id == server_id).with_for_update(of=Server)
        .execution_options(populate_existing=True)
    ).first()
    if server is None or server.user_uuid != request.authenticated_userid:
        raise faults.ItemNotFound("Server not found.")
    servers.check_action(server, action)
    return server


def _begin(dbsession, server, action, nic):
    server.task = TASK_OF_ACTION[action]
    server.updated_at = utcnow()
    queue.enqueue(dbsession, server, action, nic_id=nic.id)


@network_action.post(permission=P.COMPUTE_WRITE, validators=(json_object,))
def network_action_view(request):
    net = _writable(request)
    action = action_request(request.validated["body"])
    dbsession = request.dbsession
    if action.name == "add":
        server = _server_to_change(request, action.server_id, "connect")
        _begin(dbsession, server, "connect", networking.create_nic(dbsession, server, net))
    else:
        server = _server_to_change(request, action.server_id, "disconnect")
        _begin(dbsession, server, "disconnect", _nic_to_remove(server, net, action.attachment))
    request.response.status_code = 202
    return None


def _nic_to_remove(server, net, attachment):
    """The NIC named by ``attachment``, or the server's only NIC on
    ``net`` when the client named just the server (the guide's form)."""
    on_network = [nic for nic in server.nics if nic.network_id == net.id]
    if attachment is not None:
        on_network = [nic for nic in on_network if nic.index == attachment[1]]
    if not on_network:
        raise faults.ItemNotFound("Attachment not found.")
    if len(on_network) > 1:
        raise faults.BadRequest(
            "Server has several attachments on this network",
            "Name the one to remove with 'attachment'",
        )
    return on_network[0]


def includeme(config):
    config.include("synnefo_pyr.networking")
    for service in (networks, networks_slash, networks_detail, network, network_action):
        config.add_cornice_service(service)
