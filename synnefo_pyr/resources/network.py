"""Contexts of networks, subnets, ports and floating IPs, for the compute
guide's ``/compute/v2.0/networks`` and the network service.

A user's private network (and its subnets, ports, floating IPs) is reached
by its owner only: anybody else gets 404. A public network and its subnets
every user may read and nobody may change (403). The compute view also
names the default public network ``public`` (D1).
"""
from pyramid.authorization import Authenticated

from synnefo_pyr.db import db_id
from synnefo_pyr.network import floating_ips, ports
from synnefo_pyr.network import services as networks
from synnefo_pyr.network.models import Network, Subnet
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources import Container, Item

READ = (P.COMPUTE_READ, P.NETWORK_READ)


def _network_item(container, name, network, forbidden_message):
    if network.public:
        item = Item(container, name, network, readers=[Authenticated], read=READ)
        item.forbidden_message = forbidden_message
        return item
    return Item(container, name, network, owner=f"user:{network.user_uuid}")


def _named(container, key):
    return container.request.matchdict.get(key) if container.request.matchdict else None


class NetworksContainer(Container):
    """The compute view's ``/networks/{network_id}``: ``public`` or an id."""

    missing_message = "Network not found"

    def __getitem__(self, network_id):
        if network_id == networks.PUBLIC_ID:
            network = networks.public_network(self.dbsession)
        else:
            number = db_id(network_id)
            network = self.dbsession.get(Network, number) if number is not None else None
        if network is None:
            raise KeyError(network_id)
        return _network_item(self, network_id, network, "Can not modify the public network")


class ServiceNetworksContainer(Container):
    """The network service's ``/networks/{network_id}`` (L14-L16); deleted
    networks are found too."""

    #: The verb of each write refused on a public network (L15, L16).
    _REFUSED = {"PUT": "rename", "DELETE": "delete"}

    @property
    def missing_message(self):
        # kamaki turns a 404 mentioning "network" into its own hint (L14).
        return f"Network {_named(self, 'network_id')} not found."

    def __getitem__(self, network_id):
        number = db_id(network_id)
        network = self.dbsession.get(Network, number) if number is not None else None
        if network is None:
            raise KeyError(network_id)
        verb = self._REFUSED.get(self.request.method, "modify")
        return _network_item(self, network_id, network, f"Cannot {verb} the public network.")


class SubnetsContainer(Container):
    """``/subnets/{subnet_id}`` (L20, L21): a public network's subnets are
    everybody's to read; deleted ones are found too."""

    @property
    def missing_message(self):
        if self.request.method == "PUT":
            return "Subnet not found"
        return f"Subnet '{_named(self, 'subnet_id')}' not found."

    def __getitem__(self, subnet_id):
        if self.request.method == "DELETE":
            # L18: deleting a subnet is refused before any lookup, whatever
            # the id; the view says so to any user.
            return Item(self, subnet_id, None, owner=Authenticated)
        number = db_id(subnet_id)
        subnet = self.dbsession.get(Subnet, number) if number is not None else None
        if subnet is None:
            raise KeyError(subnet_id)
        if subnet.public:
            item = Item(self, subnet_id, subnet, readers=[Authenticated], read=READ)
            item.forbidden_message = "Cannot update a subnet of a public network."
            return item
        return Item(self, subnet_id, subnet, owner=f"user:{subnet.user_uuid}")


class PortsContainer(Container):
    """``/ports/{port_id}``: the owner's port, by id or attachment alias (D2)."""

    @property
    def missing_message(self):
        return f"Port '{_named(self, 'port_id')}' not found."

    def __getitem__(self, port_id):
        port = ports.find_port(self.dbsession, port_id)
        if port is None:
            raise KeyError(port_id)
        return Item(self, port_id, port, owner=f"user:{port.user_uuid}")


class FloatingIPsContainer(Container):
    """``/floatingips/{floating_ip_id}``: the owner's floating IP; a
    released one no longer exists (L30)."""

    @property
    def missing_message(self):
        return f"Floating IP with ID {_named(self, 'floating_ip_id')} does not exist."

    def __getitem__(self, floating_ip_id):
        if self.request.method == "PUT":
            # L31: updating is not supported, whatever the id.
            return Item(self, floating_ip_id, None, owner=Authenticated)
        found = floating_ips.find_floating_ip(self.dbsession, db_id(floating_ip_id))
        if found is None:
            raise KeyError(floating_ip_id)
        return Item(self, floating_ip_id, found, owner=f"user:{found.user_uuid}")
