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
    # Compute servers, actions, flavors, versions, and the backend they drive.
    config.include(".compute", route_prefix=under("compute"))
    # The compute version list sits one level above the compute root (E1).
    config.include("synnefo_pyr.views.compute_versions.include_root")
    config.include(".quotas", route_prefix=under("account"))
    config.include(".networks", route_prefix=under("compute"))
    config.include(".image_service", route_prefix=under("image"))
    config.include(".compute_images", route_prefix=under("compute"))
