"""Object storage (Pithos, behaviours-object): the API under its prefix,
the public URLs under theirs (``include_public``)."""


def includeme(config):
    from synnefo_pyr.views.storage.account import account
    from synnefo_pyr.views.storage.container import container
    from synnefo_pyr.views.storage.object import obj
    from synnefo_pyr.views.storage.top import list_accounts, top

    # Most specific last: the object pattern swallows everything under a container.
    for service in (top, account, container, obj):
        config.add_cornice_service(service)
    # ``/object-store/v1`` without the slash is the top level too (M0.1).
    config.add_route("object-store.top_bare", "", inherit_slash=True, factory=top._factory_for_bare)
    config.add_view(list_accounts, route_name="object-store.top_bare", request_method="GET")
    config.add_tween("synnefo_pyr.views.storage.render.encode_headers_tween_factory",
                     under="synnefo_pyr.renderers.api_headers_tween_factory")


def include_public(config):
    from synnefo_pyr.views.storage.public import public

    config.add_cornice_service(public)
