"""Contexts of the compute API's networks: ``/networks/<id>`` is a user's
private network (only its owner reaches it; anybody else gets 404) or
``public``, which every user may read and nobody may change (403)."""
from pyramid.authorization import Authenticated

from synnefo_pyr.db import db_id
from synnefo_pyr.network import services as networks
from synnefo_pyr.network.models import Network
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources import Container, Item


class PublicNetwork(Item):
    forbidden_message = "Can not modify the public network"


class NetworksContainer(Container):
    missing_message = "Network not found"

    def __getitem__(self, network_id):
        if network_id == networks.PUBLIC_ID:
            network = networks.public_network(self.dbsession)
            if network is None:
                raise KeyError(network_id)
            return PublicNetwork(self, network_id, network, readers=[Authenticated], read=[P.COMPUTE_READ])
        number = db_id(network_id)
        network = self.dbsession.get(Network, number) if number is not None else None
        # A public network is only ever named ``public``.
        if network is None or network.public:
            raise KeyError(network_id)
        return Item(self, network_id, network, owner=f"user:{network.user_uuid}")
