"""The domain functions other subsystems use (compute's server creation
calls ``find_visible``)."""
import pytest

from synnefo_pyr import errors

from synnefo_pyr.images import registry as image_registry
from synnefo_pyr.db import session_scope
from synnefo_pyr.storage import files
from synnefo_pyr.storage.hashing import hashes_of, top_hash


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


def test_register_validates(registry, user, other_user, factory):
    location = factory.stored_file(user.uuid, "c/dir/obj", b"abc")
    other = factory.stored_file(user.uuid, "c/o", b"abcd")
    with session_scope(registry) as db:
        image = image_registry.register(db, name="n", owner=user.uuid, location=location,
                                        properties={"k": "v"}, size=3)
        assert (image.name, image.size, image.properties, image.members) == ("n", 3, {"k": "v"}, [])
        assert image.created_at == image.updated_at
        # The image is the object's: its id is the object's uuid, its checksum the object's hash.
        assert image.id == files.readable_file(db, user.uuid, "c", "dir/obj", user.uuid).uuid
        assert image.checksum == top_hash(hashes_of(b"abc", 64))
        for kwargs in ({"location": "pithos://a/c/"}, {"location": "file:///x"}, {"name": ""},
                       {"disk_format": "raw"}, {"container_format": "zip"}, {"status": "flying"},
                       {"size": "many"}, {"size": 2**63}, {"properties": {"k": 1}},
                       {"location": "pithos://a/c/" + "o" * 1024}):
            args = dict(dict(name="n", owner=user.uuid, location=other), **kwargs)
            with pytest.raises(errors.Invalid):
                image_registry.register(db, **args)
        for kwargs, message in (({"location": f"pithos://{user.uuid}/c/none"}, "File not found on given location"),
                                ({"owner": other_user.uuid}, "File not found on given location"),
                                ({"size": 5}, "Invalid size or checksum"),
                                ({"checksum": "ab" * 32}, "Invalid size or checksum")):
            args = dict(dict(name="n", owner=user.uuid, location=other), **kwargs)
            with pytest.raises(errors.Invalid, match=message):
                image_registry.register(db, **args)


def test_an_image_follows_its_object(registry, user, factory, testapp):
    location = factory.stored_file(user.uuid, "images/f.img", b"one")
    with session_scope(registry) as db:
        image_id = image_registry.register(db, name="n", owner=user.uuid, location=location).id
    root = f"/object-store/v1/{user.uuid}"
    testapp.put(root + "/images/f.img", b"longer", headers=dict(user.headers, **{"Content-Type": "a/b"}))
    testapp.request(root + "/images/f.img", method="MOVE", headers=dict(user.headers, Destination="/images/g.img"))
    with session_scope(registry) as db:
        image = image_registry.get_image(db, image_id)
        assert (image.size, image.location) == (6, f"pithos://{user.uuid}/images/g.img")
        assert image.checksum == top_hash(hashes_of(b"longer", 64))
    testapp.delete(root + "/images/g.img", headers=user.headers)
    with session_scope(registry) as db:
        assert image_registry.find_visible(db, user.uuid, image_id) is None


def test_parse_location():
    loc = image_registry.parse_location("pithos://acct/cont/a/b.img")
    assert (loc.account, loc.container, loc.path) == ("acct", "cont", "a/b.img")
