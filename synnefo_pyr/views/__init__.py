"""The API views: Cornice services, one module per resource family, each
included under the URL root the ini gives its API."""


def includeme(config):
    prefixes = config.registry.synnefo.prefixes

    def under(api):
        return prefixes[api] or None

    config.include(".errors")
    config.include(".identity", route_prefix=under("identity"))
    config.include(".account", route_prefix=under("account"))
    # The pre-0.14 URIs the guide still lists (/feedback, /user_catalogs...).
    config.include("synnefo_pyr.views.account.include_legacy")
    config.include(".ui", route_prefix=under("ui"))
    config.include(".networks", route_prefix=under("compute"))
