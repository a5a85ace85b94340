"""kamaki 0.12 (Python 2.7), library then CLI, against the live service.

Run as ``python2.7 kamaki_flow.py CONFIG.json`` inside kamaki's venv.
kamaki 0.12's own network commands speak the Neutron-style network
service (a later piece of work): compute-guide networks go through the
library's raw request methods instead.
"""
from __future__ import print_function

import base64
import json
import os
import subprocess

from _flowlib import Flow, StepFailed, check, eq, wait_for

from kamaki.clients import ClientError
from kamaki.clients.astakos import AstakosClient, CachedAstakosClient
from kamaki.clients.cyclades import CycladesClient
from kamaki.clients.image import ImageClient
from kamaki.clients.pithos import PithosClient

flow = Flow("kamaki")
cfg = flow.config
USER, OTHER = cfg["user"], cfg["other"]
TOKEN = USER["token"]
S = flow.state


def seed_id(key):
    return flow.seed(key)["id"]


def expect_error(status, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except ClientError as err:
        eq(err.status, status, "error status of %s" % getattr(call, "__name__", call))
        return err
    raise StepFailed("%s succeeded, expected HTTP %s" % (getattr(call, "__name__", call), status))


def server(server_id=None):
    return S["cyclades"].get_server_details(server_id or S["server_id"])


def wait_status(server_id, wanted, timeout=60):
    return wait_for(lambda: server(server_id)["status"] == wanted and server(server_id),
                    timeout, "server %s %s" % (server_id, wanted))


# ---------------------------------------------------------------- library

@flow.step("lib: authenticate (AstakosClient)")
def _():
    astakos = AstakosClient(cfg["auth_url"], TOKEN)
    access = astakos.authenticate()["access"]
    eq(access["token"]["id"], TOKEN, "token id echoed")
    check(access["token"].get("expires"), "token expires missing: %r", access["token"])
    eq(access["user"]["id"], USER["uuid"], "user id")
    S["astakos"] = astakos


@flow.step("lib: service catalog (endpoints per type)")
def _():
    cached = CachedAstakosClient(cfg["auth_url"], TOKEN)
    S["cached"] = cached
    urls = {}
    for type_ in ("identity", "account", "compute", "image", "object-store"):
        urls[type_] = cached.get_service_endpoints(type_)["publicURL"]
        check(urls[type_].startswith(cfg["url"]), "%s endpoint %s", type_, urls[type_])
    eq(urls["compute"], cfg["url"] + "/compute/v2.0", "compute endpoint")
    eq(urls["image"], cfg["url"] + "/image/v1.0", "image endpoint")
    eq(urls["object-store"], cfg["url"] + "/object-store/v1", "object-store endpoint")
    S["urls"] = urls


@flow.step("lib: user info")
def _():
    info = S["cached"].user_info()
    eq(info["id"], USER["uuid"], "user id")
    check(info.get("name"), "user name missing: %r", info)
    eq(S["astakos"].user_term("id"), USER["uuid"], "user_term id")


@flow.step("lib: uuid and name catalogs")
def _():
    names = S["astakos"].get_usernames([USER["uuid"], OTHER["uuid"]])
    eq(names.get(OTHER["uuid"]), OTHER["email"], "displayname of the other user")
    eq(S["astakos"].get_username(USER["uuid"]), USER["email"], "own displayname")
    uuids = S["cached"].usernames2uuids([OTHER["email"]])
    eq(uuids.get(OTHER["email"]), OTHER["uuid"], "uuid by displayname")


@flow.step("lib: quotas")
def _():
    quotas = S["astakos"].get_quotas()
    system = quotas.get("system") or quotas.get(USER["uuid"])
    check(system, "no system project in quotas: %r", quotas)
    for resource in ("cyclades.vm", "cyclades.cpu", "cyclades.ram", "cyclades.disk"):
        check(resource in system, "%s missing from quotas", resource)
        for field in ("limit", "usage", "pending"):
            check(field in system[resource], "%s.%s missing", resource, field)
    S["vm_usage_before"] = system["cyclades.vm"]["usage"]


@flow.step("lib: flavors list, detail, get")
def _():
    S["cyclades"] = cyclades = CycladesClient(S["urls"]["compute"], TOKEN)
    flavor_id = seed_id("flavor")
    listed = cyclades.list_flavors()
    check(flavor_id in [f["id"] for f in listed], "flavor %s not listed: %r", flavor_id, listed)
    detailed = dict((f["id"], f) for f in cyclades.list_flavors(detail=True))
    for key in ("ram", "vcpus", "disk", "SNF:disk_template"):
        check(key in detailed[flavor_id], "flavor detail lacks %s", key)
    flavor = cyclades.get_flavor_details(flavor_id)
    eq((flavor["vcpus"], flavor["ram"], flavor["disk"]), (1, 1024, 20), "flavor vcpus/ram/disk")


@flow.step("lib: images through compute (list, detail, get, metadata)")
def _():
    image_id = seed_id("image")
    cyclades = S["cyclades"]
    check(image_id in [i["id"] for i in cyclades.list_images()], "image not listed")
    detailed = dict((i["id"], i) for i in cyclades.list_images(detail=True))
    eq(detailed[image_id]["status"], "ACTIVE", "image status")
    image = cyclades.get_image_details(image_id)
    eq(image["name"], "Debian Base", "image name")
    metadata = cyclades.get_image_metadata(image_id)
    eq(metadata.get("OS"), "debian", "image metadata OS")
    eq(cyclades.get_image_metadata(image_id, "OS"), {"OS": "debian"}, "image metadatum OS")


@flow.step("lib: image service (list, get meta)")
def _():
    S["images"] = images = ImageClient(S["urls"]["image"], TOKEN)
    image_id = seed_id("image")
    public = images.list_public()
    check(image_id in [i["id"] for i in public], "image not in public list: %r", public)
    detailed = images.list_public(detail=True)
    check(any(i["id"] == image_id and i.get("properties") for i in detailed),
          "detailed public list lacks the image's properties")
    meta = images.get_meta(image_id)
    eq(meta["name"], "Debian Base", "image name")
    eq(meta["properties"].get("OS") or meta["properties"].get("os"), "debian", "OS property")


@flow.step("lib: image service (register, properties, members, unregister)")
def _():
    images = S["images"]
    # An image is a stored file: upload it first (kamaki's hashmap protocol).
    pithos = PithosClient(S["urls"]["object-store"], TOKEN, USER["uuid"], "images")
    pithos.create_container("images")
    pithos.upload_from_string("lib-image.diskdump", b"\0" * 5000 + b"boot")
    location = "pithos://%s/images/lib-image.diskdump" % USER["uuid"]
    registered = images.register(
        "lib image", location, params=dict(disk_format="diskdump", container_format="bare"),
        properties=dict(OSFAMILY="linux", ROOT_PARTITION="1"))
    image_id = registered["id"]
    eq(images.get_meta(image_id)["properties"].get("OSFAMILY"), "linux", "registered property")
    images.update_image(image_id, name="lib image 2", OSFAMILY="linux", USERS="root")
    meta = images.get_meta(image_id)
    eq(meta["name"], "lib image 2", "renamed image")
    eq(meta["properties"].get("USERS"), "root", "updated property")
    images.add_member(image_id, OTHER["uuid"])
    members = [m["member_id"] for m in images.list_members(image_id)]
    eq(members, [OTHER["uuid"]], "members after add")
    images.set_members(image_id, [])
    eq(images.list_members(image_id), [], "members after set []")
    images.unregister(image_id)
    expect_error(404, images.get_meta, image_id)


@flow.step("lib: create server with metadata and personality")
def _():
    personality = [{"path": "/etc/motd", "contents": base64.b64encode(b"hello kamaki").decode(),
                    "owner": "root", "group": "root", "mode": 0o644}]
    created = S["cyclades"].create_server(
        "kamaki-lib", seed_id("flavor"), seed_id("image"),
        metadata={"purpose": "flow", "tier": "test"}, personality=personality)
    eq(created["status"], "BUILD", "status after create")
    check(created.get("adminPass"), "adminPass missing")
    eq(created["user_id"], USER["uuid"], "user_id")
    eq(created["tenant_id"], USER["uuid"], "tenant_id")
    eq(created["metadata"].get("purpose"), "flow", "metadata echoed")
    S["server_id"] = created["id"]


@flow.step("lib: wait until ACTIVE")
def _():
    new_status = S["cyclades"].wait_server(S["server_id"], "BUILD", delay=0.5, max_wait=60)
    eq(new_status, "ACTIVE", "status after build")


@flow.step("lib: get server, list servers")
def _():
    details = server()
    eq(details["name"], "kamaki-lib", "name")
    eq(str(details["flavor"]["id"]), str(seed_id("flavor")), "flavor id")
    eq(str(details["image"]["id"]), str(seed_id("image")), "image id")
    eq(details["progress"], 100, "progress when ACTIVE")
    eq(details["user_id"], USER["uuid"], "user_id")
    check(details["attachments"], "no attachments on an ACTIVE server")
    ids = [s["id"] for s in S["cyclades"].list_servers()]
    check(S["server_id"] in ids, "server not listed")
    check(S["server_id"] in [s["id"] for s in S["cyclades"].list_servers(detail=True)],
          "server not in detailed list")


@flow.step("lib: rename")
def _():
    S["cyclades"].update_server_name(S["server_id"], "kamaki-lib-renamed")
    eq(server()["name"], "kamaki-lib-renamed", "name after rename")


@flow.step("lib: metadata list, get, set, delete")
def _():
    cyclades, sid = S["cyclades"], S["server_id"]
    eq(cyclades.get_server_metadata(sid).get("tier"), "test", "metadata list")
    eq(cyclades.get_server_metadata(sid, "tier"), {"tier": "test"}, "metadatum get")
    eq(cyclades.create_server_metadata(sid, "color", "blue"), {"color": "blue"}, "metadatum put")
    merged = cyclades.update_server_metadata(sid, tier="prod", size="xl")
    eq((merged.get("tier"), merged.get("size"), merged.get("color")), ("prod", "xl", "blue"),
       "metadata after merge")
    cyclades.delete_server_metadata(sid, "color")
    expect_error(404, cyclades.get_server_metadata, sid, "color")
    check("color" not in cyclades.get_server_metadata(sid), "deleted metadatum still listed")


@flow.step("lib: reboot and wait")
def _():
    S["cyclades"].reboot_server(S["server_id"])
    S["cyclades"].wait_server(S["server_id"], "REBOOT", delay=0.3, max_wait=60)
    wait_status(S["server_id"], "ACTIVE")


@flow.step("lib: console")
def _():
    console = S["cyclades"].get_server_console(S["server_id"])
    eq(sorted(console), ["host", "password", "port", "type"], "console keys")
    eq(console["type"], "vnc", "console type")


@flow.step("lib: firewall profile (raw action: 0.12 has no helper)")
def _():
    S["cyclades"].servers_action_post(
        S["server_id"], json_data={"firewallProfile": {"profile": "ENABLED"}}, success=202)
    wait_for(lambda: any(a.get("firewallProfile") == "ENABLED"
                         for a in server()["attachments"]), 30, "firewallProfile ENABLED")


@flow.step("lib: addresses")
def _():
    nics = S["cyclades"].get_server_nics(S["server_id"])
    addresses = nics.get("addresses")
    check(addresses, "no addresses: %r", nics)
    public_id = str(seed_id("network"))
    check(public_id in addresses, "public network %s not in %r", public_id, addresses)
    by_network = S["cyclades"].get_server_network_nics(S["server_id"], public_id)
    check(by_network.get(public_id), "no addresses by network: %r", by_network)
    check(any(a["version"] == 4 for a in by_network[public_id]), "no IPv4 address")


@flow.step("lib: stats and diagnostics")
def _():
    stats = S["cyclades"].get_server_stats(S["server_id"])
    eq(int(stats["serverRef"]), int(S["server_id"]), "stats serverRef")
    for key in ("cpuBar", "cpuTimeSeries", "netBar", "netTimeSeries"):
        check(stats.get(key), "stats lack %s", key)
    diagnostics = S["cyclades"].get_server_diagnostics(S["server_id"])
    check(isinstance(diagnostics, list), "diagnostics is not a list: %r", diagnostics)


@flow.step("lib: shutdown, wait STOPPED")
def _():
    S["cyclades"].shutdown_server(S["server_id"])
    eq(S["cyclades"].wait_server(S["server_id"], "ACTIVE", delay=0.3, max_wait=60),
       "STOPPED", "status after shutdown")


@flow.step("lib: resize while STOPPED")
def _():
    S["cyclades"].resize_server(S["server_id"], seed_id("flavor_large"))
    wait_for(lambda: str(server()["flavor"]["id"]) == str(seed_id("flavor_large"))
             and server()["status"] == "STOPPED", 60, "flavor changed")


@flow.step("lib: start, wait ACTIVE")
def _():
    S["cyclades"].start_server(S["server_id"])
    eq(S["cyclades"].wait_server(S["server_id"], "STOPPED", delay=0.3, max_wait=60),
       "ACTIVE", "status after start")


def raw(method, path, status, body=None):
    """A compute call through kamaki's own request methods."""
    kwargs = {"success": status}
    if body is not None:
        kwargs["json"] = body
    response = S["cyclades"].request(method, path, **kwargs)
    return response.json if response.text else None


@flow.step("networks (raw): create")
def _():
    network = raw("post", "/networks", 202,
                  {"network": {"name": "kamaki-net", "type": "MAC_FILTERED",
                               "cidr": "192.168.10.0/24", "dhcp": True}})["network"]
    eq(network["name"], "kamaki-net", "network name")
    S["network_id"] = network["id"]
    listed = raw("get", "/networks", 200)["networks"]
    check(str(S["network_id"]) in [str(n["id"]) for n in listed], "network not listed")


@flow.step("networks (raw): connect server")
def _():
    raw("post", "/networks/%s/action" % S["network_id"], 202,
        {"add": {"serverRef": S["server_id"]}})
    S["nic"] = wait_for(lambda: [a for a in server()["attachments"]
                                 if str(a["network_id"]) == str(S["network_id"])],
                        30, "NIC on the new network")[0]


@flow.step("networks (raw): disconnect server")
def _():
    raw("post", "/networks/%s/action" % S["network_id"], 202,
        {"remove": {"attachment": S["nic"]["id"]}})
    wait_for(lambda: not [a for a in server()["attachments"]
                          if str(a["network_id"]) == str(S["network_id"])],
             30, "NIC gone")


@flow.step("networks (raw): rename, delete")
def _():
    path = "/networks/%s" % S["network_id"]
    raw("put", path, 204, {"network": {"name": "kamaki-net-2"}})
    eq(raw("get", path, 200)["network"]["name"], "kamaki-net-2", "renamed network")
    raw("delete", path, 204)

    def gone():
        response = S["cyclades"].request("get", path, success=(200, 404))
        return response.status_code == 404 or response.json["network"]["status"] == "DELETED"

    wait_for(gone, 30, "network deleted")


@flow.step("lib: delete server, see DELETED")
def _():
    S["cyclades"].delete_server(S["server_id"])
    wait_status(S["server_id"], "DELETED")
    check(S["server_id"] not in [s["id"] for s in S["cyclades"].list_servers()],
          "deleted server still listed")


@flow.step("lib: quotas released")
def _():
    quotas = S["astakos"].get_quotas()
    system = quotas.get("system") or quotas.get(USER["uuid"])
    eq(system["cyclades.vm"]["usage"], S["vm_usage_before"], "cyclades.vm usage")


# -------------------------------------------------------------------- CLI

KAMAKIRC = os.path.join(cfg["workdir"], "kamakirc")
with open(KAMAKIRC, "w") as rc:
    rc.write("[global]\ndefault_cloud = test\nlog_file = %s\n\n"
             "[cloud \"test\"]\nurl = %s\ntoken = %s\n"
             % (os.path.join(cfg["workdir"], "kamaki.log"), cfg["auth_url"], TOKEN))


def kamaki(*args):
    """``kamaki -c RC args...``: its stdout; a non-zero exit fails the step."""
    command = ["kamaki", "-c", KAMAKIRC] + [str(a) for a in args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise StepFailed("%s exited %s\nstdout: %s\nstderr: %s"
                         % (" ".join(command), proc.returncode, out, err))
    return out.decode("utf-8")


def kamaki_json(*args):
    return json.loads(kamaki(*(args + ("--output-format", "json"))))


@flow.step("cli: user authenticate, user info")
def _():
    access = kamaki_json("user", "authenticate")
    eq(access["access"]["token"]["id"], TOKEN, "token id")
    info = kamaki_json("user", "info")
    eq(info["id"], USER["uuid"], "user id")


@flow.step("cli: uuid2name, name2uuid")
def _():
    check(OTHER["email"] in kamaki("user", "uuid2name", OTHER["uuid"]), "uuid2name")
    check(OTHER["uuid"] in kamaki("user", "name2uuid", OTHER["email"]), "name2uuid")


@flow.step("cli: quota list")
def _():
    check("cyclades.vm" in kamaki("quota", "list"), "cyclades.vm not in quota list")


@flow.step("cli: flavor list, list -l, info")
def _():
    flavor_id = seed_id("flavor")
    check(flavor_id in [f["id"] for f in kamaki_json("flavor", "list")], "flavor not listed")
    check(any(f.get("vcpus") for f in kamaki_json("flavor", "list", "-l")), "no details")
    eq(kamaki_json("flavor", "info", flavor_id)["ram"], 1024, "flavor ram")


@flow.step("cli: images (image list/info, imagecompute list/info)")
def _():
    image_id = seed_id("image")
    check(image_id in [i["id"] for i in kamaki_json("image", "list")], "image list")
    eq(kamaki_json("image", "info", image_id)["name"], "Debian Base", "image info")
    check(image_id in [i["id"] for i in kamaki_json("imagecompute", "list")], "imagecompute list")
    eq(kamaki_json("imagecompute", "info", image_id)["name"], "Debian Base", "imagecompute info")


@flow.step("cli: image register --no-metafile-upload, modify properties and members")
def _():
    disk = os.path.join(cfg["workdir"], "cli.diskdump")
    with open(disk, "wb") as f:
        f.write(b"cli image" * 100)
    kamaki("file", "upload", disk, "/images/cli.diskdump")
    registered = kamaki_json(
        "image", "register", "--name", "cli image", "--location",
        "pithos://%s/images/cli.diskdump" % USER["uuid"], "--no-metafile-upload",
        "--disk-format", "diskdump", "-p", "OSFAMILY=linux", "-p", "USERS=root")
    image_id = registered["id"]
    eq(registered["properties"].get("OSFAMILY"), "linux", "registered property")
    kamaki("image", "modify", image_id, "-p", "ROLE=web", "--member-add", OTHER["uuid"])
    meta = kamaki_json("image", "info", image_id)
    eq(meta["properties"].get("ROLE"), "web", "property after modify")
    members = [m["member_id"] for m in S["images"].list_members(image_id)]
    eq(members, [OTHER["uuid"]], "members after --member-add")
    kamaki("image", "modify", image_id, "--member-del", OTHER["uuid"])
    eq(S["images"].list_members(image_id), [], "members after --member-del")
    kamaki("image", "unregister", image_id)


@flow.step("cli: server create with personality, --wait")
def _():
    motd = os.path.join(cfg["workdir"], "motd")
    with open(motd, "w") as f:
        f.write("hello from the kamaki CLI\n")
    created = kamaki_json(
        "server", "create", "--name", "kamaki-cli", "--flavor-id", seed_id("flavor"),
        "--image-id", seed_id("image"), "-p", "%s,/etc/motd,root,root,0644" % motd,
        "--wait", "--no-progress-bar")
    eq(created["status"], "BUILD", "status in the create answer")
    S["cli_server"] = created["id"]
    eq(server(S["cli_server"])["status"], "ACTIVE", "status after --wait")


@flow.step("cli: server info, list")
def _():
    info = kamaki_json("server", "info", S["cli_server"])
    eq(info["name"], "kamaki-cli", "name")
    check(S["cli_server"] in [s["id"] for s in kamaki_json("server", "list")], "not listed")
    kamaki("server", "info", S["cli_server"])  # the human form resolves user names


@flow.step("cli: server modify --name, --metadata-set, --metadata-del")
def _():
    sid = S["cli_server"]
    kamaki("server", "modify", sid, "--name", "kamaki-cli-2")
    kamaki("server", "modify", sid, "--metadata-set", "role=db", "--metadata-set", "x=1")
    metadata = kamaki_json("server", "info", sid)["metadata"]
    eq((metadata.get("role"), metadata.get("x")), ("db", "1"), "metadata after set")
    kamaki("server", "modify", sid, "--metadata-del", "x")
    info = kamaki_json("server", "info", sid)
    eq(info["name"], "kamaki-cli-2", "name after modify")
    check("x" not in info["metadata"], "metadatum not deleted")


@flow.step("cli: server info --nics, --stats, --diagnostics")
def _():
    sid = S["cli_server"]
    check(kamaki_json("server", "info", sid, "--nics").get("addresses"), "no addresses")
    check(kamaki_json("server", "info", sid, "--stats").get("cpuBar"), "no stats")
    check(isinstance(kamaki_json("server", "info", sid, "--diagnostics"), list), "diagnostics")


@flow.step("cli: server console")
def _():
    eq(kamaki_json("server", "console", S["cli_server"])["type"], "vnc", "console type")


@flow.step("cli: server reboot --wait")
def _():
    kamaki("server", "reboot", S["cli_server"], "--wait", "--no-progress-bar")
    wait_status(S["cli_server"], "ACTIVE")


@flow.step("cli: server shutdown --wait, resize (modify --flavor-id), start --wait")
def _():
    sid = S["cli_server"]
    kamaki("server", "shutdown", sid, "--wait", "--no-progress-bar")
    eq(server(sid)["status"], "STOPPED", "status after shutdown --wait")
    kamaki("server", "modify", sid, "--flavor-id", seed_id("flavor_large"))
    wait_for(lambda: str(server(sid)["flavor"]["id"]) == str(seed_id("flavor_large"))
             and server(sid)["status"] == "STOPPED", 60, "resized")
    kamaki("server", "start", sid, "--wait", "--no-progress-bar")
    eq(server(sid)["status"], "ACTIVE", "status after start --wait")


@flow.step("cli: server delete --wait")
def _():
    kamaki("server", "delete", S["cli_server"], "--wait", "--no-progress-bar")
    wait_status(S["cli_server"], "DELETED")


# ------------------------------------------------------------ object store

OTHER_RC = os.path.join(cfg["workdir"], "kamakirc-other")
with open(OTHER_RC, "w") as rc:
    rc.write("[global]\ndefault_cloud = test\nlog_file = %s\n\n"
             "[cloud \"test\"]\nurl = %s\ntoken = %s\n"
             % (os.path.join(cfg["workdir"], "kamaki-other.log"), cfg["auth_url"], OTHER["token"]))


def kamaki_other(*args):
    command = ["kamaki", "-c", OTHER_RC] + [str(a) for a in args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise StepFailed("%s exited %s\nstdout: %s\nstderr: %s"
                         % (" ".join(command), proc.returncode, out, err))
    return out.decode("utf-8")


def local(name, data=None):
    path = os.path.join(cfg["workdir"], name)
    if data is not None:
        with open(path, "wb") as f:
            f.write(data)
    return path


def read(path):
    with open(path, "rb") as f:
        return f.read()


# More than one 4 MiB block, and not a multiple of it.
BIG = (b"0123456789abcdef" * 65536) * 4 + b"tail of the big file"


@flow.step("lib: pithos account, containers, upload and download (hashmap protocol)")
def _():
    pithos = PithosClient(S["urls"]["object-store"], TOKEN, USER["uuid"], "pithos")
    S["pithos"] = pithos
    info = pithos.get_account_info()
    check("x-account-container-count" in info, "account info: %r", info)
    names = [c["name"] for c in pithos.list_containers()]
    check("pithos" in names and "trash" in names, "default containers: %r", names)
    with open(local("big.bin", BIG), "rb") as f:
        pithos.upload_object("big.bin", f)
    meta = pithos.get_object_info("big.bin")
    eq(int(meta["content-length"]), len(BIG), "uploaded size")
    eq(pithos.download_to_string("big.bin"), BIG, "downloaded bytes")
    hashmap = pithos.get_object_hashmap("big.bin")
    eq(len(hashmap["hashes"]), 2, "blocks of the big file")
    eq(pithos.download_to_string("big.bin", range_str="10-19"), BIG[10:20], "a range")


@flow.step("lib: append, truncate, overwrite, versions, metadata")
def _():
    pithos = S["pithos"]
    pithos.upload_from_string("small.txt", b"hello")
    with open(local("more.txt", b" world"), "rb") as f:
        pithos.append_object("small.txt", f)
    eq(pithos.download_to_string("small.txt"), b"hello world", "after append")
    pithos.truncate_object("small.txt", 5)
    eq(pithos.download_to_string("small.txt"), b"hello", "after truncate")
    with open(local("patch.txt", b"J"), "rb") as f:
        pithos.overwrite_object("small.txt", 0, 0, f)
    eq(pithos.download_to_string("small.txt"), b"Jello", "after overwrite")
    versions = pithos.get_object_versionlist("small.txt")
    check(len(versions) >= 4, "versions: %r", versions)
    pithos.set_object_meta("small.txt", {"color": "blue"})
    eq(pithos.get_object_meta("small.txt").get("x-object-meta-color"), "blue", "metadata")
    pithos.set_account_group("friends", [OTHER["uuid"]])
    check(OTHER["uuid"] in pithos.get_account_group().get("x-account-group-friends", ""), "group")


@flow.step("cli: container create, list, info")
def _():
    kamaki("container", "create", "cli-box", "--limit", 100000000)
    names = [c["name"] for c in kamaki_json("container", "list")]
    check("cli-box" in names, "container list: %r", names)
    info = kamaki_json("container", "info", "cli-box")
    check("x-container-block-size" in info or "x_container_block_size" in str(info), "info: %r", info)


@flow.step("cli: file mkdir, create, upload (a big file), list")
def _():
    kamaki("file", "mkdir", "/cli-box/docs")
    kamaki("file", "create", "/cli-box/docs/empty")
    kamaki("file", "upload", local("big.bin"), "/cli-box/docs/big.bin")
    kamaki("file", "upload", local("more.txt"), "/cli-box/docs/more.txt")
    listed = [o["name"] for o in kamaki_json("file", "list", "/cli-box")]
    for name in ("docs", "docs/empty", "docs/big.bin", "docs/more.txt"):
        check(name in listed, "%s not listed: %r", name, listed)


@flow.step("cli: upload resumed from the hashmap (blocks already there)")
def _():
    kamaki("file", "upload", local("big.bin"), "/cli-box/docs/big-again.bin")
    pithos = PithosClient(S["urls"]["object-store"], TOKEN, USER["uuid"], "cli-box")
    eq(pithos.get_object_hashmap("docs/big-again.bin")["hashes"],
       pithos.get_object_hashmap("docs/big.bin")["hashes"], "same blocks")


@flow.step("cli: file download (whole, range), cat, info, versions")
def _():
    target = local("downloaded.bin")
    if os.path.exists(target):
        os.remove(target)
    kamaki("file", "download", "/cli-box/docs/big.bin", target, "--no-progress-bar")
    eq(read(target), BIG, "downloaded file")
    # (kamaki 0.12 mistakes an absolute local path for a tree to create with --range)
    ranged = local("ranged.bin")
    if os.path.exists(ranged):
        os.remove(ranged)
    kamaki("file", "download", "/cli-box/docs/big.bin", "ranged.bin", "--range", "0-9", "--no-progress-bar")
    eq(read(ranged)[:10], BIG[:10], "ranged download")
    # ``file cat`` seeks in its output: give it a file, not a pipe.
    with open(local("cat.out"), "wb") as out:
        eq(subprocess.call(["kamaki", "-c", KAMAKIRC, "file", "cat", "/cli-box/docs/more.txt"], stdout=out),
           0, "file cat exit status")
    # (kamaki 0.12 prints its own return value, None, after the data)
    eq(read(local("cat.out"))[:6], b" world", "cat")
    info = kamaki_json("file", "info", "/cli-box/docs/big.bin")
    eq(int(info["content-length"]), len(BIG), "info size")
    check(kamaki("file", "info", "/cli-box/docs/more.txt", "--object-versions"), "versions")
    check(kamaki("file", "info", "/cli-box/docs/big.bin", "--hashmap"), "hashmap")


@flow.step("cli: file copy, move")
def _():
    kamaki("file", "copy", "/cli-box/docs/more.txt", "/cli-box/copied.txt")
    kamaki("file", "move", "/cli-box/copied.txt", "/pithos/moved.txt")
    eq(S["pithos"].download_to_string("moved.txt"), b" world", "moved file")


@flow.step("cli: file modify --publish, --unpublish (public URL readable without a token)")
def _():
    # (kamaki 0.12's ``file publish`` is the deprecated spelling of this)
    url = kamaki("file", "modify", "/cli-box/docs/more.txt", "--publish").strip().split()[-1]
    check(url.startswith("http"), "public URL: %r", url)
    import urllib2
    eq(urllib2.urlopen(url).read(), b" world", "public read")
    kamaki("file", "modify", "/cli-box/docs/more.txt", "--unpublish")
    try:
        urllib2.urlopen(url)
    except urllib2.HTTPError as err:
        eq(err.code, 404, "unpublished URL")
    else:
        raise StepFailed("unpublished object still public")


@flow.step("cli: file modify --read-permission, another user reads it, --no-permissions")
def _():
    kamaki("file", "modify", "/cli-box/docs/more.txt", "--read-permission", OTHER["uuid"])
    sharing = kamaki("file", "info", "/cli-box/docs/more.txt", "--sharing")
    check(OTHER["uuid"] in sharing, "sharing: %r", sharing)
    other = PithosClient(S["urls"]["object-store"], OTHER["token"], USER["uuid"], "cli-box")
    eq(other.download_to_string("docs/more.txt"), b" world", "read by the other user")
    check(USER["uuid"] in kamaki_other("sharer", "list"), "sharer list")
    kamaki("file", "modify", "/cli-box/docs/more.txt", "--no-permissions")
    expect_error(403, other.get_object_info, "docs/more.txt")


@flow.step("cli: quota list shows pithos.diskspace")
def _():
    check("pithos.diskspace" in kamaki("quota", "list"), "pithos.diskspace not in quota list")


@flow.step("cli: image register with the metafile upload")
def _():
    disk = local("meta.diskdump", b"metafile image" * 50)
    kamaki("file", "upload", disk, "/images/meta.diskdump")
    out = kamaki("image", "register", "--name", "metafile image", "--location", "/images/meta.diskdump",
                 "-p", "ROOT_PARTITION=1", "--disk-format", "diskdump", "--output-format", "json")
    # Two documents: the registration, then where the metafile went.
    registered, end = json.JSONDecoder().raw_decode(out)
    metafile = json.loads(out[end:].strip())
    image_id = registered["id"]
    eq(registered["properties"].get("ROOT_PARTITION"), "1", "property")
    check(metafile["headers"].get("x-object-version"), "metafile version: %r", metafile)
    stored = PithosClient(S["urls"]["object-store"], TOKEN, USER["uuid"], "images")
    body = json.loads(stored.download_to_string("meta.diskdump.meta"))
    check(image_id in json.dumps(body), "metafile lacks the image id: %r", body)
    kamaki("image", "unregister", image_id)


@flow.step("cli: file delete, container delete")
def _():
    kamaki("file", "delete", "/cli-box/docs", "-r", "--yes")
    kamaki("file", "delete", "/cli-box", "--yes")
    kamaki("container", "delete", "cli-box", "--yes")
    names = [c["name"] for c in kamaki_json("container", "list")]
    check("cli-box" not in names, "container still listed: %r", names)


flow.finish()
