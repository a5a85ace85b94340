"""Time ``GET /compute/v2.0/servers/detail`` for N servers against
baselines measured in the same run, on the same machine and database:

* the same listing with 1 server,
* ``GET /compute/v2.0/flavors`` (authentication + one small query).

Each server has 2 NICs, 3 metadata items and 2 diagnostics entries. The
listing costs a constant number of SQL statements (see
tests/functional/compute/test_performance.py), so the time grows only with
the rows read and the JSON written.

    python benchmarks/list_servers.py [--servers 200] [--repeat 20] [--db-url URL]

Needs WebTest (``pip install -e '.[testing]'``). Without ``--db-url`` it
uses a throwaway SQLite file.
"""
import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

import webtest

from synnefo_pyr import main
from synnefo_pyr.identity import accounts
from synnefo_pyr.images import registry as image_registry
from synnefo_pyr.storage import files
from synnefo_pyr.db import session_scope
from synnefo_pyr.network import subnets
from synnefo_pyr.network.models import NIC, IPAddress, Network
from synnefo_pyr.compute.models import Diagnostic, Flavor, Server, ServerMetadata

LIST = "/compute/v2.0/servers/detail"
FLAVORS = "/compute/v2.0/flavors"


def setup(registry):
    with session_scope(registry) as db:
        user = accounts.create_user(db, "bench@example.org", "Bench", "Mark")
        token, _ = accounts.issue_token(db, user, 3600)
        flavor = Flavor(cpu=1, ram=1024, disk=20, disk_template="drbd")
        network = subnets.create_network_with_subnets(
            db, subnets.operator_subnet_specs(cidr="10.0.0.0/8"), name="public", type="IP_LESS_ROUTED",
            public=True)
        db.add(flavor)
        # An image is a stored file: store a small one first.
        files.store_file(db, registry.block_store, registry.storage_settings.block_size,
                         account=user.uuid, container="images", name="img",
                         read=io.BytesIO(b"image").read, content_type="application/octet-stream")
        image = image_registry.register(db, name="img", owner=user.uuid,
                                        location=f"pithos://{user.uuid}/images/img", public=True)
        db.flush()
        return user.uuid, token, flavor.id, network.id, image.id


def add_servers(registry, owner, flavor_id, network_id, image_id, start, count):
    with session_scope(registry) as db:
        subnet_id = db.get(Network, network_id).subnet(4).id
        for n in range(start, start + count):
            server = Server(user_uuid=owner, name=f"s{n}", flavor_id=flavor_id, image_id=image_id,
                            operstate="ACTIVE", build_progress=100)
            server.metadata_items = [ServerMetadata(key=f"k{i}", value=str(i)) for i in range(3)]
            server.nics = [
                NIC(network_id=network_id, index=i, state="ACTIVE", user_uuid=owner, device_owner="vm",
                    mac=f"aa:00:{n // 65536:02x}:{n // 256 % 256:02x}:{n % 256:02x}:{i:02x}",
                    addresses=[IPAddress(network_id=network_id, subnet_id=subnet_id, user_uuid=owner,
                                         address=f"10.{i}.{n // 256 % 256}.{n % 256}", ip_version=4)])
                for i in range(2)
            ]
            server.diagnostics = [Diagnostic(source="bench", level="INFO", message=f"m{i}") for i in range(2)]
            db.add(server)


def timed(client, url, token, repeat):
    headers = {"X-Auth-Token": token}
    client.get(url, headers=headers)  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url, headers=headers)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(servers, repeat, db_url):
    settings = {"sqlalchemy.url": db_url, "synnefo_pyr.backend.worker": "external",
                "synnefo_pyr.base_url": "http://bench.example.org",
                "synnefo_pyr.storage.block_dir": tempfile.mkdtemp(prefix="bench-blocks-")}
    app = main({}, **settings)
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "bench.example.org"})
    owner, token, flavor_id, network_id, image_id = setup(app.registry)

    flavors = timed(client, FLAVORS, token, repeat)
    add_servers(app.registry, owner, flavor_id, network_id, image_id, 0, 1)
    one = timed(client, LIST, token, repeat)
    add_servers(app.registry, owner, flavor_id, network_id, image_id, 1, servers - 1)
    many = timed(client, LIST, token, repeat)

    print(f"GET /flavors                     {flavors * 1000:8.2f} ms (baseline)")
    print(f"GET /servers/detail,   1 server  {one * 1000:8.2f} ms")
    print(f"GET /servers/detail, {servers:3d} servers {many * 1000:8.2f} ms")
    print(f"ratio {servers} / 1 server:   {many / one:6.1f}")
    print(f"ratio {servers} servers / flavors: {many / flavors:6.1f}")
    print(f"per extra server: {(many - one) / max(servers - 1, 1) * 1e6:.0f} us")
    app.registry.dbengine.dispose()


def main_(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db-url", help="an empty database (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    if args.db_url:
        run(args.servers, args.repeat, args.db_url)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(args.servers, args.repeat, f"sqlite:///{Path(tmp) / 'bench.sqlite'}")


if __name__ == "__main__":
    main_()
