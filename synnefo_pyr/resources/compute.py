"""Contexts of the compute API: servers (the owner's only) and flavors
(every user's)."""
from pyramid.authorization import Authenticated

from synnefo_pyr.compute import servers
from synnefo_pyr.compute.models import Flavor
from synnefo_pyr.db import db_id
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources import Container, Item


class ServersContainer(Container):
    """``/servers/{server_id}``: any server, whoever owns it; its ``Item``
    grants only the owner, so another user's server is a 404 (A12).
    Deleted servers are found too (F9: they answer with status DELETED)."""

    missing_message = "Server not found."

    def __getitem__(self, server_id):
        server = servers.load_server(self.dbsession, db_id(server_id))
        if server is None:
            raise KeyError(server_id)
        return Item(self, server_id, server, owner=f"user:{server.user_uuid}")


class FlavorsContainer(Container):
    """``/flavors/{flavor_id}``: deleted flavors stay readable by id (I3)."""

    missing_message = "Flavor not found."

    def __getitem__(self, flavor_id):
        number = db_id(flavor_id)
        flavor = self.dbsession.get(Flavor, number) if number is not None else None
        if flavor is None:
            raise KeyError(flavor_id)
        return Item(self, flavor_id, flavor, readers=[Authenticated], read=[P.COMPUTE_READ])
