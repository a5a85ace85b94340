"""Networks (compute guide, Networks): list, detail, create, get, rename,
delete, and connecting servers with ``add`` / ``remove`` actions that the
backend carries out. A second view, beside the network service's, of the
same rows and functions (behaviours-network.md L44)."""
from synnefo_pyr.compute import servers
from synnefo_pyr.network import services as networks
from synnefo_pyr.network import subnets
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.network import NetworksContainer
from synnefo_pyr.schemas.compute import changes_since_query, unless_unchanged
from synnefo_pyr.schemas.networks import action_body, create_body, rename_body
from synnefo_pyr.schemas.validators import json_object
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.compute.render import network_detail, network_summary

#: ``public`` (the default public network) or a numeric id; anything else
#: is an unknown URL (400, A10).
_ID = r"{network_id:[0-9]+|public}"
ITEM = {"factory": NetworksContainer, "traverse": "/{network_id}"}

networks_list = SynnefoService(name="compute.networks", path="/networks")
networks_slash = SynnefoService(name="compute.networks_slash", path="/networks/")
networks_detail = SynnefoService(name="compute.networks_detail", path="/networks/detail")
network = SynnefoService(name="compute.network", path=f"/networks/{_ID}", **ITEM)
network_action = SynnefoService(name="compute.network_action", path=f"/networks/{_ID}/action", **ITEM)


def _visible(request):
    """The caller's networks and the public one; 304 when polling found
    nothing changed."""
    found = networks.list_visible(request.dbsession, request.authenticated_userid,
                                  request.validated["since"])
    return unless_unchanged(request, found)


LIST = {"permission": P.COMPUTE_READ, "validators": (changes_since_query,)}


@networks_list.get(**LIST)
@networks_slash.get(**LIST)
def list_networks(request):
    return {"networks": [network_summary(request, n) for n in _visible(request)]}


@networks_detail.get(**LIST)
def list_networks_detail(request):
    found = _visible(request)
    attachments = networks.attachments_by_network(
        request.dbsession, request.authenticated_userid, [n.id for n in found]
    )
    return {"networks": [network_detail(request, n, attachments[n.id]) for n in found]}


CREATE = {"permission": P.COMPUTE_WRITE, "validators": (json_object, create_body)}


@networks_list.post(**CREATE)
@networks_slash.post(**CREATE)
def create_network(request):
    spec = request.validated["network"]
    net = subnets.create_network_with_subnets(
        request.dbsession, subnets.compute_subnet_specs(spec.subnets, spec.dhcp),
        owner=request.authenticated_userid, name=spec.name, type=spec.type,
        mac_pool=request.registry.network_settings.mac_pool,
    )
    request.response.status_code = 202
    return {"network": network_detail(request, net, [])}


@network.get(permission=P.COMPUTE_READ)
def get_network(request):
    net = request.context.obj
    attachments = networks.attachments_by_network(request.dbsession, request.authenticated_userid, [net.id])
    return {"network": network_detail(request, net, attachments[net.id])}


@network.put(permission=P.COMPUTE_WRITE, validators=(json_object, rename_body))
def rename_network(request):
    networks.rename_network(request.dbsession, request.context.obj, request.validated["name"])
    request.response.status_code = 204
    return None


@network.delete(permission=P.COMPUTE_WRITE)
def delete_network(request):
    networks.delete_network(request.dbsession, request.context.obj)
    request.response.status_code = 204
    return None


@network_action.post(permission=P.COMPUTE_WRITE, validators=(json_object, action_body))
def network_action_view(request):
    action = request.validated["action"]
    dbsession, user = request.dbsession, request.authenticated_userid
    if action.name == "add":
        servers.connect(dbsession, request.context.obj, action.server_id, user,
                        request.registry.network_settings)
    else:
        servers.disconnect(dbsession, request.context.obj, action.server_id, user, action.attachment)
    request.response.status_code = 202
    return None


def includeme(config):
    for service in (networks_list, networks_slash, networks_detail, network, network_action):
        config.add_cornice_service(service)
