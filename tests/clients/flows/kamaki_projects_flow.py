"""kamaki 0.12 (Python 2.7): projects, applications, memberships and the
quota a project grants, with kamaki's own commands, against the live
service.

Run as ``python2.7 kamaki_projects_flow.py CONFIG.json`` inside kamaki's
venv. The operator seeded an owner, a member whose own limit of virtual
machines is 0, and a project administrator. ``kamaki membership enroll``
of 0.12.10 crashes inside kamaki before sending anything, so enrolling goes
through the library (astakosclient's ``enroll_member``) instead.
"""
from __future__ import print_function

import json
import os
import re
import subprocess

from _flowlib import Flow, StepFailed, check, eq

from astakosclient.errors import AstakosClientException
from kamaki.clients.astakos import AstakosClient

flow = Flow("kamaki projects")
cfg = flow.config
S = flow.state
OWNER, MEMBER, ADMIN = (flow.seed(key) for key in
                        ("projects_owner", "projects_member", "projects_admin"))


def _kamakirc(name, user):
    path = os.path.join(cfg["workdir"], "kamakirc-%s" % name)
    with open(path, "w") as rc:
        rc.write("[global]\ndefault_cloud = test\nlog_file = %s\n\n"
                 "[cloud \"test\"]\nurl = %s\ntoken = %s\n"
                 % (os.path.join(cfg["workdir"], "kamaki-%s.log" % name), cfg["auth_url"],
                    user["token"]))
    return path


RC = dict((name, _kamakirc(name, user))
          for name, user in (("owner", OWNER), ("member", MEMBER), ("admin", ADMIN)))


def kamaki(who, *args, **kwargs):
    """``kamaki -c <who's rc> args...``: its stdout; a non-zero exit fails
    the step unless ``fails=True``, then its output is returned."""
    command = ["kamaki", "-c", RC[who]] + [str(a) for a in args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    if kwargs.get("fails"):
        if proc.returncode == 0:
            raise StepFailed("%s succeeded, expected a failure\n%s" % (" ".join(command), out))
        return out.decode("utf-8") + err.decode("utf-8")
    if proc.returncode != 0:
        raise StepFailed("%s exited %s\nstdout: %s\nstderr: %s"
                         % (" ".join(command), proc.returncode, out, err))
    return out.decode("utf-8")


def kamaki_json(who, *args):
    return json.loads(kamaki(who, *(args + ("--output-format", "json"))))


def submitted(out):
    """What ``project create``/``modify`` print: the JSON answer, then a notice."""
    check("Application is submitted successfully" in out, "no notice: %r", out)
    return json.loads(out[:out.rindex("}") + 1])


def spec_file(name, **fields):
    spec = {
        "name": name,
        "end_date": "2030-01-01T00:00:00Z",
        "max_members": 10,
        "join_policy": "moderated",
        "leave_policy": "auto",
        "description": "made by kamaki",
        "resources": {"cyclades.vm": {"member_capacity": 2, "project_capacity": None}},
    }
    spec.update(fields)
    path = os.path.join(cfg["workdir"], "%s.json" % name)
    with open(path, "w") as f:
        json.dump(spec, f)
    return path


def vm_quota(who):
    return kamaki_json(who, "quota", "list")["system"]["cyclades.vm"]


def membership_id(out):
    """``membership join`` prints the answer as a Python dict."""
    found = re.search(r"'id': (\d+)", out)
    check(found, "no membership id in %r", out)
    return int(found.group(1))


def project(who="owner"):
    return kamaki_json(who, "project", "info", S["project"])


def membership(who="owner"):
    return kamaki_json(who, "membership", "info", S["membership"])


@flow.step("cli: project create --spec-file, project info")
def _():
    created = submitted(kamaki("owner", "project", "create", "--spec-file",
                               spec_file("kamaki.example.org"), "--output-format", "json"))
    S["project"], S["application"] = created["id"], created["application"]
    shown = project()
    eq((shown["state"], shown["owner"], shown["name"]), ("pending", OWNER["uuid"],
                                                         "kamaki.example.org"), "project")
    eq(shown["pending_application"], S["application"], "pending application")


@flow.step("cli: project list (--with-name, --with-state)")
def _():
    listed = kamaki_json("owner", "project", "list")
    check(S["project"] in [p["id"] for p in listed], "not listed: %r", listed)
    named = kamaki_json("owner", "project", "list", "--with-name", "kamaki.example.org")
    eq([p["id"] for p in named], [S["project"]], "listed by name")
    eq(kamaki_json("owner", "project", "list", "--with-state", "active"), [], "none active yet")
    out = kamaki("owner", "project", "list", "--with-state", "active,suspended", fails=True)
    check("400" in out or "Unrecognized state" in out, "no 400: %r", out)


@flow.step("cli: application list, info; approve needs an admin")
def _():
    apps = kamaki_json("owner", "project", "application", "list", "--with-project-id", S["project"])
    eq([a["id"] for a in apps], [S["application"]], "applications of the project")
    app = kamaki_json("owner", "project", "application", "info", S["application"])
    eq((app["state"], app["project"]), ("pending", S["project"]), "application")
    out = kamaki("owner", "project", "application", "approve", S["application"], fails=True)
    check("403" in out or "permission" in out.lower(), "not forbidden: %r", out)


@flow.step("cli: application approve (admin)")
def _():
    kamaki("admin", "project", "application", "approve", S["application"], "looks good")
    eq(project()["state"], "active", "state after approval")
    eq(kamaki_json("member", "project", "info", S["project"])["state"], "active",
       "an active project is visible to all")


@flow.step("cli: application deny (admin), dismiss; cancel")
def _():
    denied = submitted(kamaki("owner", "project", "create", "--spec-file",
                              spec_file("denied.example.org"), "--output-format", "json"))
    kamaki("admin", "project", "application", "deny", denied["application"], "no")
    eq(kamaki_json("owner", "project", "info", denied["id"])["state"], "denied", "denied")
    kamaki("owner", "project", "application", "dismiss", denied["application"])
    eq(kamaki_json("owner", "project", "info", denied["id"])["state"], "dismissed", "dismissed")
    cancelled = submitted(kamaki("owner", "project", "create", "--spec-file",
                                 spec_file("cancelled.example.org"), "--output-format", "json"))
    kamaki("owner", "project", "application", "cancel", cancelled["application"])
    eq(kamaki_json("owner", "project", "application", "info", cancelled["application"])["state"],
       "cancelled", "cancelled")


@flow.step("cli: the member cannot boot a server (no quota of their own)")
def _():
    eq(vm_quota("member")["limit"], 0, "member's own vm limit")
    out = kamaki("member", "server", "create", "--name", "too-early", "--flavor-id",
                 flow.seed("flavor")["id"], "--image-id", flow.seed("image")["id"], fails=True)
    check("413" in out or "Limit" in out, "no 413: %r", out)


@flow.step("cli: membership join (moderated), list, info, reject, cancel")
def _():
    S["membership"] = membership_id(kamaki("member", "membership", "join", S["project"]))
    eq(membership()["state"], "requested", "after join")
    listed = kamaki_json("owner", "membership", "list", "--with-project-id", S["project"])
    eq([m["id"] for m in listed], [S["membership"]], "memberships of the project")
    eq(sorted(membership()["allowed_actions"]), ["accept", "reject"], "owner's allowed actions")
    kamaki("owner", "membership", "reject", S["membership"], "not yet")
    eq(membership()["state"], "rejected", "after reject")
    eq(membership_id(kamaki("member", "membership", "join", S["project"])), S["membership"],
       "the same membership again")
    kamaki("member", "membership", "cancel", S["membership"])
    eq(membership("member")["state"], "cancelled", "after cancel")
    eq(vm_quota("member")["limit"], 0, "no grant before acceptance")


@flow.step("cli: membership accept; quota list shows the grown limit; boot a server")
def _():
    membership_id(kamaki("member", "membership", "join", S["project"]))
    kamaki("owner", "membership", "accept", S["membership"])
    eq(membership("member")["state"], "accepted", "after accept")
    eq(vm_quota("member")["limit"], 2, "member's vm limit with the grant")
    created = kamaki_json("member", "server", "create", "--name", "granted", "--flavor-id",
                          flow.seed("flavor")["id"], "--image-id", flow.seed("image")["id"])
    S["server"] = created["id"]
    eq(vm_quota("member")["usage"], 1, "vm usage")


@flow.step("cli: membership remove (owner) drops the limit, the usage stays")
def _():
    kamaki("owner", "membership", "remove", S["membership"])
    eq(membership()["state"], "removed", "after remove")
    quota = vm_quota("member")
    eq((quota["limit"], quota["usage"]), (0, 1), "limit back to the base, usage kept")
    out = kamaki("member", "server", "create", "--name", "over", "--flavor-id",
                 flow.seed("flavor")["id"], "--image-id", flow.seed("image")["id"], fails=True)
    check("413" in out or "Limit" in out, "no 413: %r", out)


@flow.step("cli: join again, accept, membership leave (auto)")
def _():
    eq(membership_id(kamaki("member", "membership", "join", S["project"])), S["membership"],
       "the same membership")
    kamaki("owner", "membership", "accept", S["membership"])
    eq(vm_quota("member")["limit"], 2, "grant back")
    kamaki("member", "membership", "leave", S["membership"], "bye")
    eq(membership("member")["state"], "removed", "after leave")
    eq(vm_quota("member")["limit"], 0, "base limit after leaving")


@flow.step("cli: server delete (a release works above the limit)")
def _():
    kamaki("member", "server", "delete", S["server"], "--wait", "--no-progress-bar")
    eq(vm_quota("member")["usage"], 0, "vm usage after delete")


@flow.step("lib: enroll (kamaki 0.12.10's enroll command crashes before sending)")
def _():
    astakos = AstakosClient(cfg["auth_url"], OWNER["token"])
    enrolled = astakos.enroll_member(S["project"], MEMBER["email"])
    eq(enrolled["id"], S["membership"], "enrolled membership")
    eq(membership("member")["state"], "accepted", "after enroll")
    try:
        astakos.enroll_member(S["project"], MEMBER["email"])
    except AstakosClientException as err:
        eq(err.status, 409, "enrolling a member again")
    else:
        raise StepFailed("enrolling a member again succeeded")
    eq(vm_quota("member")["limit"], 2, "grant after enroll")


@flow.step("cli: project modify --spec-file, approve (the new grant applies)")
def _():
    modified = submitted(kamaki(
        "owner", "project", "modify", S["project"], "--spec-file",
        spec_file("kamaki.example.org", resources={
            "cyclades.vm": {"member_capacity": 3, "project_capacity": None}}),
        "--output-format", "json"))
    eq(modified["id"], S["project"], "same project")
    eq(project()["pending_application"], modified["application"], "pending modification")
    kamaki("admin", "project", "application", "approve", modified["application"])
    eq(project()["application"], modified["application"], "current application")
    eq(vm_quota("member")["limit"], 3, "member's limit with the new grant")


@flow.step("cli: project suspend, unsuspend, terminate, reinstate (admin)")
def _():
    out = kamaki("owner", "project", "suspend", S["project"], fails=True)
    check("403" in out or "permission" in out.lower(), "owner suspended: %r", out)
    for action, state, limit in (("suspend", "suspended", 0), ("unsuspend", "active", 3),
                                 ("terminate", "terminated", 0), ("reinstate", "active", 3)):
        kamaki("admin", "project", action, S["project"], "flow")
        eq(project()["state"], state, "state after %s" % action)
        eq(vm_quota("member")["limit"], limit, "member's limit after %s" % action)
    check(project().get("deactivation_date"), "no deactivation date")


flow.finish()
