"""Fixtures of the network tests: servers and networks made directly in
the database, as the servers API and ``snf-pyr-manage`` would make them."""
import pytest
from sqlalchemy import select

from synnefo_pyr.network import services as networking
from synnefo_pyr.db import session_scope
from synnefo_pyr.compute.models import Flavor, Server
from synnefo_pyr.schemas.networks import validate_subnets


class NetworkData:
    """Committed rows for the network tests."""

    def __init__(self, registry):
        self.registry = registry

    def session(self):
        return session_scope(self.registry)

    def public_network(self, cidr="10.0.0.0/24", gateway="10.0.0.1", cidr6=None, name="public"):
        with self.session() as db:
            return networking.create_network(
                db, name=name, type="CUSTOM", public=True,
                subnets=validate_subnets(cidr, gateway, cidr6),
            ).id

    def private_network(self, owner, name="private", cidr="192.168.1.0/24", gateway=None, cidr6=None):
        """Made as the API makes it: charged to the owner's quota."""
        with self.session() as db:
            return networking.create_network(
                db, name=name, type="MAC_FILTERED", owner=owner.uuid,
                subnets=validate_subnets(cidr, gateway, cidr6),
            ).id

    def server(self, owner, name="vm", operstate="ACTIVE", task=None):
        with self.session() as db:
            flavor = db.scalars(select(Flavor).limit(1)).first()
            if flavor is None:
                flavor = Flavor(cpu=1, ram=1024, disk=10, disk_template="drbd")
                db.add(flavor)
            server = Server(user_uuid=owner.uuid, name=name, flavor=flavor, image_id="img",
                            operstate=operstate, task=task)
            db.add(server)
            db.flush()
            return server.id


@pytest.fixture
def data(registry):
    return NetworkData(registry)


# CORE's fixtures (flavor, image, public_network, run_jobs, create_server...),
# as the compute contract offers them.
from tests.functional.compute.conftest import *  # noqa: E402,F401,F403
