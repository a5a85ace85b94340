"""Contexts of the compute API: servers (the owner's only) and flavors
(every user's)."""
from pyramid.authorization import Allow, Authenticated
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models.compute import Flavor, Server
from ..permissions import Permission as P
from . import Container, Item


class ServersContainer(Container):
    """``/servers/{server_id}``: any server, whoever owns it; its ``Item``
    grants only the owner, so another user's server is a 404 (A12).
    Deleted servers are found too (F9: they answer with status DELETED)."""

    missing_message = "Server not found."

    def __getitem__(self, server_id):
        if not server_id.isdigit():
            raise KeyError(server_id)
        server = self.dbsession.scalars(
            select(Server).where(Server.id == int(server_id)).options(
                selectinload(Server.metadata_items),
                selectinload(Server.nics),
                selectinload(Server.diagnostics),
            )
        ).first()
        if server is None:
            raise KeyError(server_id)
        return Item(self, server_id, server, f"user:{server.user_uuid}")


class FlavorItem:
    __acl__ = [(Allow, Authenticated, P.COMPUTE_READ)]

    def __init__(self, parent, name, flavor):
        self.__parent__ = parent
        self.__name__ = name
        self.obj = flavor

    @property
    def missing_message(self):
        return self.__parent__.missing_message


class FlavorsContainer(Container):
    """``/flavors/{flavor_id}``: deleted flavors stay readable by id (I3)."""

    missing_message = "Flavor not found."

    def __getitem__(self, flavor_id):
        flavor = self.dbsession.get(Flavor, int(flavor_id)) if flavor_id.isdigit() else None
        if flavor is None:
            raise KeyError(flavor_id)
        return FlavorItem(self, flavor_id, flavor)
