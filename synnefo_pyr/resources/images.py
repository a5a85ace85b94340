"""Contexts of the image service and of the compute API's images.

An image is read by its owner, by its members and, when public, by every
user; only its owner changes it. The item's ``__acl__`` says exactly that,
so the forbidden view answers 404 to anybody who may not even read the
image. Somebody who may read it but not change it gets 403 instead
(behaviours.md J9): write views require ``require_image_write``.
"""
from pyramid.authorization import DENY_ALL, Allow, Authenticated

from .. import faults, image_registry
from ..permissions import Permission as P
from . import Container

READ = (P.IMAGE_READ, P.COMPUTE_READ)
WRITE = (P.IMAGE_WRITE, P.COMPUTE_WRITE)


class ImageItem:
    def __init__(self, parent, name, image):
        self.__parent__ = parent
        self.__name__ = name
        self.image = image

    @property
    def __acl__(self):
        image = self.image
        acl = [(Allow, f"user:{image.owner}", READ + WRITE)]
        acl.extend((Allow, f"user:{member}", READ) for member in image.members)
        if image.is_public:
            acl.append((Allow, Authenticated, READ))
        # Stop here: the root grants every user the image permissions.
        acl.append(DENY_ALL)
        return acl

    @property
    def missing_message(self):
        return self.__parent__.missing_message


class Images(Container):
    """``/images/<id>``: any live image, whoever owns it; the ACL decides."""

    missing_message = "Image not found"

    def __getitem__(self, image_id):
        image = image_registry.get_image(self.dbsession, image_id)
        if image is None or image.deleted:
            raise KeyError(image_id)
        return ImageItem(self, image_id, image)


def require_image_write(request, **kwargs):
    """Cornice validator of the write views (whose permission is the read
    one): a reader who is not the owner is refused with 403."""
    write = P.COMPUTE_WRITE if request.matched_route.name.startswith("compute.") else P.IMAGE_WRITE
    if not request.has_permission(write, request.context):
        raise faults.Forbidden("Only the image owner can change it")
