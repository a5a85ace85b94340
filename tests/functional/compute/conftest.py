"""Fixtures of the compute tests (the networks tests re-export them).

* ``flavor``, ``other_flavor`` (same disk, for resizes), ``image`` (public),
  ``public_network`` (a public floating-IP pool: 10.0.0.0/24, gateway .1) - created committed;
* ``run_jobs()`` runs every due backend job step now (the test app has
  zero delays and no worker thread), returns how many jobs ended;
* ``create_server(user, **overrides)`` POSTs a server and returns its body;
* ``manage(*argv)`` runs ``snf-pyr-manage`` on this database, returns its JSON.
"""

import pytest

from synnefo_pyr.images import registry as image_registry
from synnefo_pyr.backend.worker import run_pending
from synnefo_pyr.db import session_scope
from synnefo_pyr.compute.models import Flavor

from tests.factories import make_network
from tests.helpers import post_json

COMPUTE = "/compute/v2.0"


def make_flavor(registry, cpu=1, ram=1024, disk=20, disk_template="drbd", deleted=False):
    with session_scope(registry) as db:
        flavor = Flavor(cpu=cpu, ram=ram, disk=disk, disk_template=disk_template, deleted=deleted)
        db.add(flavor)
        db.flush()
        return flavor.id


@pytest.fixture
def flavor(registry):
    return make_flavor(registry)


@pytest.fixture
def other_flavor(registry):
    return make_flavor(registry, cpu=2, ram=2048, disk=20)


@pytest.fixture
def image(registry, factory):
    owner = factory.user(email="images@example.org")
    # An image is a stored file (behaviours-object MI1): store it first.
    location = factory.stored_file(owner.uuid, "pithos/debian.img")
    with session_scope(registry) as db:
        found = image_registry.register(
            db, name="Debian", owner=owner.uuid, location=location,
            public=True, properties={"OS": "debian", "users": "root"},
        )
        return found.id


@pytest.fixture
def public_network(registry):
    return make_network(registry, public=True, name="Internet", type="IP_LESS_ROUTED",
                        cidr="10.0.0.0/24", gateway="10.0.0.1", floating_ip_pool=True)


@pytest.fixture
def run_jobs(registry):
    def run():
        return run_pending(registry)

    return run


@pytest.fixture
def create_server(testapp, flavor, image, public_network):
    def create(user, status=202, **server):
        body = {"name": "my server", "imageRef": image, "flavorRef": flavor}
        body.update(server)
        res = post_json(testapp, f"{COMPUTE}/servers", {"server": body}, status=status,
                        headers=user.headers)
        return res.json["server"] if status == 202 else res

    return create


