"""One request class with every request property and method built in.

Pyramid applies what packages add with ``config.add_request_method`` (our
``dbsession``, pyramid_tm's ``tm``, Cornice's ``current_service``) to each
request by deriving a new class for it: tens of microseconds per request
on the hot paths. Once the configuration is complete,
``bake_request_extensions`` puts them on one subclass of the request
factory, made once, and leaves Pyramid nothing to apply: the same
attributes, computed the same way (lazily, once per request), on every
request, in views, scripts and tests alike.
"""
from pyramid.interfaces import IRequestExtensions, IRequestFactory
from pyramid.request import Request


def bake_request_extensions(registry):
    extensions = registry.queryUtility(IRequestExtensions)
    if extensions is None:
        return
    base = registry.queryUtility(IRequestFactory, default=Request)
    attrs = dict(extensions.methods)
    attrs.update(extensions.descriptors)
    attrs["__module__"] = base.__module__
    registry.registerUtility(type(base.__name__, (base,), attrs), IRequestFactory)
    registry.unregisterUtility(provided=IRequestExtensions)


def includeme(config):
    # After every other action: the extensions are final then.
    config.action(None, bake_request_extensions, args=(config.registry,), order=10**6)
