"""The identity API (``/identity/v2.0``): authenticate, validate tokens."""


def includeme(config):
    config.include(".tokens")
