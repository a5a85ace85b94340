"""Joins, leaves and commissions racing on the same members (PostgreSQL:
row locks on the project, then the holdings in the engine's order). At
the end every member's limit is the base plus the grants of the projects
they are in, and every usage is exactly what the committed commissions
added up to; nothing deadlocks or fails but with a domain refusal."""
import random
import threading
import time

import pytest

from synnefo_pyr import errors
from synnefo_pyr.db import session_scope
from synnefo_pyr.projects import memberships
from synnefo_pyr.projects.permissions import Actor
from synnefo_pyr.quotas import engine as quotas
from synnefo_pyr.quotas import limits

from tests.functional.projects.conftest import RESOURCE

pytestmark = pytest.mark.postgresql_only

BASE = 20
GRANTS = {"one.pr": 10, "two.pr": 20}
THREADS, STEPS = 12, 12


def run(threads):
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)


@pytest.fixture
def slow_grant_reads(monkeypatch):
    """Reading the grants takes a while: a concurrent change of the same
    member's grants then lands between the read and the holdings' locks."""
    for key, source in list(limits._GRANT_SOURCES.items()):
        def slow(dbsession, holders, source=source):
            found = source(dbsession, holders)
            time.sleep(0.03)
            return found

        monkeypatch.setitem(limits._GRANT_SOURCES, key, slow)


def test_joins_leaves_and_commissions_race(api, registry, db_kind, factory, user, admin, resource,
                                           slow_grant_reads):
    projects = {}
    for name, amount in GRANTS.items():
        project_id, _ = api.active_project(user, admin, name=name, max_members=100,
                                           resources={RESOURCE: {"member_capacity": amount}})
        projects[project_id] = amount
    # Few members and many membership changes: the same member's grants
    # change in both projects at once, while commissions hit the holdings.
    members = [factory.user(email=f"member{i}@example.org") for i in range(2)]
    with session_scope(registry) as db:
        for member in members:
            quotas.set_limit(db, member.uuid, RESOURCE, BASE)
    committed = {member.uuid: 0 for member in members}
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)
    failures = []

    def step(rng):
        member = rng.choice(members)
        actor = Actor(member.id, member.uuid)
        project_id = rng.choice(list(projects))
        kind = rng.choice(("join", "join", "leave", "leave", "charge", "charge", "release"))
        with session_scope(registry) as db:
            if kind == "join":
                memberships.join(db, actor, project_id)
            elif kind == "leave":
                found = memberships.list_memberships(db, actor, project_id)
                if not found:
                    return
                memberships.act(db, actor, found[0].membership.id, "leave")
            else:
                quantity = 3 if kind == "charge" else -2
                quotas.charge(db, member.uuid, {RESOURCE: quantity})
        if kind in ("charge", "release"):
            with lock:
                committed[member.uuid] += quantity

    def work(i):
        rng = random.Random(i)
        barrier.wait()
        for _ in range(STEPS):
            try:
                step(rng)
            except (errors.Conflict, errors.QuotaExceeded):
                pass  # refusals: already a member, not one, over the limit, below zero
            except Exception as exc:  # noqa: BLE001 - a deadlock or a database error
                failures.append(exc)

    def toggle(member, project_id, start):
        """Join the project, or leave it: the last changes all race."""
        actor = Actor(member.id, member.uuid)
        start.wait()
        try:
            with session_scope(registry) as db:
                found = memberships.list_memberships(db, actor, project_id)
                if found and found[0].membership.state == "accepted":
                    memberships.act(db, actor, found[0].membership.id, "leave")
                else:
                    memberships.join(db, actor, project_id)
        except Exception as exc:  # noqa: BLE001
            failures.append(exc)

    def check():
        assert failures == []
        with session_scope(registry) as db:
            for member in members:
                actor = Actor(member.id, member.uuid)
                granted = sum(projects[d.membership.project_id]
                              for d in memberships.list_memberships(db, actor)
                              if d.membership.state == "accepted")
                holding = quotas.usage(db, member.uuid)[RESOURCE]
                assert holding["limit"] == BASE + granted, member.email
                assert holding["usage"] == committed[member.uuid], member.email
                assert holding["pending"] == 0

    run([threading.Thread(target=work, args=(i,)) for i in range(THREADS)])
    check()
    # Then, three times, each member's grants change in both projects at once.
    for _ in range(3):
        start = threading.Barrier(len(members) * len(projects))
        run([threading.Thread(target=toggle, args=(member, project_id, start))
             for member in members for project_id in projects])
        check()


def test_two_approvals_of_one_name_race(api, registry, db_kind, user, admin):
    """P28: of two projects approved at once under one name, exactly one
    becomes active; the other is the name clash's 409 (the unique live
    name decides, whoever passed the first check)."""
    from synnefo_pyr.projects import applications
    from synnefo_pyr.projects.permissions import OPERATOR

    apps = [api.create(user, name="same.name")["application"] for _ in range(4)]
    barrier = threading.Barrier(len(apps))
    results = [None] * len(apps)

    def approve(i):
        barrier.wait()
        try:
            with session_scope(registry) as db:
                applications.act(db, OPERATOR, apps[i], "approve")
            results[i] = "approved"
        except Exception as exc:  # noqa: BLE001
            results[i] = exc

    run([threading.Thread(target=approve, args=(i,)) for i in range(len(apps))])
    assert results.count("approved") == 1, results
    refused = [r for r in results if r != "approved"]
    assert all(isinstance(r, errors.Conflict) and "same.name" in r.message for r in refused), refused
    assert [p["state"] for p in api.get("/projects", admin).json].count("active") == 1
