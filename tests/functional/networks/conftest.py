"""Fixtures of the network tests: servers and networks made directly in
the database, as the servers API and ``snf-pyr-manage`` would make them."""
import pytest
from sqlalchemy import select

from synnefo_pyr.db import session_scope
from synnefo_pyr.compute.models import Flavor, Server

from tests.factories import make_network


class NetworkData:
    """Committed rows for the network tests."""

    def __init__(self, registry):
        self.registry = registry

    def session(self):
        return session_scope(self.registry)

    def public_network(self, cidr="10.0.0.0/24", gateway="10.0.0.1", cidr6=None, name="public", **kw):
        return make_network(self.registry, public=True, name=name, cidr=cidr, gateway=gateway,
                            cidr6=cidr6, **kw)

    def private_network(self, owner, name="private", cidr="192.168.1.0/24", gateway=None, cidr6=None,
                        **kw):
        """Made as the API makes it: charged to the owner's quota."""
        kw.setdefault("type", "MAC_FILTERED")
        return make_network(self.registry, owner=owner.uuid, name=name, cidr=cidr, gateway=gateway,
                            cidr6=cidr6, **kw)

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
