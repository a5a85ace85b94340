"""The network service (``/network/v2.0``): one module per resource family."""


def includeme(config):
    pass
