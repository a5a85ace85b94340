"""Usage never exceeds a limit, however many commissions race, on both
databases (PostgreSQL: row locks on the holdings; SQLite: write
transactions BEGIN IMMEDIATE, so writers take turns)."""
import random

import webtest

from synnefo_pyr import errors
from synnefo_pyr.quotas import engine as quotas
from synnefo_pyr.db import session_scope

from tests import helpers
from tests.helpers import post_json

ROOT = "/account/v1.0"
RACERS = 24


def race(worker, count=RACERS):
    return helpers.race(worker, count)


def usage_of(registry, holder):
    with session_scope(registry) as db:
        return quotas.usage(db, holder)


def test_engine_charges_race_on_first_use(registry, db_kind, user):
    """Nobody holds anything yet: the holdings are created by the racers
    themselves, from the default limit (10 VMs)."""
    def charge(i):
        with session_scope(registry) as db:
            return quotas.charge(db, user.uuid, {"cyclades.vm": 1, "cyclades.cpu": 2})

    results = race(charge)
    won = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, errors.QuotaExceeded)]
    assert len(won) == 10 and len(refused) == RACERS - 10, results
    usage = usage_of(registry, user.uuid)
    assert usage["cyclades.vm"] == {"limit": 10, "usage": 10, "pending": 0}
    assert usage["cyclades.cpu"]["usage"] == 20


def test_engine_multi_holder_commissions_do_not_deadlock(registry, db_kind, user, other_user):
    """Each commission touches both users' holdings, listed in a random
    order; the engine locks them in one order, so all finish."""
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.vm", 7)
        quotas.set_limit(db, other_user.uuid, "cyclades.vm", 100)

    def issue(i):
        lines = [(user.uuid, "system", "cyclades.vm", 1), (other_user.uuid, "system", "cyclades.vm", 1),
                 (user.uuid, "system", "cyclades.ram", 1), (other_user.uuid, "system", "cyclades.cpu", 1)]
        random.shuffle(lines)
        with session_scope(registry) as db:
            return quotas.issue(db, "cyclades", lines).serial

    results = race(issue)
    won = [r for r in results if isinstance(r, int)]
    assert len(won) == 7, results
    assert all(isinstance(r, (int, errors.QuotaExceeded)) for r in results), results
    # A pending usage counts against the limit as well.
    assert usage_of(registry, user.uuid)["cyclades.vm"] == {"limit": 7, "usage": 7, "pending": 7}
    assert usage_of(registry, other_user.uuid)["cyclades.vm"]["usage"] == 7


def test_http_commissions_race(app, registry, db_kind, factory, user):
    token = {"X-Auth-Token": factory.component("cyclades")}
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.vm", 5)
        quotas.charge(db, user.uuid, {"cyclades.vm": 2})

    def post(i):
        # A client of its own per thread: separate requests, transactions, sessions.
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "cloud.example.org"})
        body = {"provisions": [{"holder": user.uuid, "source": "system",
                                "resource": "cyclades.vm", "quantity": 1}],
                "auto_accept": i % 2 == 0}
        return post_json(client, ROOT + "/commissions", body, headers=token).status_int

    results = race(post)
    assert sorted(set(results)) == [201, 413], results
    assert results.count(201) == 3
    assert usage_of(registry, user.uuid)["cyclades.vm"]["usage"] == 5


def test_releases_and_allocations_race(registry, db_kind, user):
    """Releasing while others allocate: the total always adds up and never
    goes past the limit."""
    with session_scope(registry) as db:
        quotas.set_limit(db, user.uuid, "cyclades.vm", 6)
        quotas.charge(db, user.uuid, {"cyclades.vm": 6})

    def work(i):
        with session_scope(registry) as db:
            return quotas.charge(db, user.uuid, {"cyclades.vm": -1 if i < 4 else 1})

    results = race(work)
    won = sum(1 for r in results[4:] if isinstance(r, int))
    assert all(isinstance(r, int) for r in results[:4]), results
    assert won <= 4
    usage = usage_of(registry, user.uuid)["cyclades.vm"]["usage"]
    assert usage == 6 - 4 + won and usage <= 6
