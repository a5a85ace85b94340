"""The security policy: tokens -> principals -> ACL, and scopes."""
import pytest
from pyramid.authorization import ALL_PERMISSIONS, Allow, Authenticated, Everyone
from pyramid.testing import DummyRequest

from synnefo_pyr.db import session_scope
from synnefo_pyr.identity.accounts import in_scope
from synnefo_pyr.permissions import ANY_SERVICE, PROJECT_ADMINS
from synnefo_pyr.security import TokenSecurityPolicy, auth_failure


class Context:
    def __init__(self, acl):
        self.__acl__ = acl


@pytest.fixture
def policy_request(registry):
    """A request whose dbsession is a committed-scope session."""
    sessions = []

    def make(token=None, path="/compute/v2.0/servers", query_token=None):
        manager = session_scope(registry, write=False)
        db = manager.__enter__()
        sessions.append(manager)
        headers = {"X-Auth-Token": token} if token is not None else {}
        params = {"X-Auth-Token": query_token} if query_token is not None else {}
        request = DummyRequest(headers=headers, params=params, path=path)
        request.registry = registry
        request.dbsession = db
        request.environ["PATH_INFO"] = path
        return request

    yield make
    for manager in sessions:
        manager.__exit__(None, None, None)


def test_user_principals_are_the_user_and_authenticated(policy_request, factory):
    plain = factory.user(email="plain@example.org")
    request = policy_request(plain.token)
    policy = TokenSecurityPolicy()
    principals = policy.effective_principals(request)
    assert set(principals) == {Everyone, Authenticated, f"user:{plain.uuid}"}
    assert policy.authenticated_userid(request) == plain.uuid


def test_admins_are_also_project_administrators(policy_request, factory):
    admin = factory.user(email="root@example.org", admin=True)
    principals = TokenSecurityPolicy().effective_principals(policy_request(admin.token))
    assert set(principals) == {Everyone, Authenticated, f"user:{admin.uuid}", PROJECT_ADMINS}


def test_service_principals(policy_request, factory):
    token = factory.component("cyclades")
    request = policy_request(token)
    principals = TokenSecurityPolicy().effective_principals(request)
    assert set(principals) == {Everyone, "service:cyclades", ANY_SERVICE}
    assert Authenticated not in principals


def test_no_token_and_bad_tokens(policy_request, factory, user):
    policy = TokenSecurityPolicy()
    request = policy_request()
    assert policy.identity(request) is None
    assert auth_failure(request) == "Access denied. No authentication token"
    request = policy_request("bogus")
    assert policy.identity(request) is None
    assert auth_failure(request) == "Invalid token"
    factory.set_active(user, False)
    request = policy_request(user.token)
    assert policy.identity(request) is None
    assert auth_failure(request) == "User inactive"


def test_acl_decides(policy_request, factory, user, other_user):
    policy = TokenSecurityPolicy()
    owned = Context([(Allow, f"user:{user.uuid}", ALL_PERMISSIONS)])
    assert policy.permits(policy_request(user.token), owned, "compute:read")
    assert not policy.permits(policy_request(other_user.token), owned, "compute:read")
    assert not policy.permits(policy_request(), owned, "compute:read")


def test_scope_limits_the_acl(policy_request, factory, user):
    policy = TokenSecurityPolicy()
    scoped = factory.token(user, scope="/compute/v2.0/servers/1")
    owned = Context([(Allow, f"user:{user.uuid}", ALL_PERMISSIONS)])
    assert policy.permits(policy_request(scoped, path="/compute/v2.0/servers/1"), owned, "x")
    assert policy.permits(policy_request(scoped, path="/compute/v2.0/servers/1/metadata"), owned, "x")
    for path in ("/compute/v2.0/servers/2", "/compute/v2.0/servers/10"):
        assert not policy.permits(policy_request(scoped, path=path), owned, "x")


def test_query_parameter_token_first(policy_request, user, other_user):
    request = policy_request(token=other_user.token, query_token=user.token)
    assert TokenSecurityPolicy().authenticated_userid(request) == user.uuid


def test_in_scope():
    assert in_scope(None, "/anything")
    assert in_scope("/a/b", "/a/b/c")
    assert in_scope("/a/b", "/a/b")
    assert in_scope("/a/b/", "/a/b")
    assert in_scope("/", "/anything")
    assert not in_scope("/a/b", "/a")
    # Segment by segment, not a string prefix.
    assert not in_scope("/servers/1", "/servers/10")
    assert not in_scope("/a/b", "/a/bc/d")


def test_an_item_grants_only_its_owner(policy_request, user, other_user):
    """Root grants every user compute permissions; an Item must not inherit them."""
    from synnefo_pyr.resources import Container, Item

    container = Container(policy_request(user.token))
    item = Item(container, "1", object(), owner=f"user:{user.uuid}")
    policy = TokenSecurityPolicy()
    assert policy.permits(policy_request(user.token), item, "compute:write")
    assert not policy.permits(policy_request(other_user.token), item, "compute:write")
    assert policy.permits(policy_request(other_user.token), container, "compute:write")
