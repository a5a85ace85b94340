"""The compute API (``/compute/v2.0``): one include for its view modules
and for the backend they drive."""


def includeme(config):
    from ..servers import parse_settings

    config.registry.compute_settings = parse_settings(config.get_settings())
    config.include("synnefo_pyr.backend")
    config.include(".compute_versions")
    config.include(".flavors")
    config.include(".servers")
    config.include(".server_actions")
    config.include(".server_metadata")
