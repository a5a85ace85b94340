"""The directives an API package calls from its ``includeme`` to wire itself.

Each package (``identity``, ``quotas``, ``images``, ``compute``...) owns its
URL root, its entry in the service catalog, the XML namespace of its
bodies and what every user or service may do at all (the grants on the
traversal root). It declares them here instead of in lists kept elsewhere,
so adding an API is adding a package and one include line in ``main()``:

``config.add_api(api, default_prefix)``
    Mount ``api`` at ``synnefo_pyr.prefix.<api>`` (default
    ``default_prefix``); returns the prefix, for ``route_prefix=``.
``config.add_catalog_service(name, type, api, version)``
    List ``api`` in the identity service's catalog.
``config.add_xml_namespace(api, namespace)``
    The default namespace of ``api``'s XML bodies.
``config.add_root_grants(*aces)``
    ACEs on the traversal root (``resources.Root``).
``config.add_manage_commands(dotted_module)``
    A module whose ``register(add)`` declares ``snf-pyr-manage`` commands.
``config.add_verbatim_prefix(prefix)``
    Paths under ``prefix`` are taken as they are: a ``.json``/``.xml``
    suffix is part of the name there, not a format (object names).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogService:
    name: str
    type: str
    api: str
    version: str


def _prefix(value):
    value = "/" + str(value).strip().strip("/")
    return "" if value == "/" else value


def add_api(config, api, default_prefix):
    prefixes = config.registry.synnefo.prefixes
    if api not in prefixes:
        configured = config.get_settings().get(f"synnefo_pyr.prefix.{api}")
        prefixes[api] = _prefix(configured if configured not in (None, "") else default_prefix)
    return prefixes[api] or None


def add_catalog_service(config, name, type, api, version):
    config.registry.catalog_services.append(CatalogService(name, type, api, version))


def add_xml_namespace(config, api, namespace):
    config.registry.xml_namespaces[api] = namespace


def add_root_grants(config, *aces):
    config.registry.root_acl.extend(aces)


def add_manage_commands(config, dotted_module):
    config.registry.manage_commands.append(dotted_module)


def add_verbatim_prefix(config, prefix):
    config.registry.verbatim_prefixes.append(_prefix(prefix))


def includeme(config):
    registry = config.registry
    registry.verbatim_prefixes = []
    registry.catalog_services = []
    registry.xml_namespaces = {}
    registry.root_acl = []
    registry.manage_commands = []
    config.add_directive("add_manage_commands", add_manage_commands)
    config.add_directive("add_api", add_api)
    config.add_directive("add_catalog_service", add_catalog_service)
    config.add_directive("add_xml_namespace", add_xml_namespace)
    config.add_directive("add_root_grants", add_root_grants)
    config.add_directive("add_verbatim_prefix", add_verbatim_prefix)
