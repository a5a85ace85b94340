"""Compute versions and extensions (E1-E5).

The version document answers at ``/compute/v2.0`` and ``/compute/v2.0/``
without a token: OpenStack clients read it to discover the API before
they authenticate against it. It carries no ``version``/``min_version``
fields, so clients do not negotiate microversions we do not have. The
list of versions, one level up (``/compute/``), wants a token (E1).
"""
from pyramid.security import NO_PERMISSION_REQUIRED

from synnefo_pyr import faults
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.service import SynnefoService

UPDATED = "2011-01-21T11:33:21-06:00"

version = SynnefoService(name="compute.version", pyramid_route="compute.version")
version_slash = SynnefoService(name="compute.version_slash", path="/")
extensions = SynnefoService(name="compute.extensions", path="/extensions")
extension = SynnefoService(name="compute.extension", path="/extensions/{alias}")
# Registered outside the compute prefix (include_root).
versions = SynnefoService(name="compute.versions", pyramid_route="compute.versions")
versions_slash = SynnefoService(name="compute.versions_slash", pyramid_route="compute.versions_slash")


def _self_link(request):
    return {"rel": "self", "href": request.registry.synnefo.url(request, "compute", "/")}


@version.get(permission=NO_PERMISSION_REQUIRED)
@version_slash.get(permission=NO_PERMISSION_REQUIRED)
def get_version(request):
    return {"version": {
        "id": "v2.0",
        "status": "CURRENT",
        "updated": UPDATED,
        "links": [
            _self_link(request),
            {"rel": "describedby", "type": "application/pdf",
             "href": "http://docs.rackspacecloud.com/servers/api/v1.1/cs-devguide-20110125.pdf"},
            {"rel": "describedby", "type": "application/vnd.sun.wadl+xml",
             "href": "http://docs.rackspacecloud.com/servers/api/v1.1/application.wadl"},
        ],
        "media-types": [
            {"base": "application/xml", "type": "application/vnd.openstack.compute.v2+xml"},
            {"base": "application/json", "type": "application/vnd.openstack.compute.v2+json"},
        ],
    }}


@versions.get(permission=P.COMPUTE_READ)
@versions_slash.get(permission=P.COMPUTE_READ)
def list_versions(request):
    return {"versions": [{
        "id": "v2.0", "status": "CURRENT", "updated": UPDATED, "links": [_self_link(request)],
    }]}


@extensions.get(permission=P.COMPUTE_READ)
def list_extensions(request):
    return {"extensions": []}


@extension.get(permission=P.COMPUTE_READ)
def get_extension(request):
    # E4: a bare 404, no fault body.
    raise faults.ItemNotFound("Extension not found", empty_body=True)


def includeme(config):
    config.add_route("compute.version", "", inherit_slash=True)
    for service in (version, version_slash, extensions, extension):
        config.add_cornice_service(service)


def include_root(config):
    """The version list lives one level above the compute root
    (``/compute/`` for ``/compute/v2.0``); nothing when there is no such level."""
    prefix = config.registry.synnefo.prefixes["compute"]
    parent = prefix.rsplit("/", 1)[0]
    if not parent:
        return
    config.add_route("compute.versions", parent)
    config.add_route("compute.versions_slash", parent + "/")
    for service in (versions, versions_slash):
        config.add_cornice_service(service)
