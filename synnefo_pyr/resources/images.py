"""Contexts of the image service and of the compute API's images.

An image is read by its owner, by its members and, when public, by every
user; only its owner changes it. The item's ``__acl__`` says exactly that:
the forbidden view answers 404 to anybody who may not even read the image,
and 403 to somebody who may read it but not change it (behaviours.md J9).
"""
from pyramid.authorization import Authenticated

from synnefo_pyr.images import registry
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources import Container, Item

READ = (P.IMAGE_READ, P.COMPUTE_READ)


class ImageItem(Item):
    forbidden_message = "Only the image owner can change it"

    def __init__(self, parent, name, image):
        readers = [f"user:{member}" for member in image.members]
        if image.is_public:
            readers.append(Authenticated)
        super().__init__(parent, name, image, owner=f"user:{image.owner}", readers=readers, read=READ)

    @property
    def image(self):
        return self.obj


class Images(Container):
    """``/images/<id>``: any live image, whoever owns it; the ACL decides."""

    missing_message = "Image not found"

    def __getitem__(self, image_id):
        image = registry.get_image(self.dbsession, image_id)
        if image is None or image.deleted:
            raise KeyError(image_id)
        return ImageItem(self, image_id, image)
