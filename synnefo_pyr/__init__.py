"""synnefo_pyr: the Synnefo cloud APIs on Pyramid."""
from pyramid.config import Configurator
from pyramid.tweens import EXCVIEW


def main(global_config, **settings):
    """The PasteDeploy app factory (``egg:synnefo_pyr#main``)."""
    # Cornice's own exception views would answer in its format; ours answer
    # with Synnefo faults (views/errors.py).
    settings.setdefault("handle_exceptions", "false")
    with Configurator(settings=settings, root_factory="synnefo_pyr.resources.Root") as config:
        # Every ini key parsed once, before anything reads it.
        config.include(".settings")
        # Engine, request.dbsession joined to pyramid_tm, schema upgrade.
        config.include(".db")
        # X-Auth-Token -> principals -> ACL.
        config.include(".security")
        # JSON/XML renderer and the no-cache headers of every response.
        config.include(".renderers")
        config.include("cornice")
        # ``/servers.json`` and ``/servers.xml`` choose the format (A4).
        config.add_tween(
            "synnefo_pyr.serialization.format_suffix_tween_factory", over=EXCVIEW
        )
        config.include(".views")
    return config.make_wsgi_app()
