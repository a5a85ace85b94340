"""Response shapes of the identity API: tokens, users and the service
catalog (the UI helpers list the same catalog)."""
from synnefo_pyr.identity import accounts
from synnefo_pyr.serialization import isoformat


def token_dict(clear_token, resolution):
    """``resolution``: what the token stands for (``token_cache.Resolution``)."""
    user = resolution.user
    return {
        "id": clear_token,
        "expires": isoformat(resolution.expires_at),
        "tenant": {"id": user.uuid, "name": user.realname},
    }


def user_dict(user):
    return {
        "id": user.uuid,
        "name": user.realname,
        "roles": [{"id": str(role_id), "name": name} for role_id, name in user.roles],
        "roles_links": [],
    }


def _catalog_entry(name, type_, public_url, version, ui_url):
    return {
        "name": name,
        "type": type_,
        "endpoints": [{
            "versionId": version,
            "publicURL": public_url,
            "SNF:uiURL": ui_url,
            "region": "default",
        }],
        "endpoints_links": [],
    }


def service_catalog(request):
    """The services this deployment serves (each API package declares its
    own, ``config.add_catalog_service``), then the components registered
    with ``snf-pyr-manage component-add``. One endpoint per service type;
    a component's name is its type too, and never shadows a built-in name
    or type (clients look services up by either)."""
    registry = request.registry
    settings = registry.synnefo
    ui_url = settings.url(request, "ui")
    catalog = [
        _catalog_entry(s.name, s.type, settings.url(request, s.api), s.version, ui_url)
        for s in registry.catalog_services
    ]
    taken = {entry["type"] for entry in catalog} | {entry["name"] for entry in catalog}
    components = registry.component_cache.get(lambda: [
        (c.name, c.base_url, c.ui_url) for c in accounts.list_components(request.dbsession)
    ])
    for name, base_url, component_ui_url in components:
        if name in taken:
            continue
        taken.add(name)
        catalog.append(_catalog_entry(name, name, base_url, "", component_ui_url or ui_url))
    return catalog
