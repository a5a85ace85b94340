"""Response shapes of the compute API: servers, their NICs and addresses,
flavors, images and networks, and the one links builder.

Rendering issues no SQL: it reads only what the loaders eager-load
(``server.nics`` with their networks, metadata, diagnostics).
"""
from synnefo_pyr.compute.lifecycle import TASK_STATES, api_status
from synnefo_pyr.network.services import network_api_id
from synnefo_pyr.serialization import XML, isoformat, requested_format, timestamp

#: The OpenStack image status of each registry status (J2).
IMAGE_STATUS = {"ACTIVE": "ACTIVE", "QUEUED": "SAVING", "SAVING": "SAVING", "ERROR": "ERROR",
                "DELETED": "DELETED"}


def links(request, path, api="compute", alternate=None):
    """``self`` and ``bookmark`` links to ``path`` under ``api``'s root, and
    an ``alternate`` one under the API ``alternate`` names (images: the
    image service)."""
    settings = request.registry.synnefo
    href = settings.url(request, api, path)
    result = [{"rel": "self", "href": href}, {"rel": "bookmark", "href": href}]
    if alternate is not None:
        result.append({"rel": "alternate", "href": settings.url(request, alternate, path)})
    return result


# --- flavors and images ------------------------------------------------------


def flavor_dict(request, flavor, detail=True):
    data = {"id": flavor.id, "name": flavor.name, "links": links(request, f"/flavors/{flavor.id}")}
    if detail:
        data.update({
            "ram": flavor.ram,
            "disk": flavor.disk,
            "vcpus": flavor.cpu,
            "SNF:disk_template": flavor.disk_template,
        })
    return data


def image_links(request, image_id):
    """self and bookmark in the compute API, alternate in the image service
    (J2; servers' ``image`` links use the same, F6)."""
    return links(request, f"/images/{image_id}", alternate="image")


def image_dict(request, img, detail=True):
    if not detail:
        return {"id": img.id, "name": img.name}
    status = "DELETED" if img.deleted else IMAGE_STATUS.get(img.status, "UNKNOWN")
    return {
        "id": img.id,
        "name": img.name,
        "status": status,
        "progress": 100 if status == "ACTIVE" else 0,
        "created": isoformat(img.created_at),
        "updated": isoformat(img.updated_at),
        "user_id": img.owner,
        "tenant_id": img.owner,
        "links": image_links(request, img.id),
        "metadata": img.properties,
    }


# --- NICs and addresses --------------------------------------------------------


def _active_nics(server):
    return [nic for nic in server.nics if nic.state == "ACTIVE"]


def address_type(row):
    """D9: a floating IPv4 is ``floating``, every other address ``fixed``."""
    return "floating" if row.floating else "fixed"


def nic_dict(nic):
    """An attachment (F10, L42): the type is its IPv4's (``fixed`` with
    only IPv6, absent with no address, D9)."""
    ipv4, ipv6 = nic.address(4), nic.address(6)
    data = {
        "id": nic.api_id,
        "network_id": network_api_id(nic.network),
        "mac_address": nic.mac,
        "ipv4": ipv4.address if ipv4 else None,
        "ipv6": ipv6.address if ipv6 else None,
    }
    if ipv4 or ipv6:
        data["OS-EXT-IPS:type"] = address_type(ipv4) if ipv4 else "fixed"
    if nic.firewall_profile:
        data["firewallProfile"] = nic.firewall_profile
    return data


def server_attachments(server):
    """The ``attachments`` of a server (compute guide NIC attributes, F10)."""
    return [nic_dict(nic) for nic in _active_nics(server)]


def nic_addresses(nic):
    return [{"version": row.ip_version, "addr": row.address, "OS-EXT-IPS:type": address_type(row)}
            for row in nic.addresses]


def server_addresses(server):
    """The ``addresses`` of a server: network id -> its addresses (F10;
    several ports on one network add up, D10)."""
    result = {}
    for nic in _active_nics(server):
        result.setdefault(network_api_id(nic.network), []).extend(nic_addresses(nic))
    return result


def xml_friendly(request, data):
    """XML has no element named after a network id: there, ``addresses``
    is a list of ``<network id=...>`` holding ``<ip version= addr=>``, and
    the ``OS-EXT-IPS:type`` keys (an undeclared XML prefix) are left out."""
    if requested_format(request) != XML:
        return data

    def strip(entry):
        return {k: v for k, v in entry.items() if k != "OS-EXT-IPS:type"}

    data = dict(data)
    if isinstance(data.get("addresses"), dict):
        data["addresses"] = [
            {"id": network_id, "ip": [strip(a) for a in addresses]}
            for network_id, addresses in data["addresses"].items()
        ]
    if isinstance(data.get("attachments"), list):
        data["attachments"] = [strip(a) for a in data["attachments"]]
    return data


def addresses_dict(request, server):
    return xml_friendly(request, {
        "addresses": server_addresses(server),
        "attachments": server_attachments(server),
    })


def network_addresses_dict(request, network_id, addresses):
    if requested_format(request) == XML:
        # <network id="..."><ip .../></network>, as in a server's addresses.
        return {"network": xml_friendly(request, {"addresses": {network_id: addresses}})["addresses"][0]}
    return {"network": {network_id: addresses}}


# --- servers -------------------------------------------------------------------


def progress(server):
    # Clients treat 100 as "built": never say so before the server is ACTIVE.
    if server.operstate == "BUILD":
        return min(server.build_progress, 99)
    return server.build_progress


def diagnostic_dict(entry):
    return {
        "level": entry.level,
        "created": timestamp(entry.created_at),
        "source": entry.source,
        "source_date": timestamp(entry.source_date),
        "message": entry.message,
        "details": entry.details,
    }


def fqdn(request, server):
    template = request.registry.compute_settings.fqdn_template
    if template:
        return template.format(id=server.id)
    public = next((n for n in _active_nics(server) if n.network.public and n.ipv4), None)
    return public.ipv4 if public is not None else None


def server_dict(request, server, detail=True):
    """The server as the API shows it (F1, F6), from a
    ``compute.reads.ServerView``."""
    data = {"id": server.id, "name": server.name, "links": links(request, f"/servers/{server.id}")}
    if not detail:
        return data
    data.update({
        "user_id": server.user_uuid,
        "tenant_id": server.user_uuid,
        "status": api_status(server),
        "SNF:task_state": TASK_STATES.get(server.task, ""),
        "progress": progress(server),
        "hostId": "",
        "created": timestamp(server.created_at),
        "updated": timestamp(server.updated_at),
        "flavor": {"id": server.flavor_id, "links": links(request, f"/flavors/{server.flavor_id}")},
        "image": {"id": server.image_id, "links": image_links(request, server.image_id)},
        "suspended": server.suspended,
        "metadata": dict(server.metadata),
        "attachments": server_attachments(server),
        "addresses": server_addresses(server),
        "diagnostics": [diagnostic_dict(d) for d in server.diagnostics],
        "security_groups": [{"name": "default"}],
        "key_name": None,
        "config_drive": "",
        "accessIPv4": "",
        "accessIPv6": "",
        "SNF:fqdn": fqdn(request, server),
        "SNF:port_forwarding": {},
    })
    return xml_friendly(request, data)


def stats_dict(request, server):
    base = request.registry.compute_settings.stats_url or request.host_url + "/stats"
    prefix = f"{base}/snf-{server.id}"
    return {"stats": {
        "serverRef": server.id,
        "refresh": 60,
        "cpuBar": f"{prefix}/cpu-bar.png",
        "cpuTimeSeries": f"{prefix}/cpu-ts.png",
        "netBar": f"{prefix}/net-bar.png",
        "netTimeSeries": f"{prefix}/net-ts.png",
    }}


# --- networks ------------------------------------------------------------------


def network_summary(request, net):
    api_id = network_api_id(net)
    return {"id": api_id, "name": net.name, "links": links(request, f"/networks/{api_id}")}


def network_detail(request, net, attachments):
    """The compute guide's network (L44): its ranges are its subnets'; a
    drained network is ACTIVE here (the guide knows no drained state)."""
    subnet4, subnet6 = net.subnet(4), net.subnet(6)
    dhcp = subnet4.dhcp if subnet4 else (subnet6.dhcp if subnet6 else True)
    return dict(
        network_summary(request, net),
        type=net.type,
        status="DELETED" if net.deleted else net.status,
        public=net.public,
        dhcp=dhcp,
        cidr=subnet4.cidr if subnet4 else None,
        cidr6=subnet6.cidr if subnet6 else None,
        gateway=subnet4.gateway if subnet4 else None,
        gateway6=subnet6.gateway if subnet6 else None,
        created=isoformat(net.created_at),
        updated=isoformat(net.updated_at),
        attachments=attachments,
    )
