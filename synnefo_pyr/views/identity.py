"""Identity API (``/identity/v2.0``): authenticate and validate tokens."""
from .. import accounts, faults
from ..catalog import service_catalog
from ..permissions import Permission as P
from ..resources.identity import AccessTokens
from ..schemas.identity import AuthenticateRequest
from ..schemas.validators import parse_json_body
from ..serialization import isoformat
from ..service import SynnefoService

# The API root without a trailing slash is a route of its own (see includeme).
version = SynnefoService(name="identity.version", pyramid_route="identity.version")
version_slash = SynnefoService(name="identity.version_slash", path="/")
tokens = SynnefoService(name="identity.tokens", path="/tokens")
# The guide writes the URI with a trailing slash; accept both (preface 3).
tokens_slash = SynnefoService(name="identity.tokens_slash", path="/tokens/")
token = SynnefoService(
    name="identity.token", path="/tokens/{token_id}", factory=AccessTokens, traverse="/{token_id}"
)


def token_dict(clear_token, row):
    user = row.user
    return {
        "id": clear_token,
        "expires": isoformat(row.expires_at),
        "tenant": {"id": user.uuid, "name": user.realname},
    }


def user_dict(user):
    return {
        "id": user.uuid,
        "name": user.realname,
        "roles": [{"id": str(role.id), "name": role.name} for role in user.roles],
        "roles_links": [],
    }


@version.get(permission=P.TOKEN_VALIDATE)
@version_slash.get(permission=P.TOKEN_VALIDATE)
def get_version(request):
    """The Keystone v2.0 version document that OpenStack clients discover."""
    return {"version": {
        "id": "v2.0",
        "status": "stable",
        "updated": "2014-04-17T00:00:00Z",
        "media-types": [{"base": "application/json",
                         "type": "application/vnd.openstack.identity-v2.0+json"}],
        "links": [{"rel": "self", "href": request.registry.synnefo.url(request, "identity", "/")}],
    }}


@tokens.post(permission=P.TOKEN_VALIDATE)
@tokens_slash.post(permission=P.TOKEN_VALIDATE)
def authenticate(request):
    if not request.content_length:
        # Public mode: no authentication, only the catalog (B1).
        return {"access": {"serviceCatalog": service_catalog(request)}}
    auth = AuthenticateRequest.from_body(parse_json_body(request))
    clear, row = _authenticated_token(request, auth)
    user = row.user
    if auth.tenant_name and auth.tenant_name != user.uuid:
        raise faults.BadRequest("Not conforming tenantName")
    return {"access": {
        "token": token_dict(clear, row),
        "serviceCatalog": service_catalog(request),
        "user": user_dict(user),
    }}


def _authenticated_token(request, auth):
    """``(clear token, token row)`` that the credentials stand for (B5-B12)."""
    dbsession = request.dbsession
    found = accounts.resolve_token(dbsession, auth.token)
    # Access tokens are not for logging in (B12).
    if found.token is not None and found.token.is_access_token:
        found = accounts.TokenLookup(failure="Invalid token")
    if auth.username is None:
        if found.failure or found.token is None:
            raise faults.Unauthorized(found.failure or "Invalid token")
        return auth.token, found.token
    if found.token is not None:
        if found.token.user.uuid != auth.username:
            raise faults.Unauthorized("Invalid credentials")
        return auth.token, found.token
    if found.failure not in (None, "Invalid token"):
        # The user's token is known but expired, or the user inactive.
        raise faults.Unauthorized(found.failure)
    # Beyond the guide: the account's own password issues a fresh token.
    user = accounts.user_with_password(dbsession, auth.username, auth.token)
    if user is None:
        raise faults.Unauthorized("Invalid credentials")
    if not user.is_active:
        raise faults.Unauthorized("User inactive")
    return accounts.issue_token(dbsession, user, request.registry.synnefo.token_ttl)


@token.get(permission=P.TOKEN_VALIDATE)
def validate(request):
    """Validate a scoped access token, optionally against ``belongsTo`` (B13, B15)."""
    row = request.context.token
    belongs_to = request.GET.get("belongsTo")
    if belongs_to is not None and not belongs_to.startswith(row.scope):
        raise faults.ItemNotFound(request.context.__parent__.missing_message)
    return {"access": {"token": token_dict(request.context.__name__, row), "user": user_dict(row.user)}}


def includeme(config):
    config.add_route("identity.version", "", inherit_slash=True)
    for service in (version, version_slash, tokens, tokens_slash, token):
        config.add_cornice_service(service)
