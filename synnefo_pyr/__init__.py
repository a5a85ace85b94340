"""synnefo_pyr: the Synnefo cloud APIs on Pyramid."""
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationExecutionError
from pyramid.tweens import EXCVIEW

from synnefo_pyr.settings import SettingsError
from synnefo_pyr.wsgi_guard import InputGuard

#: pserve variables (``pserve production.ini database_url=...``) that stand
#: in for settings the ini file leaves out.
VARIABLES = {"database_url": "database_url", "base_url": "synnefo_pyr.base_url"}


def paste_main(global_config, **settings):
    """The PasteDeploy app factory (``egg:synnefo_pyr#main``) that
    ``pserve``, ``snf-pyr-manage`` and ``snf-pyr-worker`` load: a setting
    that cannot be used stops the program with one line, not a traceback."""
    try:
        return main(global_config, **settings)
    except SettingsError as exc:
        raise SystemExit(f"Error: {exc}") from None


def main(global_config, **settings):
    """The WSGI application. A setting that cannot be used raises
    ``SettingsError``, naming the key."""
    try:
        return _make_app(global_config, settings)
    except ConfigurationExecutionError as exc:
        # Settings checked once every package is included come wrapped.
        if isinstance(exc.evalue, SettingsError):
            raise exc.evalue from None
        raise


def _make_app(global_config, settings):
    for variable, key in VARIABLES.items():
        if not settings.get(key) and (global_config or {}).get(variable):
            settings[key] = global_config[variable]
    with Configurator(settings=settings, root_factory="synnefo_pyr.resources.Root") as config:
        # The settings every API shares, parsed before anything reads them.
        config.include(".settings")
        # Routes looked up by their first path segment (before any route).
        config.include(".routing")
        # The directives each API package wires itself with (URL root,
        # catalog entry, XML namespace, root grants, manage commands).
        config.include(".apis")
        # Engine, request.dbsession joined to pyramid_tm, schema upgrade.
        config.include(".db")
        # The opt-in Server-Timing header (database time, statement count).
        config.include(".timing")
        # X-Auth-Token -> principals -> ACL.
        config.include(".security")
        # JSON/XML renderers and the no-cache headers of every response.
        config.include(".renderers")
        # Cornice's directive and predicate, without its per-request subscriber.
        config.include(".service")
        # ``/servers.json`` and ``/servers.xml`` choose the format (A4).
        config.add_tween(
            "synnefo_pyr.serialization.format_suffix_tween_factory", over=EXCVIEW
        )
        # Every error, ours, the domain's or Pyramid's, as the documented fault.
        config.include(".views.errors")
        # One include per API package: each mounts its own URLs, declares
        # its catalog entry, grants and resources.
        config.include(".identity")  # /identity/v2.0, /account/v1.0 catalogs and feedback, /ui
        config.include(".quotas")  # /account/v1.0 resources, quotas and commissions
        config.include(".projects")  # /account/v1.0 projects, applications, memberships
        config.include(".backend")  # the job queue, its driver and worker
        config.include(".network")  # network settings and quota (their API is compute's, for now)
        config.include(".compute")  # /compute/v2.0
        config.include(".images")  # /image/v1.0
        config.include(".storage")  # /object-store/v1 and /public: the object store
        # /openapi.json: the OpenAPI 3.1 description of all of the above.
        config.include(".views.openapi")
        # Last: the request properties every package added, on one class.
        config.include(".request")
    # Paths and queries that are no text are refused before WebOb reads them.
    return InputGuard(config.make_wsgi_app())
