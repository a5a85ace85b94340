"""``snf-pyr-manage image-register`` / ``image-list``, and what the APIs
show of an image registered that way (the README's walk-through)."""

import pytest

from tests.functional.images.conftest import COMPUTE_IMAGES, IMAGES


def test_register_then_see_it_through_both_apis(manage, testapp, user, other_user):
    image = manage("image-register", "--name", "Debian", "--owner", user.uuid,
                   "--location", f"pithos://{user.uuid}/images/debian.diskdump",
                   "--property", "OS=debian", "--property", "description=Debian 7",
                   "--size", "2048", "--checksum", "d41d8cd98f00b204e9800998ecf8427e")
    assert image["owner"] == user.uuid and image["is_public"] is False
    (listed,) = testapp.get(IMAGES + "/detail", headers=user.headers, status=200).json
    assert listed["id"] == image["id"]
    assert listed["properties"] == {"OS": "debian", "description": "Debian 7"}
    assert listed["size"] == 2048 and listed["checksum"] == "d41d8cd98f00b204e9800998ecf8427e"
    assert listed["location"] == f"pithos://{user.uuid}/images/debian.diskdump"
    res = testapp.get(f"{COMPUTE_IMAGES}/{image['id']}", headers=user.headers, status=200)
    assert res.json["image"]["metadata"] == {"OS": "debian", "description": "Debian 7"}
    # Private: another user does not see it.
    assert testapp.get(IMAGES + "/", headers=other_user.headers).json == []


def test_register_public_with_defaults(manage, testapp, user, other_user):
    image = manage("image-register", "--name", "Public", "--owner", user.email, "--public")
    assert image["owner"] == user.uuid
    assert image["location"].startswith(f"pithos://{user.uuid}/images/")
    assert (image["disk_format"], image["container_format"], image["status"]) == ("diskdump", "bare", "ACTIVE")
    ids = [i["id"] for i in testapp.get(IMAGES + "/", headers=other_user.headers).json]
    assert ids == [image["id"]]
    assert [i["id"] for i in manage("image-list")] == [image["id"]]
    assert manage("image-list", "--owner", other_user.uuid) == []


def test_image_list_hides_unregistered_unless_asked(manage, testapp, user):
    image = manage("image-register", "--name", "Gone", "--owner", user.uuid)
    testapp.delete(f"{IMAGES}/{image['id']}", headers=user.headers, status=204)
    assert manage("image-list") == []
    (listed,) = manage("image-list", "--deleted")
    assert listed["id"] == image["id"] and listed["deleted"] and listed["status"] == "DELETED"


def test_register_a_registered_location_is_refused(manage, user):
    location = f"pithos://{user.uuid}/images/debian.diskdump"
    image = manage("image-register", "--name", "Debian", "--owner", user.uuid, "--location", location)
    err = manage("image-register", "--name", "Again", "--owner", user.uuid, "--location", location,
                 expect=1)
    assert f"already registered as image {image['id']}" in err
    assert [i["name"] for i in manage("image-list")] == ["Debian"]


@pytest.mark.parametrize("argv, message", [
    (["--owner", "nobody"], "No user"),
    (["--location", "http://example.org/x"], "Invalid location"),
    (["--property", "novalue"], "KEY=VALUE"),
    (["--size", "-5"], "Invalid size"),
    (["--size", "9" * 25], "Invalid size"),
])
def test_register_refusals(manage, user, argv, message):
    args = ["image-register", "--name", "X", "--owner", user.uuid]
    if argv[0] == "--owner":
        args = ["image-register", "--name", "X"]
    err = manage(*args, *argv, expect=1)
    assert message in err
    assert manage("image-list") == []
