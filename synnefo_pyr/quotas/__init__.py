"""Quotas: resources, per-holder limits and commissions (the quota guide).

Serves ``/resources``, ``/quotas``, ``/service_quotas`` and the commission
calls under the account API (``/account/v1.0``), and the in-process engine
(``quotas.engine``) the other packages charge in their own transactions.

Packages declare the resources they implement with
``config.add_quota_resources(ResourceSpec(...), ...)``; they are registered
once every package is included, with the default limits of the
``synnefo_pyr.quotas.default_limit.<resource>`` ini keys. Packages that
raise users' limits beyond their own (projects) declare how with
``config.add_quota_grants(function)`` (``quotas/limits.py``).
"""
import logging

import sqlalchemy as sa
from pyramid.authorization import Allow, Authenticated

from synnefo_pyr import errors
from synnefo_pyr.db import session_scope
from synnefo_pyr.permissions import ANY_SERVICE
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.quotas import limits
from synnefo_pyr.quotas import registry as resource_registry
from synnefo_pyr.quotas.models import Resource
from synnefo_pyr.settings import SettingsError

log = logging.getLogger(__name__)

DEFAULT_LIMIT_PREFIX = "synnefo_pyr.quotas.default_limit."


def add_quota_resources(config, *specs):
    resource_registry.declare(specs)
    config.registry.quota_resources.extend(specs)


def add_quota_grants(config, function):
    """``function(dbsession, holders) -> {(holder, resource_id): amount}``
    adds to the holders' base limits (``quotas.limits.sync``)."""
    limits.add_grant_source(function)


def register_declared_resources(registry):
    """Create the declared resources (with the ini's default limits) in a
    transaction of their own; the tests call it again after emptying the
    tables."""
    with session_scope(registry) as dbsession:
        resource_registry.register_resources(
            dbsession, registry.quota_resources, overwrite_limits=registry.quota_default_limits
        )


def _register_at_start(registry, settings):
    try:
        limits = resource_registry.parse_default_limits(
            settings, registry.quota_resources, DEFAULT_LIMIT_PREFIX
        )
    except errors.Invalid as exc:
        raise SettingsError(exc.message) from None
    registry.quota_resources = resource_registry.with_default_limits(registry.quota_resources, limits)
    registry.quota_default_limits = limits
    if not sa.inspect(registry.dbengine).has_table(Resource.__tablename__):
        log.warning("No quota tables yet (run the migrations); resources not registered")
        return
    register_declared_resources(registry)


def includeme(config):
    registry = config.registry
    registry.quota_resources = []
    registry.quota_default_limits = {}
    config.add_directive("add_quota_resources", add_quota_resources)
    config.add_directive("add_quota_grants", add_quota_grants)
    account = config.add_api("account", "/account/v1.0")
    config.add_root_grants(
        (Allow, Authenticated, P.QUOTAS_READ),
        (Allow, ANY_SERVICE, P.SERVICE_QUOTAS),
        (Allow, ANY_SERVICE, P.SERVICE_COMMISSIONS),
    )
    config.add_manage_commands("synnefo_pyr.quotas.commands")
    config.include("synnefo_pyr.views.account.quotas", route_prefix=account)
    # Once every package has declared its resources (actions run at commit).
    config.action(
        "synnefo_pyr.quotas.register", _register_at_start, args=(registry, config.get_settings())
    )
