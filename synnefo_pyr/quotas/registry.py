"""The resources quotas are kept of: declared by the packages that
implement them, stored in the ``resources`` table.

A package declares its resources from its ``includeme``
(``config.add_quota_resources(ResourceSpec(...), ...)``); at start they are
created if missing, and a default limit given in the ini
(``synnefo_pyr.quotas.default_limit.<resource>``) also overwrites the
stored one, while one left out keeps whatever ``resource-modify`` stored.
Services outside this deployment add theirs with ``resource-add``.

Which resources a service component sees in ``/service_quotas``: those whose
``service`` is the component's name or starts with ``<component name>_``
(component ``cyclades`` -> ``cyclades_compute``, ``cyclades_plankton``...).
"""
from dataclasses import asdict, dataclass, field, replace

import sqlalchemy as sa
from sqlalchemy import select

from synnefo_pyr import errors
from synnefo_pyr.db import insert_ignoring_duplicates
from synnefo_pyr.quotas.models import Resource

GiB = 1024 ** 3
#: The range of the BIGINT columns that store limits, usages and quantities.
QUANTITY_MIN, QUANTITY_MAX = -2 ** 63, 2 ** 63 - 1


@dataclass(frozen=True)
class ResourceSpec:
    name: str
    description: str
    service: str
    default_limit: int
    unit: str | None = None
    allow_in_projects: bool = True
    ui_visible: bool = True
    api_visible: bool = True
    #: The short name the overLimit details use (compute guide: "Limit for
    #: resource 'Virtual Machine' exceeded"); not stored.
    display_name: str = field(default="", compare=False)

    def row(self):
        values = asdict(self)
        del values["display_name"]
        return values


#: The display names of the resources declared so far, by name: the quota
#: engine's messages name a resource by it (or by its description).
_DISPLAY_NAMES = {}


def declare(specs):
    for spec in specs:
        if spec.display_name:
            _DISPLAY_NAMES[spec.name] = spec.display_name


def display_name(resource):
    return _DISPLAY_NAMES.get(resource.name) or resource.description or resource.name


def parse_default_limits(settings, declared, prefix):
    """``{resource: limit}`` of the ``<prefix><resource>`` ini keys."""
    names = {spec.name for spec in declared}
    limits = {}
    for key, value in settings.items():
        if not key.startswith(prefix) or value in (None, ""):
            continue
        name = key[len(prefix):]
        if name not in names:
            raise errors.Invalid(f"{key}: {name!r} is not a built-in resource")
        try:
            limit = int(value)
        except ValueError:
            raise errors.Invalid(f"{key}: {value!r} is not a number") from None
        if not 0 <= limit <= QUANTITY_MAX:
            raise errors.Invalid(f"{key}: a limit is between 0 and {QUANTITY_MAX}")
        limits[name] = limit
    return limits


def with_default_limits(declared, limits):
    return [replace(spec, default_limit=limits.get(spec.name, spec.default_limit)) for spec in declared]


def register_resources(dbsession, specs, overwrite_limits=()):
    """Create the resources of ``specs`` that are missing; reset the
    default limit of those named in ``overwrite_limits``."""
    insert_ignoring_duplicates(dbsession, Resource.__table__, [spec.row() for spec in specs])
    for spec in specs:
        if spec.name in overwrite_limits:
            dbsession.execute(
                sa.update(Resource).where(Resource.name == spec.name)
                .values(default_limit=spec.default_limit)
            )
    dbsession.flush()


def find_resource(dbsession, name):
    return dbsession.scalar(select(Resource).where(Resource.name == name))


def add_resource(dbsession, name, service, default_limit, unit=None, description="",
                 allow_in_projects=True, ui_visible=True, api_visible=True):
    resource = Resource(
        name=name, service=service, default_limit=default_limit, unit=unit,
        description=description, allow_in_projects=allow_in_projects,
        ui_visible=ui_visible, api_visible=api_visible,
    )
    dbsession.add(resource)
    dbsession.flush()
    return resource


def list_resources(dbsession, api_visible_only=False):
    query = select(Resource).order_by(Resource.name)
    if api_visible_only:
        query = query.where(Resource.api_visible.is_(True))
    return list(dbsession.scalars(query))


def implements(component_name, resource):
    """Whether ``resource`` is one of the component's (module docstring):
    the one rule for what it sees in ``/service_quotas`` and may commission."""
    return resource.service == component_name or resource.service.startswith(component_name + "_")


def component_resources(dbsession, component_name):
    """The resources a component implements."""
    return [resource for resource in list_resources(dbsession) if implements(component_name, resource)]


def resources_by_name(dbsession, names):
    query = select(Resource).where(Resource.name.in_(set(names)))
    return {r.name: r for r in dbsession.scalars(query)}
