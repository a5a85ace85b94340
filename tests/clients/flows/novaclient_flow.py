"""keystoneauth1 (identity v2 plugins) + python-novaclient 18 as
``Client("2.0", session=...)``, against the live service.

novaclient 18 no longer has a compute images API (its ``glance`` helper
speaks the image service v2), so images are listed through the
keystoneauth session on the catalog's compute endpoint.
"""
import time

from _flowlib import Flow, check, eq, wait_for

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v2
from novaclient import client as nova_client
from novaclient import exceptions as nova_exc

flow = Flow("novaclient")
cfg = flow.config
USER = cfg["user"]
S = flow.state


def seed_id(key):
    return flow.seed(key)["id"]


def status(server_id):
    try:
        return S["nova"].servers.get(server_id).status
    except nova_exc.NotFound:
        return "DELETED"


def wait_status(server_id, wanted, timeout=60):
    wait_for(lambda: status(server_id) == wanted, timeout, "server %s %s" % (server_id, wanted))


@flow.step("keystoneauth v2.Password: authenticate, token, catalog")
def _():
    auth = v2.Password(auth_url=cfg["auth_url"], username=USER["email"],
                       password=USER["password"], tenant_name=USER["uuid"])
    sess = ks_session.Session(auth=auth)
    token = sess.get_token()
    check(token, "no token")
    access = auth.get_access(sess)
    check(access.expires, "token without expiry")
    eq(access.user_id, USER["uuid"], "user id")
    eq(access.project_id, USER["uuid"], "tenant id")
    compute = sess.get_endpoint(service_type="compute", interface="public")
    eq(compute.rstrip("/"), cfg["url"] + "/compute/v2.0", "compute endpoint")
    check(sess.get_endpoint(service_type="image", interface="public"), "no image endpoint")
    S["password_session"] = sess


@flow.step("keystoneauth v2.Token: authenticate with the token")
def _():
    auth = v2.Token(auth_url=cfg["auth_url"], token=USER["token"])
    sess = ks_session.Session(auth=auth)
    eq(sess.get_token(), USER["token"], "token echoed")
    eq(auth.get_access(sess).user_id, USER["uuid"], "user id")
    S["session"] = sess


@flow.step("novaclient: Client('2.0', session)")
def _():
    S["nova"] = nova_client.Client("2.0", session=S["session"])


@flow.step("novaclient: list flavors (list, detail, get)")
def _():
    nova = S["nova"]
    # is_public is an OpenStack query parameter the service ignores.
    flavors = nova.flavors.list(is_public=True)
    ids = [str(f.id) for f in flavors]
    check(str(seed_id("flavor")) in ids, "flavor not listed: %r", ids)
    flavor = nova.flavors.get(seed_id("flavor"))
    eq((flavor.vcpus, flavor.ram, flavor.disk), (1, 1024, 20), "flavor vcpus/ram/disk")
    check(nova.flavors.list(detailed=False), "short flavor list empty")


@flow.step("keystoneauth session: list images on the compute endpoint")
def _():
    body = S["session"].get("/images/detail",
                            endpoint_filter={"service_type": "compute", "interface": "public"}).json()
    ids = [i["id"] for i in body["images"]]
    check(seed_id("image") in ids, "image not listed: %r", ids)


@flow.step("novaclient: create server with metadata")
def _():
    # flavorRef as an integer; novaclient also sends min_count / max_count.
    server = S["nova"].servers.create("nova-server", seed_id("image"), int(seed_id("flavor")),
                                      meta={"purpose": "flow"}, min_count=1, max_count=1)
    S["server_id"] = server.id
    eq(server.status if hasattr(server, "status") else "BUILD", "BUILD", "status after create")
    check(getattr(server, "adminPass", None), "adminPass missing")


@flow.step("novaclient: wait until ACTIVE")
def _():
    wait_status(S["server_id"], "ACTIVE")


@flow.step("novaclient: get server")
def _():
    server = S["nova"].servers.get(S["server_id"])
    eq(server.name, "nova-server", "name")
    eq(server.metadata.get("purpose"), "flow", "metadata")
    eq(server.user_id, USER["uuid"], "user_id")
    eq(server.tenant_id, USER["uuid"], "tenant_id")
    eq(str(server.flavor["id"]), str(seed_id("flavor")), "flavor id")
    check(S["server_id"] in [s.id for s in S["nova"].servers.list()], "server not listed")
    # OpenStack filters the service does not know are ignored, not refused.
    listed = S["nova"].servers.list(search_opts={"name": "nova-server", "deleted": False})
    check(S["server_id"] in [s.id for s in listed], "server not listed with filters")


@flow.step("novaclient: set, list, delete metadata")
def _():
    nova, sid = S["nova"], S["server_id"]
    merged = nova.servers.set_meta(sid, {"tier": "web", "purpose": "flow2"}).to_dict()
    eq((merged.get("tier"), merged.get("purpose")), ("web", "flow2"), "metadata after set")
    item = nova.servers.set_meta_item(sid, "color", "blue")
    eq(item.meta, {"color": "blue"}, "metadatum after set_meta_item")
    eq(nova.servers.get_meta(sid, "color")["meta"], {"color": "blue"}, "get_meta")
    metadata = nova.servers.list_meta(sid)["metadata"]
    eq((metadata.get("tier"), metadata.get("color")), ("web", "blue"), "metadata listed")
    nova.servers.delete_meta(sid, ["color", "tier"])
    metadata = nova.servers.get(sid).metadata
    check("color" not in metadata and "tier" not in metadata, "metadata not deleted: %r", metadata)


@flow.step("novaclient: reboot")
def _():
    S["nova"].servers.reboot(S["server_id"])
    time.sleep(0.1)
    wait_status(S["server_id"], "ACTIVE")


@flow.step("novaclient: stop (os-stop), wait STOPPED")
def _():
    S["nova"].servers.stop(S["server_id"])
    wait_status(S["server_id"], "STOPPED")


@flow.step("novaclient: start (os-start), wait ACTIVE")
def _():
    S["nova"].servers.start(S["server_id"])
    wait_status(S["server_id"], "ACTIVE")


@flow.step("novaclient: delete, confirm deletion")
def _():
    S["nova"].servers.delete(S["server_id"])
    wait_status(S["server_id"], "DELETED")
    check(S["server_id"] not in [s.id for s in S["nova"].servers.list()],
          "deleted server still listed")


flow.finish()
