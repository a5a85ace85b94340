"""Contexts of the compute API: servers (the owner's only) and flavors
(every user's)."""
from pyramid.authorization import Authenticated

from synnefo_pyr.compute import reads, servers
from synnefo_pyr.compute.models import Flavor
from synnefo_pyr.db import READ_METHODS, db_id
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources import Container, Item


class ServersContainer(Container):
    """``/servers/{server_id}``: any server, whoever owns it; its ``Item``
    grants only the owner, so another user's server is a 404 (A12).
    Deleted servers are found too (F9: they answer with status DELETED).
    Reads get a ``compute.reads.ServerView`` (the hot path, rows as the API
    shows them), writes the ORM row they change."""

    missing_message = "Server not found."

    def __getitem__(self, server_id):
        load = reads.server_view if self.request.method in READ_METHODS else servers.load_server
        server = load(self.dbsession, db_id(server_id))
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
