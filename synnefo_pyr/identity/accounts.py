"""Users, tokens and components: the identity rules, independent of HTTP."""
import functools
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from synnefo_pyr import errors

from synnefo_pyr.identity.crypto import check_password, hash_password, new_token, token_digest
from synnefo_pyr.identity.token_cache import KnownComponent, KnownUser, Resolution
from synnefo_pyr.identity.models import AuthToken, Component, Role, User
from synnefo_pyr.orm import utcnow

DEFAULT_ROLE = "default"
ADMIN_ROLE = "admin"


@dataclass(frozen=True)
class TokenLookup:
    token: AuthToken | None = None
    component: Component | None = None
    #: Why the token does not authenticate (the 401 message), if it doesn't.
    failure: str | None = None


def _token_by_clear(dbsession, clear):
    return dbsession.scalar(select(AuthToken).where(AuthToken.digest == token_digest(clear)))


def resolve_token(dbsession, clear):
    """What an ``X-Auth-Token`` stands for (B5, B11)."""
    if not clear:
        return TokenLookup(failure="Invalid token")
    token = _token_by_clear(dbsession, clear)
    if token is None:
        component = dbsession.scalar(
            select(Component).where(Component.token_digest == token_digest(clear))
        )
        if component is not None:
            return TokenLookup(component=component)
        return TokenLookup(failure="Invalid token")
    if token.expires_at <= utcnow():
        return TokenLookup(failure="Authentication expired")
    if not token.user.is_active:
        return TokenLookup(failure="User inactive")
    return TokenLookup(token=token)


def identify(sessions, clear, cache):
    """Who the ``X-Auth-Token`` ``clear`` stands for, as a ``Resolution``
    of plain values: from ``cache`` when it knows the token (see
    ``token_cache`` for the bound that puts on revocation), else looked up
    in ``sessions()`` (called only then: a cached token needs no database
    session) and remembered. The token's expiry is checked on every use."""
    if not clear:
        return Resolution(failure="Invalid token")
    digest = token_digest(clear)
    found = cache.get(digest)
    if found is None:
        found = _resolution(resolve_token(sessions(), clear))
        cache.put(digest, found)
    if found.expires_at is not None and found.expires_at <= utcnow():
        return Resolution(failure="Authentication expired")
    return found


def _resolution(lookup):
    if lookup.failure:
        return Resolution(failure=lookup.failure)
    if lookup.component is not None:
        return Resolution(component=KnownComponent(lookup.component.name))
    return resolution_of(lookup.token)


def resolution_of(token):
    """A user's token row as plain values."""
    user = token.user
    return Resolution(
        user=KnownUser(id=user.id, uuid=user.uuid, email=user.email, realname=user.realname,
                       is_admin=user.is_admin, roles=tuple((r.id, r.name) for r in user.roles)),
        scope=token.scope, expires_at=token.expires_at,
    )


def in_scope(scope, path):
    """Whether ``path`` is an access token's ``scope`` or lies under it,
    whole path segment by segment: a token scoped to ``/servers/1``
    reaches ``/servers/1/ips`` but not ``/servers/10``. ``None`` (an
    authentication token) reaches everything."""
    if scope is None:
        return True
    base = scope.rstrip("/")
    return path == base or path.startswith(base + "/")


def find_access_token(dbsession, clear):
    """A live scoped access token, or ``None`` (B13)."""
    token = _token_by_clear(dbsession, clear) if clear else None
    if token is None or not token.is_access_token or token.expires_at <= utcnow():
        return None
    if not token.user.is_active:
        return None
    return token


def authenticate(sessions, token, cache, username=None, tenant=None, token_ttl=3600):
    """Log in (identity guide, Authenticate; behaviours.md B4-B12):
    ``token`` alone, or ``username`` (a uuid or an email) with ``token``
    being the user's token or, beyond the guide, the account password,
    which issues a fresh token of ``token_ttl`` seconds. Tokens resolve as
    any request's do (``identify``, through ``cache``); ``sessions()`` is
    called only when the database is needed. Returns ``(clear token,
    Resolution)``; raises ``Unauthenticated`` with the 401's message."""
    found = identify(sessions, token, cache)
    # Access tokens and components' tokens are not for logging in (B12).
    if found.scope is not None or found.component is not None:
        found = Resolution(failure="Invalid token")
    if username is None:
        if found.user is None:
            raise errors.Unauthenticated(found.failure or "Invalid token")
    elif found.user is not None:
        # A valid token, but another user's (B6).
        if found.user.uuid != username:
            raise errors.Unauthenticated("Invalid credentials")
    elif found.failure not in (None, "Invalid token"):
        # The user's token is known but expired, or the user inactive.
        raise errors.Unauthenticated(found.failure)
    else:
        dbsession = sessions()
        user = user_with_password(dbsession, username, token)
        # An empty or unknown password is an unknown token (B5).
        if user is None:
            raise errors.Unauthenticated("Invalid token")
        if not user.is_active:
            raise errors.Unauthenticated("User inactive")
        token, row = issue_token(dbsession, user, token_ttl)
        found = resolution_of(row)
    if tenant and tenant != found.user.uuid:
        raise errors.Invalid("Not conforming tenantName")
    return token, found


def issue_token(dbsession, user, ttl_seconds, scope=None):
    """A new token for ``user``; returns ``(clear_token, row)``. The clear
    token exists only in this return value."""
    clear = new_token()
    token = AuthToken(
        digest=token_digest(clear),
        user=user,
        scope=scope,
        expires_at=utcnow() + timedelta(seconds=ttl_seconds),
    )
    dbsession.add(token)
    dbsession.flush()
    return clear, token


def role(dbsession, name):
    existing = dbsession.scalar(select(Role).where(Role.name == name))
    if existing is None:
        existing = Role(name=name)
        dbsession.add(existing)
        dbsession.flush()
    return existing


def set_admin(dbsession, user, admin):
    user.is_admin = admin
    admin_role = role(dbsession, ADMIN_ROLE)
    if admin and admin_role not in user.roles:
        user.roles.append(admin_role)
    if not admin and admin_role in user.roles:
        user.roles.remove(admin_role)


def create_user(dbsession, email, first_name="", last_name="", password=None, admin=False):
    user = User(
        email=email.strip(),
        first_name=first_name,
        last_name=last_name,
        password_hash=hash_password(password) if password else None,
        is_active=True,
    )
    user.roles.append(role(dbsession, DEFAULT_ROLE))
    dbsession.add(user)
    set_admin(dbsession, user, admin)
    dbsession.flush()
    return user


def find_user(dbsession, uuid_or_email):
    """A user by uuid, or by email (case-insensitive)."""
    user = dbsession.scalar(select(User).where(User.uuid == uuid_or_email))
    if user is None:
        user = dbsession.scalar(
            select(User).where(func.lower(User.email) == uuid_or_email.lower())
        )
    return user


#: What an unknown user's (or a user without a password's) password is
#: checked against, so that both cost one PBKDF2 like a known user's:
#: the answer's timing does not tell who has an account.
@functools.cache
def _nobody_hash():
    return hash_password(new_token())


def user_with_password(dbsession, username, password):
    user = find_user(dbsession, username)
    known = user is not None and user.password_hash is not None
    matches = check_password(password or "-", user.password_hash if known else _nobody_hash())
    return user if matches and known and password else None


def create_component(dbsession, name, base_url, ui_url=None):
    clear = new_token()
    component = Component(name=name, base_url=base_url, ui_url=ui_url, token_digest=token_digest(clear))
    dbsession.add(component)
    dbsession.flush()
    return component, clear


def list_components(dbsession):
    return list(dbsession.scalars(select(Component).order_by(Component.id)))


def uuid_catalog(dbsession, uuids):
    """``{uuid: username}`` for the known uuids; ``None`` means all users."""
    query = select(User.uuid, User.email)
    if uuids is not None:
        if not uuids:
            return {}
        query = query.where(User.uuid.in_(uuids))
    return {uuid: email for uuid, email in dbsession.execute(query)}


def displayname_catalog(dbsession, names):
    """``{name as sent: uuid}``, matching names case-insensitively (C4)."""
    if names is None:
        return {email: uuid for uuid, email in dbsession.execute(select(User.uuid, User.email))}
    if not names:
        return {}
    wanted = {name.lower(): name for name in names}
    rows = dbsession.execute(
        select(User.uuid, User.email).where(func.lower(User.email).in_(list(wanted)))
    )
    return {wanted[email.lower()]: uuid for uuid, email in rows}
