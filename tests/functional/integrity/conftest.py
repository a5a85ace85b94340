"""Fixtures of the integrity tests: CORE's compute fixtures and the books
to check afterwards (usage equals what exists); the race helper, which
releases real threads at once against the real application, is
``tests.helpers.race``."""
from collections import Counter

import pytest
import webtest
from sqlalchemy import select

from synnefo_pyr.compute.lifecycle import server_provisions
from synnefo_pyr.compute.models import Flavor, Server
from synnefo_pyr.db import session_scope
from synnefo_pyr.quotas import engine as quotas

from tests.functional.compute.conftest import *  # noqa: F401,F403 - flavor, image, create_server...

HOST = {"HTTP_HOST": "cloud.example.org"}




@pytest.fixture
def client(app):
    """A new WebTest client: one per thread, as separate HTTP clients."""
    return lambda: webtest.TestApp(app, extra_environ=HOST)


RESOURCES = tuple(server_provisions(Flavor(cpu=1, ram=1, disk=1)))


def usage_of(registry, holder):
    with session_scope(registry, write=False) as db:
        found = quotas.usage(db, holder)
        return {k: found[k]["usage"] for k in RESOURCES}


def expected_usage(registry, holder):
    """What the holder's servers that exist (not deleted) hold."""
    total = Counter()
    with session_scope(registry, write=False) as db:
        for server in db.scalars(select(Server).where(Server.user_uuid == holder,
                                                      Server.deleted.is_(False))):
            total.update(server_provisions(server.flavor))
    return {k: total.get(k, 0) for k in RESOURCES}


def assert_books_balance(registry, holder):
    usage = usage_of(registry, holder)
    assert usage == expected_usage(registry, holder)
    assert all(value >= 0 for value in usage.values()), usage
    return usage
