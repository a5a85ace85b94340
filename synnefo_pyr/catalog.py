"""The service catalog: the services this deployment serves, as the
identity guide's example names them, plus the components registered with
``snf-pyr-manage component-add``. One endpoint per service type."""
from sqlalchemy import select

from .models.identity import Component

#: (catalog name, type, API root key, versionId), behaviours.md preface 5.
BUILTIN_SERVICES = (
    ("astakos_account", "account", "account", "v1.0"),
    ("astakos_identity", "identity", "identity", "v2.0"),
    ("cyclades_compute", "compute", "compute", "v2.0"),
    ("cyclades_plankton", "image", "image", "v1.0"),
)


def _entry(name, type_, public_url, version, ui_url):
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
    settings = request.registry.synnefo
    ui_url = settings.url(request, "ui")
    catalog = [
        _entry(name, type_, settings.url(request, api), version, ui_url)
        for name, type_, api, version in BUILTIN_SERVICES
    ]
    # A component's name is its type too; clients look services up by either.
    taken = {entry["type"] for entry in catalog} | {entry["name"] for entry in catalog}
    for component in request.dbsession.scalars(select(Component).order_by(Component.id)):
        if component.name in taken:
            continue
        taken.add(component.name)
        catalog.append(
            _entry(component.name, component.name, component.base_url, "", component.ui_url or ui_url)
        )
    return catalog
