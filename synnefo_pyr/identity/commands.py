"""Users, components and tokens."""
from datetime import timedelta

from sqlalchemy import select

from synnefo_pyr.identity import accounts
from synnefo_pyr.identity.crypto import hash_password
from synnefo_pyr.identity.models import Component, User
from synnefo_pyr.orm import utcnow
from synnefo_pyr.serialization import isoformat
from synnefo_pyr import errors
from synnefo_pyr.scripts.options import add_switch


def user_dict(user):
    return {
        "uuid": user.uuid,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": user.is_active,
        "is_admin": user.is_admin,
        "roles": [role.name for role in user.roles],
        "created": isoformat(user.created_at),
    }


#: The longest lifetime a token can be given by hand (a year, in seconds).
MAX_TOKEN_TTL = 365 * 24 * 3600


def _lifetime(seconds, option, past=False):
    """A token lifetime given on the command line: 1 second to a year
    (``past``: re-dating existing tokens, where zero or less expires them
    now, as far back as a year)."""
    low = -MAX_TOKEN_TTL if past else 1
    if not low <= seconds <= MAX_TOKEN_TTL:
        raise errors.Invalid(f"{option} must be between {low} and {MAX_TOKEN_TTL} seconds, not {seconds}")
    return seconds


def _scope(scope):
    """An access token's scope: an absolute path naming something below the
    root (``/compute/v2.0/servers/1``). Empty, blank or root scopes
    (``""``, ``/``, ``//``) would reach everything, as an authentication
    token does, and are refused."""
    scope = scope.strip()
    if not scope.startswith("/") or not scope.strip("/"):
        raise errors.Invalid(f"--scope must be a path below the root, such as /compute/v2.0/servers/1,"
                             f" not {scope!r}")
    if any(segment in (".", "..") for segment in scope.split("/")):
        raise errors.Invalid(f"--scope must not hold '.' or '..' segments: {scope!r}")
    return scope


def _get_user(ctx, uuid):
    user = accounts.find_user(ctx.dbsession, uuid)
    if user is None:
        raise errors.Invalid(f"No user {uuid!r}")
    return user


def user_add(args, ctx):
    if accounts.find_user(ctx.dbsession, args.email) is not None:
        raise errors.Invalid(f"A user with email {args.email!r} exists")
    user = accounts.create_user(
        ctx.dbsession, args.email, args.first_name, args.last_name,
        password=args.password, admin=args.admin,
    )
    clear, token = accounts.issue_token(ctx.dbsession, user, ctx.registry.identity_settings.token_ttl)
    return dict(user_dict(user), token=clear, token_expires=isoformat(token.expires_at))


def user_list(args, ctx):
    return [user_dict(u) for u in ctx.dbsession.scalars(select(User).order_by(User.id))]


def user_show(args, ctx):
    return user_dict(_get_user(ctx, args.uuid))


def user_modify(args, ctx):
    user = _get_user(ctx, args.uuid)
    result = {}
    if args.activate:
        user.is_active = True
    if args.deactivate:
        user.is_active = False
    if args.admin is not None:
        accounts.set_admin(ctx.dbsession, user, args.admin)
    if args.password:
        user.password_hash = hash_password(args.password)
    if args.renew_token or args.token_expires_in is not None:
        ttl = ctx.registry.identity_settings.token_ttl
        if args.token_expires_in is not None:
            ttl = _lifetime(args.token_expires_in, "--token-expires-in", past=not args.renew_token)
        if args.renew_token:
            clear, token = accounts.issue_token(ctx.dbsession, user, ttl)
            result.update(token=clear, token_expires=isoformat(token.expires_at))
        else:
            # Re-date the user's live authentication tokens.
            expires = utcnow() + timedelta(seconds=ttl)
            for token in user.tokens:
                if token.scope is None:
                    token.expires_at = expires
            result["token_expires"] = isoformat(expires)
    ctx.dbsession.flush()
    return dict(user_dict(user), **result)


def component_dict(component):
    return {"name": component.name, "base_url": component.base_url, "ui_url": component.ui_url}


def component_add(args, ctx):
    exists = ctx.dbsession.scalar(select(Component).where(Component.name == args.name))
    if exists is not None:
        raise errors.Invalid(f"Component {args.name!r} exists")
    component, clear = accounts.create_component(ctx.dbsession, args.name, args.base_url, args.ui_url)
    return dict(component_dict(component), token=clear)


def component_list(args, ctx):
    return [component_dict(c) for c in ctx.dbsession.scalars(select(Component).order_by(Component.id))]


def token_create(args, ctx):
    scope, ttl = _scope(args.scope), _lifetime(args.expires_in, "--expires-in")
    user = _get_user(ctx, args.user)
    clear, token = accounts.issue_token(ctx.dbsession, user, ttl, scope=scope)
    return {"token": clear, "user": user.uuid, "scope": token.scope, "expires": isoformat(token.expires_at)}


#: What ``--admin`` grants, in the help of user-add and user-modify.
ADMIN_HELP = ("Give the user the 'admin' role, listed among its roles in the identity API's "
              "answers; it grants no other right in this deployment.")


def register(add):
    p = add("user-add", user_add,
            "Create a user and issue its authentication token (printed only this once).")
    p.add_argument("--email", required=True, help="The user's email, also their login name.")
    p.add_argument("--first-name", required=True, help="The user's first name.")
    p.add_argument("--last-name", required=True, help="The user's last name.")
    p.add_argument("--password", help="An account password to log in with (stored salted and hashed).")
    p.add_argument("--admin", action="store_true", help=ADMIN_HELP)

    add("user-list", user_list, "List the users.")

    p = add("user-show", user_show, "Show a user.")
    p.add_argument("uuid", help="The user's uuid or email.")

    p = add("user-modify", user_modify, "Change a user.")
    p.add_argument("uuid", help="The user's uuid or email.")
    p.add_argument("--renew-token", action="store_true",
                   help="Issue a new authentication token and print it; older ones stay valid.")
    state = p.add_mutually_exclusive_group()
    state.add_argument("--activate", action="store_true", help="Let the user log in again.")
    state.add_argument("--deactivate", action="store_true",
                       help="Refuse the user's tokens and password (401 User inactive).")
    add_switch(p, "admin", ADMIN_HELP, "Take the admin role away.", off="--no-admin")
    p.add_argument("--password", help="Set the account password.")
    p.add_argument("--token-expires-in", type=int, metavar="SECONDS",
                   help="Make the token issued by --renew-token (or, without it, the user's live "
                        "authentication tokens) expire this many seconds from now.")

    p = add("component-add", component_add,
            "Register a service component and issue its token (printed only this once).")
    p.add_argument("name", help="The component's name, also its catalog name and type.")
    p.add_argument("--base-url", required=True, help="The component's public URL, for the catalog.")
    p.add_argument("--ui-url", help="The component's web UI, for the catalog (default: ours).")

    add("component-list", component_list, "List the service components.")

    p = add("token-create", token_create,
            "Issue a scoped access token: it reaches only the URLs under its scope.")
    p.add_argument("--user", required=True, help="The user's uuid or email.")
    p.add_argument("--scope", required=True,
                   help="A URL path such as /compute/v2.0/servers/1 (matched segment by segment).")
    p.add_argument("--expires-in", type=int, default=3600, metavar="SECONDS",
                   help="The token's lifetime in seconds (default 3600).")
