"""Identity API (``/identity/v2.0``): the version document, authenticate
and validate tokens."""
from synnefo_pyr import faults
from synnefo_pyr.identity import accounts
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.identity import AccessTokens
from synnefo_pyr.schemas.identity import authenticate_body
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.identity.render import service_catalog, token_dict, user_dict

# The API root without a trailing slash is a route of its own (see includeme).
version = SynnefoService(name="identity.version", pyramid_route="identity.version")
version_slash = SynnefoService(name="identity.version_slash", path="/")
tokens = SynnefoService(name="identity.tokens", path="/tokens")
# The guide writes the URI with a trailing slash; accept both (preface 3).
tokens_slash = SynnefoService(name="identity.tokens_slash", path="/tokens/")
token = SynnefoService(
    name="identity.token", path="/tokens/{token_id}", factory=AccessTokens, traverse="/{token_id}"
)


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


@tokens.post(permission=P.TOKEN_VALIDATE, validators=(authenticate_body,))
@tokens_slash.post(permission=P.TOKEN_VALIDATE, validators=(authenticate_body,))
def authenticate(request):
    auth = request.validated["auth"]
    if auth is None:
        # Public mode: no authentication, only the catalog (B1).
        return {"access": {"serviceCatalog": service_catalog(request)}}
    clear, found = accounts.authenticate(
        lambda: request.dbsession, auth.token, request.registry.token_cache,
        username=auth.username, tenant=auth.tenant_name,
        token_ttl=request.registry.identity_settings.token_ttl,
    )
    return {"access": {
        "token": token_dict(clear, found),
        "serviceCatalog": service_catalog(request),
        "user": user_dict(found.user),
    }}


@token.get(permission=P.TOKEN_VALIDATE)
def validate(request):
    """Validate a scoped access token, optionally against ``belongsTo``
    (B13, B15), matched like the security policy matches the token's
    scope: whole path segments."""
    found = accounts.resolution_of(request.context.token)
    belongs_to = request.GET.get("belongsTo")
    if belongs_to is not None and not accounts.in_scope(found.scope, belongs_to):
        raise faults.ItemNotFound(request.context.__parent__.missing_message)
    return {"access": {"token": token_dict(request.context.__name__, found), "user": user_dict(found.user)}}


def includeme(config):
    config.add_route("identity.version", "", inherit_slash=True)
    for service in (version, version_slash, tokens, tokens_slash, token):
        config.add_cornice_service(service)
