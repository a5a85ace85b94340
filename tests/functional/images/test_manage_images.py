"""``snf-pyr-manage image-register`` / ``image-list``, and what the APIs
show of an image registered that way (the README's walk-through)."""

import pytest

from synnefo_pyr.storage.hashing import hashes_of, top_hash
from tests.functional.images.conftest import COMPUTE_IMAGES, IMAGES

DISK = b"\x55\xaa" * 1024


@pytest.fixture
def disk_file(tmp_path):
    path = tmp_path / "debian.diskdump"
    path.write_bytes(DISK)
    return str(path)


def test_register_then_see_it_through_both_apis(manage, testapp, user, other_user, disk_file):
    image = manage("image-register", "--name", "Debian", "--owner", user.uuid, "--file", disk_file,
                   "--location", f"pithos://{user.uuid}/images/debian.diskdump",
                   "--property", "OS=debian", "--property", "description=Debian 7", "--size", "2048")
    assert image["owner"] == user.uuid and image["is_public"] is False
    (listed,) = testapp.get(IMAGES + "/detail", headers=user.headers, status=200).json
    assert listed["id"] == image["id"]
    assert listed["properties"] == {"OS": "debian", "description": "Debian 7"}
    assert listed["size"] == 2048 and listed["checksum"] == top_hash(hashes_of(DISK, 64))
    assert listed["location"] == f"pithos://{user.uuid}/images/debian.diskdump"
    # The file is in the owner's account, as uploaded.
    stored = testapp.get(f"/object-store/v1/{user.uuid}/images/debian.diskdump", headers=user.headers)
    assert stored.body == DISK and stored.headers["X-Object-UUID"] == image["id"]
    res = testapp.get(f"{COMPUTE_IMAGES}/{image['id']}", headers=user.headers, status=200)
    assert res.json["image"]["metadata"] == {"OS": "debian", "description": "Debian 7"}
    # Private: another user does not see it.
    assert testapp.get(IMAGES + "/", headers=other_user.headers).json == []


def test_register_public_with_defaults(manage, testapp, user, other_user, disk_file):
    image = manage("image-register", "--name", "Public", "--owner", user.email, "--public", "--file", disk_file)
    assert image["owner"] == user.uuid
    assert image["location"] == f"pithos://{user.uuid}/images/debian.diskdump"
    assert (image["disk_format"], image["container_format"], image["status"]) == ("diskdump", "bare", "ACTIVE")
    ids = [i["id"] for i in testapp.get(IMAGES + "/", headers=other_user.headers).json]
    assert ids == [image["id"]]
    assert [i["id"] for i in manage("image-list")] == [image["id"]]
    assert manage("image-list", "--owner", other_user.uuid) == []


def test_image_list_hides_unregistered_unless_asked(manage, testapp, user, disk_file):
    image = manage("image-register", "--name", "Gone", "--owner", user.uuid, "--file", disk_file)
    testapp.delete(f"{IMAGES}/{image['id']}", headers=user.headers, status=204)
    assert manage("image-list") == []
    (listed,) = manage("image-list", "--deleted")
    assert listed["id"] == image["id"] and listed["deleted"] and listed["status"] == "DELETED"


def test_register_a_registered_location_is_refused(manage, user, disk_file):
    location = f"pithos://{user.uuid}/images/debian.diskdump"
    image = manage("image-register", "--name", "Debian", "--owner", user.uuid, "--location", location,
                   "--file", disk_file)
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
    (["--size", "7"], "Invalid size or checksum"),
    (["--location", "pithos://{uuid}/images/missing", "--no-file"], "File not found on given location"),
    (["--no-file"], "Give --location of a stored file, or --file to store one"),
    (["--file", "/no/such/file"], "Cannot read /no/such/file"),
    (["--location", "pithos://someone-else/images/x"], "in the owner's own account"),
])
def test_register_refusals(manage, user, argv, message, disk_file):
    args = ["image-register", "--name", "X", "--owner", user.uuid]
    if argv[0] == "--owner":
        args = ["image-register", "--name", "X"]
    argv = [a.replace("{uuid}", user.uuid) for a in argv]
    if "--no-file" in argv:
        argv.remove("--no-file")
    elif "--file" not in argv:
        argv += ["--file", disk_file]
    err = manage(*args, *argv, expect=1)
    assert message in err
    assert manage("image-list") == []
