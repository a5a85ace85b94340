"""openstacksdk 4 with ``auth_type`` v2password / v2token and
``identity_api_version`` 2, against the live service.

The server stays ``STOPPED`` after a stop, as the compute guide says;
openstacksdk's own wait helpers look for ``SHUTOFF`` and 404-on-delete, so
the flow polls ``get_server`` itself.
"""
import openstack
from openstack import exceptions as sdk_exc

from _flowlib import Flow, check, eq, wait_for

flow = Flow("openstacksdk")
cfg = flow.config
USER = cfg["user"]
S = flow.state


def seed_id(key):
    return flow.seed(key)["id"]


def connect(auth_type, auth):
    return openstack.connect(
        auth_type=auth_type, auth=dict(auth, auth_url=cfg["auth_url"]),
        identity_api_version="2", compute_api_version="2", interface="public",
        # No clouds.yaml lookups beyond these arguments.
        load_yaml_config=False, load_envvars=False,
    )


def status(server_id):
    try:
        return S["conn"].compute.get_server(server_id).status
    except sdk_exc.NotFoundException:
        return "DELETED"


def wait_status(server_id, wanted, timeout=60):
    wait_for(lambda: status(server_id) == wanted, timeout, "server %s %s" % (server_id, wanted))


@flow.step("v2password: authenticate, catalog")
def _():
    conn = connect("v2password", {"username": USER["email"], "password": USER["password"],
                                  "project_id": USER["uuid"]})
    check(conn.authorize(), "no token")
    eq(conn.current_user_id, USER["uuid"], "user id")
    endpoint = conn.session.get_endpoint(service_type="compute", interface="public")
    eq(endpoint.rstrip("/"), cfg["url"] + "/compute/v2.0", "compute endpoint")


@flow.step("v2token: authenticate with the token")
def _():
    conn = connect("v2token", {"token": USER["token"]})
    eq(conn.authorize(), USER["token"], "token echoed")
    eq(conn.current_user_id, USER["uuid"], "user id")
    S["conn"] = conn


@flow.step("compute: list flavors")
def _():
    flavors = list(S["conn"].compute.flavors())
    by_id = dict((str(f.id), f) for f in flavors)
    flavor = by_id.get(str(seed_id("flavor")))
    check(flavor is not None, "flavor not listed: %r", list(by_id))
    eq((flavor.vcpus, flavor.ram, flavor.disk), (1, 1024, 20), "flavor vcpus/ram/disk")
    eq(S["conn"].compute.get_flavor(seed_id("flavor")).ram, 1024, "flavor get")


@flow.step("compute: list images")
def _():
    ids = [i.id for i in S["conn"].compute.images()]
    check(seed_id("image") in ids, "image not listed: %r", ids)
    eq(S["conn"].compute.get_image(seed_id("image")).name, "Debian Base", "image get")


@flow.step("compute: create server with metadata")
def _():
    # flavorRef as a string, and a block_device_mapping_v2 the service ignores.
    server = S["conn"].compute.create_server(
        name="sdk-server", image_id=seed_id("image"), flavor_id=str(seed_id("flavor")),
        metadata={"purpose": "flow"},
        block_device_mapping=[{"boot_index": 0, "uuid": seed_id("image"),
                               "source_type": "image", "destination_type": "local"}])
    S["server_id"] = server.id
    check(server.admin_password, "adminPass missing")


@flow.step("compute: wait until ACTIVE")
def _():
    wait_status(S["server_id"], "ACTIVE")


@flow.step("compute: get server")
def _():
    server = S["conn"].compute.get_server(S["server_id"])
    eq(server.name, "sdk-server", "name")
    eq(server.metadata.get("purpose"), "flow", "metadata")
    eq(server.user_id, USER["uuid"], "user_id")
    eq(server.project_id, USER["uuid"], "tenant_id")
    check(S["server_id"] in [s.id for s in S["conn"].compute.servers()], "server not listed")


@flow.step("compute: set, list, delete metadata")
def _():
    compute, sid = S["conn"].compute, S["server_id"]
    compute.set_server_metadata(sid, tier="web", color="blue")
    metadata = compute.get_server_metadata(sid).metadata
    eq((metadata.get("tier"), metadata.get("color"), metadata.get("purpose")),
       ("web", "blue", "flow"), "metadata after set")
    compute.delete_server_metadata(sid, ["color"])
    metadata = compute.get_server_metadata(sid).metadata
    check("color" not in metadata, "metadatum not deleted: %r", metadata)


@flow.step("compute: reboot")
def _():
    S["conn"].compute.reboot_server(S["server_id"], "SOFT")
    wait_status(S["server_id"], "ACTIVE")


@flow.step("compute: stop (os-stop), wait STOPPED")
def _():
    S["conn"].compute.stop_server(S["server_id"])
    wait_status(S["server_id"], "STOPPED")


@flow.step("compute: start (os-start), wait ACTIVE")
def _():
    S["conn"].compute.start_server(S["server_id"])
    wait_status(S["server_id"], "ACTIVE")


@flow.step("compute: delete, confirm deletion")
def _():
    S["conn"].compute.delete_server(S["server_id"])
    wait_status(S["server_id"], "DELETED")
    check(S["server_id"] not in [s.id for s in S["conn"].compute.servers()],
          "deleted server still listed")


flow.finish()
