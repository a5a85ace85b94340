"""Response shapes of the network service (behaviours-network.md L9,
L17, L22, L29). Ids are strings; dates A13; every body JSON (D4)."""
from synnefo_pyr.network import services as networks
from synnefo_pyr.serialization import isoformat
from synnefo_pyr.views.compute.render import links

API = "network"


def _owner(uuid):
    return {"user_id": uuid, "tenant_id": uuid}


def network_dict(request, network):
    return {
        "id": str(network.id),
        "name": network.name or "",
        "links": links(request, f"/networks/{network.id}", api=API),
        **_owner(network.user_uuid),
        "type": network.type,
        "status": networks.status_of(network),
        "public": network.public,
        "router:external": network.external_router,
        "admin_state_up": True,
        # D7: strings, like the subnets' own ids; deleted ones too.
        "subnets": [str(s.id) for s in network.subnets],
        "SNF:floating_ip_pool": network.floating_ip_pool,
        "created": isoformat(network.created_at),
        "updated": isoformat(network.updated_at),
    }


def subnet_dict(request, subnet):
    data = {
        "id": str(subnet.id),
        "network_id": str(subnet.network_id),
        "name": subnet.name or "",
        **_owner(subnet.user_uuid),
        "public": subnet.public,
        "ip_version": subnet.ip_version,
        "cidr": subnet.cidr,
        "gateway_ip": subnet.gateway,
        "enable_dhcp": subnet.dhcp,
        "dns_nameservers": list(subnet.dns_nameservers or []),
        "host_routes": list(subnet.host_routes or []),
        "allocation_pools": [{"start": p.first_address, "end": p.last_address} for p in subnet.pools]
        if subnet.ip_version == 4 else [],
        "links": links(request, f"/subnets/{subnet.id}", api=API),
    }
    if subnet.ip_version == 6:
        data["enable_slaac"] = subnet.dhcp
    return data


def port_dict(request, port):
    """L22: the IPv4 (a floating one too) from creation on; the IPv6 once
    the port is ACTIVE."""
    fixed_ips = [{"ip_address": a.address, "subnet": str(a.subnet_id)} for a in port.addresses
                 if a.ip_version == 4 or port.state == "ACTIVE"]
    return {
        "id": str(port.id),
        "name": port.name or "",
        "links": links(request, f"/ports/{port.id}", api=API),
        **_owner(port.user_uuid),
        "network_id": str(port.network_id),
        "device_id": str(port.server_id) if port.server_id is not None else None,
        "device_owner": port.device_owner,
        "status": port.state,
        "mac_address": port.mac,
        "fixed_ips": fixed_ips,
        "security_groups": [],
        "admin_state_up": True,
        "created": isoformat(port.created_at),
        "updated": isoformat(port.updated_at),
    }


def floating_ip_dict(floating_ip):
    """L29: exactly these six keys."""
    port = floating_ip.nic
    server_id = port.server_id if port is not None else None
    return {
        "id": str(floating_ip.id),
        "floating_ip_address": floating_ip.address,
        "floating_network_id": str(floating_ip.network_id),
        "instance_id": str(server_id) if server_id is not None else None,
        "port_id": str(port.id) if port is not None else None,
        "fixed_ip_address": None,
    }
