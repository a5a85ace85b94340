"""Who is calling: ``X-Auth-Token`` -> identity -> principals -> ACL.

A user token yields ``user:<uuid>`` and ``system.Authenticated``, plus what
the packages add (``config.add_user_principals(function)``: projects give
their administrators ``group:project-admins``); a component token yields
``service:<name>`` and ``service:*``. Whether a principal may do something
is answered only by the ``__acl__`` of the context (``ACLHelper``), with one
rule on top: an access token carries a scope, a path prefix, and reaches
nothing outside it (``accounts.in_scope``, the one scope matcher).
"""
from dataclasses import dataclass, field

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.request import RequestLocalCache
from pyramid.security import Denied

from synnefo_pyr.identity import accounts
from synnefo_pyr.identity.accounts import in_scope
from synnefo_pyr.permissions import ANY_SERVICE

_FAILURE_KEY = "synnefo.auth_failure"


@dataclass(frozen=True)
class Identity:
    """The caller: a user (``identity.token_cache.KnownUser``, with the
    scope of an access token) or a service component, and its principals."""

    user: object = None
    component: object = None
    scope: str | None = None
    principals: tuple = field(default=())

    @property
    def is_service(self):
        return self.component is not None


def token_from_request(request):
    """The token from the query string first, then the header (A6)."""
    token = request.GET.get("X-Auth-Token")
    if token is None:
        token = request.headers.get("X-Auth-Token")
    return token


def auth_failure(request):
    """Why the request has no identity: the message of the 401 to send."""
    return request.environ.get(_FAILURE_KEY) or "Access denied. No authentication token"


class TokenSecurityPolicy:
    def __init__(self):
        self._cache = RequestLocalCache(self._load_identity)
        self._acl = ACLHelper()

    def _load_identity(self, request):
        clear = token_from_request(request)
        if clear is None:
            return None
        result = accounts.identify(lambda: request.dbsession, clear, request.registry.token_cache)
        if result.failure:
            request.environ[_FAILURE_KEY] = result.failure
            return None
        if result.component is not None:
            principals = (Everyone, f"service:{result.component.name}", ANY_SERVICE)
            return Identity(component=result.component, principals=principals)
        user = result.user
        principals = (Everyone, Authenticated, f"user:{user.uuid}") + tuple(
            principal for function in request.registry.user_principals
            for principal in function(request, user)
        )
        return Identity(user=user, scope=result.scope, principals=principals)

    def identity(self, request):
        return self._cache.get_or_create(request)

    def authenticated_userid(self, request):
        identity = self.identity(request)
        if identity is None or identity.user is None:
            return None
        return identity.user.uuid

    def effective_principals(self, request):
        identity = self.identity(request)
        return list(identity.principals) if identity else [Everyone]

    def permits(self, request, context, permission):
        identity = self.identity(request)
        if identity is not None and not in_scope(identity.scope, request.path_info):
            return Denied("The token's scope does not cover %s", request.path_info)
        return self._acl.permits(context, self.effective_principals(request), permission)

    def remember(self, request, userid, **kw):
        return []

    def forget(self, request, **kw):
        return []


def add_user_principals(config, function):
    """``function(request, user)`` returns more principals of a user."""
    config.registry.user_principals.append(function)


def includeme(config):
    config.registry.user_principals = []
    config.add_directive("add_user_principals", add_user_principals)
    config.set_security_policy(TokenSecurityPolicy())
