"""Who a token stands for, remembered for a few seconds.

Resolving ``X-Auth-Token`` is a hashed lookup that every request makes; this
bounded, in-process cache keeps what one lookup found (plain values, never
rows) for ``ttl`` seconds, keyed by the token's SHA-256 digest, so that a
busy client costs one lookup per ``ttl`` instead of one per request.

The price is a bound on revocation: a user deactivated, or a token whose
expiry an operator moved into the past, keeps working for at most ``ttl``
seconds in every process that had it cached (each process has its own
cache). A token's own expiry is checked on every use, cached or not. Unknown
tokens are cached too (as failures), so that guessing costs no database
work either; a token issued after a failed lookup of the same string is
impossible in practice (tokens are random). ``ttl`` 0 disables the cache.
"""
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class KnownUser:
    """What requests need of the user a token stands for."""

    id: int
    uuid: str
    email: str
    realname: str
    is_admin: bool
    #: ``((role id, role name), ...)``, as the identity API lists them.
    roles: tuple = ()


@dataclass(frozen=True)
class KnownComponent:
    name: str


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a token: a user's token (with its scope and
    expiry), a component's, or the 401 message of a failure."""

    user: KnownUser | None = None
    component: KnownComponent | None = None
    scope: str | None = None
    expires_at: object = None
    failure: str | None = None


class TokenCache:
    def __init__(self, ttl, max_entries=10000, clock=time.monotonic):
        self.ttl = float(ttl)
        self.max_entries = max_entries
        self.clock = clock
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest):
        if self.ttl <= 0:
            return None
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            stored_at, resolution = entry
            if self.clock() - stored_at >= self.ttl:
                del self._entries[digest]
                return None
            return resolution

    def put(self, digest, resolution):
        if self.ttl <= 0:
            return
        with self._lock:
            self._entries[digest] = (self.clock(), resolution)
            self._entries.move_to_end(digest)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


class TimedValue:
    """One value, computed again once it is ``ttl`` seconds old (the
    components of the service catalog: ``component-add`` shows within
    ``ttl`` in every process)."""

    def __init__(self, ttl, clock=time.monotonic):
        self.ttl = float(ttl)
        self.clock = clock
        self._value = None
        self._stored_at = None
        self._lock = threading.Lock()

    def get(self, compute):
        if self.ttl <= 0:
            return compute()
        with self._lock:
            if self._stored_at is not None and self.clock() - self._stored_at < self.ttl:
                return self._value
        value = compute()
        with self._lock:
            self._value, self._stored_at = value, self.clock()
        return value
