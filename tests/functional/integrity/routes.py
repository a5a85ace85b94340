"""The registered routes of the application, for tests that must cover
every endpoint (hostile input, the OpenAPI description)."""
from pyramid.interfaces import IRoutesMapper

from synnefo_pyr.db import session_scope
from synnefo_pyr.images import registry as image_registry
from synnefo_pyr.network.models import IPAddress, Network
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.schemas.validators import json_object

from tests.factories import make_network, nic_row

#: Validators that parse a JSON body.
JSON_VALIDATORS = ("json_object", "authenticate_body")


def operations(registry):
    """``[(method, path pattern with a leading /, permission, validator names)]``."""
    found = []
    for route in registry.getUtility(IRoutesMapper).get_routes():
        service = SynnefoService.by_route.get(route.name)
        if service is None:
            continue
        pattern = "/" + route.pattern.lstrip("/")
        for method, _view, args in service.definitions:
            names = tuple(v.__name__ for v in args.get("validators", ()))
            found.append((method, pattern, args.get("permission"), names))
    return found


def json_operations(registry):
    return [op for op in operations(registry) if set(op[3]) & set(JSON_VALIDATORS)]


def fill(pattern, values):
    """A URL of ``pattern`` (``{name}`` or ``{name:regex}`` parts) with ``values``."""
    out = []
    for part in pattern.split("/"):
        if part.startswith("{") and part.endswith("}"):
            part = str(values[part[1:-1].split(":", 1)[0]])
        out.append(part)
    return "/".join(out)


assert json_object.__name__ in JSON_VALIDATORS


def make_owned_targets(create_server, user, registry, factory):
    """One of each thing a URL placeholder names, all ``user``'s: a server,
    a network with its subnet, a port, a floating IP and an image (on a
    stored file); their ids by placeholder name."""
    server = create_server(user)["id"]
    location = factory.stored_file(user.uuid, "c/own.img")
    network_id = make_network(registry, name="mine", type="MAC_FILTERED", owner=user.uuid,
                              cidr="192.168.0.0/24")
    with session_scope(registry) as db:
        network = db.get(Network, network_id)
        port = nic_row(db, network_id=network_id, user_uuid=user.uuid, ipv4="192.168.0.9")
        fip = IPAddress(network_id=network_id, subnet_id=network.subnet(4).id, user_uuid=user.uuid,
                        address="192.168.0.10", ip_version=4, floating=True)
        db.add(fip)
        image = image_registry.register(db, name="own", owner=user.uuid, location=location)
        db.flush()
        return {"server_id": server, "network_id": network_id, "subnet_id": network.subnet(4).id,
                "port_id": port.id, "floating_ip_id": fip.id, "image_id": image.id}
