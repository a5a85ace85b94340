"""The network service (``/network/v2.0``, behaviours-network.md): one
module per resource family, JSON bodies only (D4).

Each collection and item URL also answers with a trailing ``/`` (and a
``.json``/``.xml`` suffix, which the format tween strips); an id segment
that is not a number (nor a port's ``nic-<server>-<n>`` alias) reaches an
"invalid id" service of its own, which answers the contract's 400 (L2)
after the usual 401 and 405.
"""
from typing import NamedTuple

from synnefo_pyr.service import SynnefoService


def services(name, path, **kw):
    """The service of ``path`` and the one of ``path + "/"``: decorate a
    view with both."""
    kw.setdefault("renderer", "synnefo_json")
    kw.setdefault("depth", 3)
    return (SynnefoService(name=f"network.{name}", path=path, **kw),
            SynnefoService(name=f"network.{name}_slash", path=path + "/", **kw))


class ResourceServices(NamedTuple):
    """The ``services()`` pairs of one resource family."""

    collection: tuple
    detail: tuple
    item: tuple
    #: An id segment the item's pattern refuses: its own 400 (L2).
    invalid: tuple


def resource_services(name, plural, id_name, id_pattern, invalid_pattern, factory):
    """``/<plural>``, ``/<plural>/detail``, ``/<plural>/{<id_name>}`` (ids
    matching ``id_pattern``, traversed through ``factory``) and the same
    URL for an id matching only ``invalid_pattern``."""
    base = f"/{plural}"
    # One frame more than services() expects: attach to the module that calls us.
    depth = {"depth": 4}
    return ResourceServices(
        services(plural, base, **depth),
        services(f"{plural}_detail", f"{base}/detail", **depth),
        services(name, f"{base}/{{{id_name}:{id_pattern}}}", factory=factory,
                 traverse=f"/{{{id_name}}}", **depth),
        services(f"{name}_invalid", f"{base}/{{{id_name}:{invalid_pattern}}}", **depth),
    )


def view(group, method, **kw):
    """Register the decorated view for ``method`` on every service of
    ``group`` (a ``services()`` pair)."""
    def decorate(function):
        for service in group:
            getattr(service, method)(**kw)(function)
        return function
    return decorate


def add(config, *groups):
    for group in groups:
        for service in group:
            config.add_cornice_service(service)


def includeme(config):
    config.include(".networks")
    config.include(".subnets")
    config.include(".ports")
    config.include(".floating_ips")
