"""The image registry (Plankton, the image guide): images, their
properties and members.

Serves the image service (``/image/v1.0``); the compute API's images
(``/compute/v2.0/images``) are a second view of the same registry, included
by the compute package.
"""
from pyramid.authorization import Allow, Authenticated

from synnefo_pyr.images.registry import follow_object
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.storage import events as storage_events
from synnefo_pyr.serialization import COMPUTE_NS


def includeme(config):
    image = config.add_api("image", "/image/v1.0")
    config.add_catalog_service("cyclades_plankton", "image", "image", "v1.0")
    config.add_xml_namespace("image", COMPUTE_NS)
    config.add_root_grants(
        (Allow, Authenticated, P.IMAGE_READ),
        (Allow, Authenticated, P.IMAGE_WRITE),
    )
    config.add_manage_commands("synnefo_pyr.images.commands")
    # An image's file is an object of the store: the image follows it.
    storage_events.subscribe(follow_object)
    config.include("synnefo_pyr.views.image", route_prefix=image)
