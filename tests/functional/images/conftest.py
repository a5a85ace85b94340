"""Fixtures of the image tests: images registered as an operator would."""
from datetime import timedelta

import pytest

from synnefo_pyr.images import registry as image_registry
from synnefo_pyr.db import session_scope
from synnefo_pyr.images.models import Image

IMAGES = "/image/v1.0/images"
COMPUTE_IMAGES = "/compute/v2.0/images"


class ImageMaker:
    def __init__(self, registry, factory):
        self.registry = registry
        self.factory = factory
        self.count = 0

    def __call__(self, owner, name=None, *, members=(), age=None, **kwargs):
        """Register an image of ``owner`` (a TestUser); returns its id.
        ``age`` (a timedelta) back-dates its created/updated times."""
        self.count += 1
        if "location" not in kwargs:
            # An image is a stored file (behaviours-object MI1): store it first.
            kwargs["location"] = self.factory.stored_file(
                owner.uuid, f"images/file{self.count}.diskdump", data=b"x" * kwargs.pop("size", 10))
        kwargs.pop("size", None)
        with session_scope(self.registry) as db:
            image = image_registry.register(db, name=name or f"image{self.count}",
                                            owner=owner.uuid, **kwargs)
            for member in members:
                image_registry.add_member(image, member.uuid)
            if age is not None:
                image.created_at = image.updated_at = image.created_at - age
            return image.id

    def load(self, image_id):
        with session_scope(self.registry) as db:
            image = db.get(Image, image_id)
            db.expunge(image)
            return image

    def backdate(self, image_id, seconds):
        with session_scope(self.registry) as db:
            image = db.get(Image, image_id)
            image.updated_at = image.updated_at - timedelta(seconds=seconds)


@pytest.fixture
def make_image(registry, factory):
    return ImageMaker(registry, factory)


@pytest.fixture
def third_user(factory):
    return factory.user(email="carol@example.org", first_name="Carol", last_name="King")
