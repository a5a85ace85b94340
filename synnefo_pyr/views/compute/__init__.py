"""The compute API (``/compute/v2.0``): one module per resource family."""


def includeme(config):
    config.include(".versions")
    config.include(".flavors")
    config.include(".servers")
    config.include(".actions")
    config.include(".metadata")
    config.include(".networks")
    config.include(".images")
