"""Contexts of the networks API: ``/networks/<id>`` is a user's private
network (only its owner reaches it; anybody else gets 404) or ``public``,
which every user may read; the views refuse to change it (403)."""
from pyramid.authorization import Allow, Authenticated

from .. import networking
from ..models.compute import Network
from ..permissions import Permission as P
from . import Container, Item


class PublicNetwork:
    """The public network: every user may see it. Writes are granted too,
    so that the views can answer them with the guide's 403, not a 404."""

    __acl__ = [(Allow, Authenticated, P.COMPUTE_READ), (Allow, Authenticated, P.COMPUTE_WRITE)]

    def __init__(self, parent, obj):
        self.__parent__ = parent
        self.__name__ = networking.PUBLIC_ID
        self.obj = obj

    @property
    def missing_message(self):
        return self.__parent__.missing_message


class NetworksContainer(Container):
    missing_message = "Network not found"

    def __getitem__(self, network_id):
        if network_id == networking.PUBLIC_ID:
            network = networking.public_network(self.dbsession)
            if network is None:
                raise KeyError(network_id)
            return PublicNetwork(self, network)
        if int(network_id) > networking.MAX_DB_ID:
            raise KeyError(network_id)
        network = self.dbsession.get(Network, int(network_id))
        # A public network is only ever named ``public``.
        if network is None or network.public:
            raise KeyError(network_id)
        return Item(self, network_id, network, f"user:{network.user_uuid}")
