"""The image service (``/image/v1.0``, Plankton, Glance v1 style)."""


def includeme(config):
    config.include(".service")
