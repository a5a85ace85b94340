"""kamaki 0.12.10 (Python 2.7) against the network service: library
(``CycladesNetworkClient``) then CLI (``kamaki network|subnet|port|ip``),
burnin's own sequence of calls among them (behaviours-network.md L47,
L48).

Run as ``python2.7 kamaki_network_flow.py CONFIG.json`` inside kamaki's
venv. The seeded public network is a floating-IP pool.
"""
from __future__ import print_function

import json
import os
import subprocess

from _flowlib import Flow, StepFailed, check, eq, wait_for

from kamaki.clients import ClientError
from kamaki.clients.astakos import AstakosClient, CachedAstakosClient
from kamaki.clients.cyclades import CycladesClient, CycladesNetworkClient

flow = Flow("kamaki-network")
cfg = flow.config
USER = cfg["user"]
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


def server(server_id):
    return S["cyclades"].get_server_details(server_id)


def wait_server(server_id, wanted, timeout=60):
    return wait_for(lambda: server(server_id)["status"] == wanted and server(server_id),
                    timeout, "server %s %s" % (server_id, wanted))


def port_gone(port_id, timeout=30):
    def gone():
        try:
            S["net"].get_port_details(port_id)
        except ClientError as err:
            return err.status == 404
        return False
    wait_for(gone, timeout, "port %s gone" % port_id)


def quota(resource):
    quotas = S["astakos"].get_quotas()
    return (quotas.get("system") or quotas.get(USER["uuid"]))[resource]["usage"]


# ---------------------------------------------------------------- library

@flow.step("lib: catalog has one network endpoint")
def _():
    S["astakos"] = AstakosClient(cfg["auth_url"], TOKEN)
    cached = CachedAstakosClient(cfg["auth_url"], TOKEN)
    network_url = cached.get_service_endpoints("network")["publicURL"]
    eq(network_url, cfg["url"] + "/network/v2.0", "network endpoint")
    S["net"] = CycladesNetworkClient(network_url, TOKEN)
    S["cyclades"] = CycladesClient(cached.get_service_endpoints("compute")["publicURL"], TOKEN)


@flow.step("lib: quotas name both network resources (burnin)")
def _():
    for resource in ("cyclades.floating_ip", "cyclades.network.private"):
        check(quota(resource) is not None, "%s missing", resource)
    S["fip_usage"] = quota("cyclades.floating_ip")
    S["net_usage"] = quota("cyclades.network.private")


@flow.step("lib: list networks, find the public floating IP pool")
def _():
    detailed = S["net"].list_networks(detail=True)
    public = [n for n in detailed if n["public"] and n["SNF:floating_ip_pool"]]
    check(public, "no public floating-IP pool in %r", detailed)
    eq(public[0]["id"], str(seed_id("network")), "the seeded public network")
    S["public"] = public[0]["id"]
    check(S["public"] in [n["id"] for n in S["net"].list_networks()], "plain list")


@flow.step("lib: create, get, rename a private network")
def _():
    created = S["net"].create_network("MAC_FILTERED", name="kamaki-lib-net", shared=False)
    eq((created["type"], created["status"], created["public"], created["user_id"]),
       ("MAC_FILTERED", "ACTIVE", False, USER["uuid"]), "created network")
    S["private"] = created["id"]
    eq(S["net"].get_network_details(S["private"])["name"], "kamaki-lib-net", "network name")
    eq(S["net"].update_network(S["private"], name="kamaki-lib-net2")["name"], "kamaki-lib-net2", "renamed")
    eq(quota("cyclades.network.private"), S["net_usage"] + 1, "network quota +1")


@flow.step("lib: subnet create, list, get, rename; delete refused")
def _():
    subnet = S["net"].create_subnet(S["private"], "10.0.1.0/28", name="lib-sub", enable_dhcp=True)
    eq((subnet["cidr"], subnet["gateway_ip"], subnet["allocation_pools"], subnet["enable_dhcp"]),
       ("10.0.1.0/28", "10.0.1.1", [{"start": "10.0.1.2", "end": "10.0.1.14"}], True), "subnet")
    S["subnet"] = subnet["id"]
    check(S["subnet"] in [s["id"] for s in S["net"].list_subnets()], "subnet not listed")
    eq(S["net"].get_subnet_details(S["subnet"])["subnet"]["network_id"], S["private"], "subnet network")
    eq(S["net"].update_subnet(S["subnet"], name="lib-sub2")["name"], "lib-sub2", "renamed subnet")
    eq(S["net"].get_network_details(S["private"])["subnets"], [S["subnet"]], "network's subnets")
    expect_error(400, S["net"].delete_subnet, S["subnet"])


@flow.step("lib: floating IP create, list, get; update refused")
def _():
    fip = S["net"].create_floatingip(S["public"])
    check(fip["floating_ip_address"].count(".") == 3, "not an IPv4: %r", fip)
    eq((fip["port_id"], fip["instance_id"]), (None, None), "a new floating IP is detached")
    S["fip"] = fip
    check(fip["id"] in [f["id"] for f in S["net"].list_floatingips()], "floating IP not listed")
    eq(S["net"].get_floatingip_details(fip["id"])["floating_ip_address"], fip["floating_ip_address"], "get")
    eq(quota("cyclades.floating_ip"), S["fip_usage"] + 1, "floating IP quota +1")
    expect_error(501, S["net"].update_floatingip, fip["id"])


@flow.step("lib: a port holding the floating IP, then a server on it (burnin)")
def _():
    port = S["net"].create_port(S["public"], fixed_ips=[{"ip_address": S["fip"]["floating_ip_address"]}])
    eq(port["status"], "DOWN", "a port without a server")
    check(port["id"] in [p["id"] for p in S["net"].list_ports()], "port not listed")
    S["fip_port"] = port["id"]
    created = S["cyclades"].create_server("kamaki-net-lib", seed_id("flavor"), seed_id("image"),
                                          networks=[{"port": port["id"]}])
    eq(created["status"], "BUILD", "server status")
    S["server"] = created["id"]
    wait_server(S["server"], "ACTIVE")
    eq(S["net"].wait_port(port["id"], "BUILD", delay=0.3, max_wait=30), "ACTIVE", "port status")
    [attachment] = server(S["server"])["attachments"]
    eq((attachment["network_id"], attachment["ipv4"], attachment["OS-EXT-IPS:type"]),
       (S["public"], S["fip"]["floating_ip_address"], "floating"), "the floating attachment")
    eq(S["net"].get_floatingip_details(S["fip"]["id"])["instance_id"], str(S["server"]), "instance_id")


@flow.step("lib: connect the server to the private network")
def _():
    port = S["net"].create_port(S["private"], device_id=S["server"], name="lib-port")
    eq((port["status"], port["device_id"]), ("BUILD", str(S["server"])), "connecting port")
    eq(S["net"].wait_port(port["id"], "BUILD", delay=0.3, max_wait=30), "ACTIVE", "connected")
    S["private_port"] = port["id"]
    on_private = [a for a in server(S["server"])["attachments"] if str(a["network_id"]) == S["private"]]
    eq(len(on_private), 1, "one attachment on the private network")
    eq(on_private[0]["ipv4"], "10.0.1.2", "private address")
    public = [a for a in server(S["server"])["attachments"]
              if S["net"].get_network_details(a["network_id"])["public"]]
    check(public and public[0]["ipv4"], "no public IPv4 attachment")


@flow.step("lib: port rename, list -l; public ports keep their floating IP")
def _():
    renamed = S["net"].update_port(S["private_port"], S["private"], name="lib-port2")
    eq(renamed["name"], "lib-port2", "renamed port")
    detailed = S["net"].list_ports(detail=True)
    eq(sorted(p["id"] for p in detailed), sorted([S["fip_port"], S["private_port"]]), "ports")
    expect_error(409, S["net"].delete_floatingip, S["fip"]["id"])


@flow.step("lib: disconnect (delete the port), poll until 404")
def _():
    S["net"].delete_port(S["private_port"])
    port_gone(S["private_port"])
    check(not [a for a in server(S["server"])["attachments"] if str(a["network_id"]) == S["private"]],
          "still attached")


@flow.step("lib: delete the server; its floating IP stays, detached")
def _():
    S["cyclades"].delete_server(S["server"])
    wait_server(S["server"], "DELETED")
    fip = S["net"].get_floatingip_details(S["fip"]["id"])
    eq((fip["port_id"], fip["instance_id"]), (None, None), "detached floating IP")
    S["net"].delete_floatingip(S["fip"]["id"])
    check(S["fip"]["id"] not in [f["id"] for f in S["net"].list_floatingips()], "released IP listed")
    eq(quota("cyclades.floating_ip"), S["fip_usage"], "floating IP quota back")


@flow.step("lib: delete the network")
def _():
    S["net"].delete_network(S["private"])
    eq(S["net"].get_network_details(S["private"])["status"], "DELETED", "status")
    check(S["private"] not in [n["id"] for n in S["net"].list_networks()], "deleted network listed")
    eq(quota("cyclades.network.private"), S["net_usage"], "network quota back")


# -------------------------------------------------------------------- CLI

KAMAKIRC = os.path.join(cfg["workdir"], "kamakirc-network")
with open(KAMAKIRC, "w") as rc:
    rc.write("[global]\ndefault_cloud = test\nlog_file = %s\n\n"
             "[cloud \"test\"]\nurl = %s\ntoken = %s\n"
             % (os.path.join(cfg["workdir"], "kamaki-network.log"), cfg["auth_url"], TOKEN))


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


@flow.step("cli: network list, create, info, modify")
def _():
    check(S["public"] in kamaki("network", "list"), "public network not in the list")
    listed = kamaki_json("network", "list", "-l")
    check([n for n in listed if n["id"] == S["public"] and n["public"]], "no public network: %r", listed)
    created = kamaki_json("network", "create", "--name", "kamaki-cli-net", "--type", "MAC_FILTERED")
    S["cli_net"] = created["id"]
    eq(kamaki_json("network", "info", S["cli_net"])["name"], "kamaki-cli-net", "network info")
    eq(kamaki_json("network", "modify", S["cli_net"], "--name", "kamaki-cli-net2")["name"],
       "kamaki-cli-net2", "network modify")


@flow.step("cli: subnet create, list, info, modify")
def _():
    created = kamaki_json("subnet", "create", "--network-id", S["cli_net"], "--cidr", "10.0.2.0/28",
                          "--name", "cli-sub", "--gateway", "10.0.2.14", "--with-dhcp")
    eq((created["gateway_ip"], created["allocation_pools"]),
       ("10.0.2.14", [{"start": "10.0.2.1", "end": "10.0.2.13"}]), "cli subnet")
    S["cli_subnet"] = created["id"]
    check(S["cli_subnet"] in kamaki("subnet", "list"), "subnet list")
    check(S["cli_subnet"] in [s["id"] for s in kamaki_json("subnet", "list", "-l")], "subnet list -l")
    eq(kamaki_json("subnet", "info", S["cli_subnet"])["subnet"]["cidr"], "10.0.2.0/28", "subnet info")
    eq(kamaki_json("subnet", "modify", S["cli_subnet"], "--name", "cli-sub2")["name"], "cli-sub2",
       "subnet modify")


@flow.step("cli: server create --network (the private network only), --wait")
def _():
    created = kamaki_json("server", "create", "--name", "kamaki-net-cli", "--flavor-id", seed_id("flavor"),
                          "--image-id", seed_id("image"), "--network", S["cli_net"], "--wait",
                          "--no-progress-bar")
    S["cli_server"] = created["id"]
    attachments = wait_server(S["cli_server"], "ACTIVE")["attachments"]
    eq([(str(a["network_id"]), a["ipv4"]) for a in attachments], [(S["cli_net"], "10.0.2.1")],
       "the server's one port")


@flow.step("cli: ip create, list, info")
def _():
    created = kamaki_json("ip", "create", "--network-id", S["public"])
    S["cli_ip"] = created
    check(created["id"] in [i["id"] for i in kamaki_json("ip", "list")], "ip list")
    eq(kamaki_json("ip", "info", created["id"])["floating_ip_address"], created["floating_ip_address"],
       "ip info")


@flow.step("cli: ip attach --server-id --wait, ip detach --wait")
def _():
    address = S["cli_ip"]["floating_ip_address"]
    kamaki("ip", "attach", address, "--server-id", S["cli_server"], "--wait")
    fip = S["net"].get_floatingip_details(S["cli_ip"]["id"])
    eq(fip["instance_id"], str(S["cli_server"]), "attached to the server")
    wait_for(lambda: address in [a["ipv4"] for a in server(S["cli_server"])["attachments"]], 30,
             "floating IP in the attachments")
    kamaki("ip", "detach", S["cli_ip"]["id"], "--wait")
    wait_for(lambda: S["net"].get_floatingip_details(S["cli_ip"]["id"])["port_id"] is None, 30, "detached")
    check(address not in [a["ipv4"] for a in server(S["cli_server"])["attachments"]], "still attached")


@flow.step("cli: network connect --device-id --wait, disconnect --wait")
def _():
    other = kamaki_json("network", "create", "--name", "kamaki-cli-net3")
    S["cli_net3"] = other["id"]
    kamaki("network", "connect", S["cli_net3"], "--device-id", S["cli_server"], "--wait")
    on_net = [a for a in server(S["cli_server"])["attachments"] if str(a["network_id"]) == S["cli_net3"]]
    eq(len(on_net), 1, "connected")
    kamaki("network", "disconnect", S["cli_net3"], "--device-id", S["cli_server"], "--wait")
    wait_for(lambda: not [a for a in server(S["cli_server"])["attachments"]
                          if str(a["network_id"]) == S["cli_net3"]], 30, "disconnected")


@flow.step("cli: port create --wait, list, info, modify, delete --wait")
def _():
    [created] = kamaki_json("port", "create", "--network-id", S["cli_net3"], "--device-id",
                            S["cli_server"], "--name", "cli-port", "--wait")
    eq((created["status"], created["name"]), ("ACTIVE", "cli-port"), "port after --wait")
    port_id = created["id"]
    check(port_id in [p["id"] for p in kamaki_json("port", "list")], "port list")
    check(port_id in [p["id"] for p in kamaki_json("port", "list", "-l")], "port list -l")
    eq(kamaki_json("port", "info", port_id)["device_id"], str(S["cli_server"]), "port info")
    eq(kamaki_json("port", "modify", port_id, "--name", "cli-port2")["name"], "cli-port2", "port modify")
    kamaki("port", "delete", port_id, "--wait")
    port_gone(port_id)


@flow.step("cli: ip delete, server delete --wait, network delete")
def _():
    kamaki("ip", "delete", S["cli_ip"]["id"])
    check(S["cli_ip"]["id"] not in [i["id"] for i in kamaki_json("ip", "list")], "released ip listed")
    kamaki("server", "delete", S["cli_server"], "--wait", "--no-progress-bar")
    wait_server(S["cli_server"], "DELETED")
    for network_id in (S["cli_net"], S["cli_net3"]):
        kamaki("network", "delete", network_id)
        eq(kamaki_json("network", "info", network_id)["status"], "DELETED", "network deleted")
    eq(quota("cyclades.network.private"), S["net_usage"], "network quota back")
    eq(quota("cyclades.floating_ip"), S["fip_usage"], "floating IP quota back")


flow.finish()
