"""The token cache: a process remembers who a token stands for for
``synnefo_pyr.identity.token_cache_seconds``, and no longer; what it
remembers never outlives the token's own expiry. Each application below
stands for one process (each has its own cache)."""
import time

import pytest
import webtest

from synnefo_pyr.identity.token_cache import Resolution, TokenCache

from tests.helpers import assert_fault

FLAVORS = "/compute/v2.0/flavors"
TTL = 0.6


@pytest.fixture
def process(make_app):
    def start():
        app = make_app(**{"synnefo_pyr.identity.token_cache_seconds": str(TTL)})
        return webtest.TestApp(app, extra_environ={"HTTP_HOST": "cloud.example.org"})
    return start


def test_a_deactivated_user_stops_working_within_the_bound_in_every_process(process, user, factory):
    first, second = process(), process()
    for client in (first, second):
        client.get(FLAVORS, headers=user.headers, status=200)
    factory.set_active(user, False)
    deadline = time.monotonic() + TTL
    # Until the bound, a process may still answer from what it remembers...
    while time.monotonic() < deadline - 0.2:
        first.get(FLAVORS, headers=user.headers, status=(200, 401))
    time.sleep(max(0.0, deadline - time.monotonic()) + 0.05)
    # ... after it, every process refuses the token.
    for client in (first, second):
        assert_fault(client.get(FLAVORS, headers=user.headers, status=401), "unauthorized", 401,
                     "User inactive")


def test_a_cached_token_still_expires_on_time(process, user, factory):
    client = process()
    client.get(FLAVORS, headers=user.headers, status=200)
    factory.expire_tokens(user)
    # Re-dating the row is an operator's revocation: it waits for the bound.
    time.sleep(TTL + 0.05)
    assert_fault(client.get(FLAVORS, headers=user.headers, status=401), "unauthorized", 401,
                 "Authentication expired")


def test_the_cache_serves_without_a_lookup(process, user, registry, monkeypatch):
    from synnefo_pyr.identity import accounts

    client = process()
    client.get(FLAVORS, headers=user.headers, status=200)
    calls = []
    original = accounts.resolve_token
    monkeypatch.setattr(accounts, "resolve_token", lambda *a: calls.append(a) or original(*a))
    for _ in range(5):
        client.get(FLAVORS, headers=user.headers, status=200)
    assert calls == []
    assert_fault(client.get(FLAVORS, headers={"X-Auth-Token": "bogus"}, status=401), "unauthorized",
                 401, "Invalid token")
    client.get(FLAVORS, headers={"X-Auth-Token": "bogus"}, status=401)
    assert len(calls) == 1  # the failure is remembered too


def test_the_cache_is_bounded_and_forgets_after_its_ttl():
    now = [0.0]
    cache = TokenCache(ttl=10, max_entries=2, clock=lambda: now[0])
    for digest in ("a", "b", "c"):
        cache.put(digest, Resolution(failure=digest))
    assert cache.get("a") is None and cache.get("c").failure == "c"
    now[0] = 10.0
    assert cache.get("b") is None and cache.get("c") is None
    assert TokenCache(ttl=0).get("x") is None
