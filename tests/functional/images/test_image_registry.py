"""The domain functions other subsystems use (compute's server creation
calls ``find_visible``)."""
import pytest

from synnefo_pyr import errors

from synnefo_pyr.images import registry as image_registry
from synnefo_pyr.db import session_scope


def test_find_visible(registry, user, other_user, third_user, make_image):
    own = make_image(user, properties={"os": "debian"})
    shared = make_image(other_user, members=[user])
    public = make_image(third_user, public=True)
    private = make_image(other_user)
    with session_scope(registry) as db:
        for image_id in (own, shared, public):
            found = image_registry.find_visible(db, user.uuid, image_id)
            assert found is not None and found.id == image_id
        assert image_registry.find_visible(db, user.uuid, own).properties == {"os": "debian"}
        assert image_registry.find_visible(db, user.uuid, private) is None
        assert image_registry.find_visible(db, user.uuid, "missing") is None
        assert image_registry.find_visible(db, user.uuid, None) is None
        assert image_registry.find_visible(db, user.uuid, 12) is None
        image_registry.unregister(image_registry.find_visible(db, user.uuid, own))
    with session_scope(registry) as db:
        assert image_registry.find_visible(db, user.uuid, own) is None


def test_register_validates(registry, user):
    with session_scope(registry) as db:
        image = image_registry.register(db, name="n", owner=user.uuid, location="pithos://a/c/dir/obj",
                                        properties={"k": "v"}, size=3)
        assert (image.name, image.size, image.properties, image.members) == ("n", 3, {"k": "v"}, [])
        assert image.created_at == image.updated_at
        for kwargs in ({"location": "pithos://a/c/"}, {"location": "file:///x"}, {"name": ""},
                       {"disk_format": "raw"}, {"container_format": "zip"}, {"status": "flying"},
                       {"size": "many"}, {"size": 2**63}, {"properties": {"k": 1}},
                       {"location": "pithos://a/c/" + "o" * 1024}):
            args = dict(dict(name="n", owner=user.uuid, location="pithos://a/c/o"), **kwargs)
            with pytest.raises(errors.Invalid):
                image_registry.register(db, **args)


def test_parse_location():
    loc = image_registry.parse_location("pithos://acct/cont/a/b.img")
    assert (loc.account, loc.container, loc.path) == ("acct", "cont", "a/b.img")
