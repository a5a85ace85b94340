"""Image service (/image/v1.0): behaviours.md K and the image guide."""
import re
from datetime import timedelta

import pytest

from synnefo_pyr.storage.hashing import hashes_of, top_hash
from tests.helpers import assert_fault, post_json
from tests.functional.images.conftest import IMAGES

DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
SUMMARY_KEYS = {"id", "name", "status", "disk_format", "container_format", "size"}
DETAIL_KEYS = SUMMARY_KEYS | {"checksum", "location", "created_at", "updated_at", "deleted_at",
                              "is_public", "owner", "properties"}


def register_headers(user, name="Debian", path="images/debian.diskdump", **extra):
    headers = dict(user.headers)
    headers["X-Image-Meta-Name"] = name
    headers["X-Image-Meta-Location"] = f"pithos://{user.uuid}/{path}"
    headers.update(extra)
    return headers


# --- lists -----------------------------------------------------------------


def test_list_needs_a_token(testapp):
    assert_fault(testapp.get(IMAGES + "/", status=401), "unauthorized", 401,
                 "Access denied. No authentication token")
    assert_fault(testapp.get(IMAGES + "/detail", headers={"X-Auth-Token": "bogus"}, status=401),
                 "unauthorized", 401, "Invalid token")


def test_list_own_shared_and_public_images_newest_first(testapp, user, other_user, third_user, make_image):
    own = make_image(user, "own", age=timedelta(minutes=3))
    shared = make_image(other_user, "shared", members=[user], age=timedelta(minutes=2))
    public = make_image(third_user, "public", public=True, age=timedelta(minutes=1))
    make_image(other_user, "private of another")
    res = testapp.get(IMAGES + "/", headers=user.headers, status=200)
    assert isinstance(res.json, list)
    assert [i["id"] for i in res.json] == [public, shared, own]
    assert all(set(i) == SUMMARY_KEYS for i in res.json)
    assert {i["status"] for i in res.json} == {"available"}
    # The guide's spelling without the slash is served too.
    assert testapp.get(IMAGES, headers=user.headers, status=200).json == res.json


def test_list_detail_fields_and_dates(testapp, user, make_image):
    image_id = make_image(user, "Debian", properties={"os": "debian", "users": "root"}, size=1024)
    res = testapp.get(IMAGES + "/detail", headers=user.headers, status=200)
    (image,) = res.json
    assert set(image) == DETAIL_KEYS
    assert image["id"] == image_id and image["owner"] == user.uuid
    assert image["location"] == f"pithos://{user.uuid}/images/file1.diskdump"
    assert image["size"] == 1024 and image["checksum"] == top_hash(hashes_of(b"x" * 1024, 64))
    assert image["properties"] == {"os": "debian", "users": "root"}
    # The image guide's name for a usable image (its examples say so).
    assert image["is_public"] is False and image["status"] == "available"
    assert DATE.match(image["created_at"]) and DATE.match(image["updated_at"])
    assert image["deleted_at"] == ""
    assert (image["disk_format"], image["container_format"]) == ("diskdump", "bare")


def test_list_filters(testapp, user, make_image):
    small = make_image(user, "small", size=10, disk_format="extdump")
    big = make_image(user, "big", size=1000, container_format="ovf")
    get = lambda **params: [i["id"] for i in testapp.get(  # noqa: E731
        IMAGES + "/", params, headers=user.headers, status=200).json]
    assert get(name="small") == [small]
    assert get(disk_format="extdump") == [small]
    assert get(container_format="ovf") == [big]
    assert get(size_min="11") == [big]
    assert get(size_max="10") == [small]
    assert set(get(status="ACTIVE")) == {small, big}
    # The guide's examples say "available": a synonym of ACTIVE.
    assert set(get(status="available")) == set(get(status="active")) == {small, big}
    assert get(status="ERROR") == []
    assert get(name="nothing like it") == []


def test_list_sorting(testapp, user, make_image):
    b = make_image(user, "b", size=2, age=timedelta(minutes=1))
    a = make_image(user, "a", size=3)
    c = make_image(user, "c", size=1, age=timedelta(minutes=2))
    get = lambda **params: [i["id"] for i in testapp.get(  # noqa: E731
        IMAGES + "/detail", params, headers=user.headers, status=200).json]
    assert get() == [a, b, c]
    assert get(sort_key="name") == [c, b, a]
    assert get(sort_key="name", sort_dir="asc") == [a, b, c]
    assert get(sort_key="size", sort_dir="asc") == [c, b, a]
    assert get(sort_dir="asc") == [c, b, a]


@pytest.mark.parametrize("sort_key", ["id", "name", "status", "size", "disk_format",
                                      "container_format", "created_at", "updated_at"])
def test_every_documented_sort_key(testapp, user, make_image, sort_key):
    ids = {make_image(user, "a"), make_image(user, "b")}
    for sort_dir in ("asc", "desc"):
        res = testapp.get(IMAGES + "/", {"sort_key": sort_key, "sort_dir": sort_dir},
                          headers=user.headers, status=200)
        assert {i["id"] for i in res.json} == ids
    ordered = [i["id"] for i in testapp.get(IMAGES + "/", {"sort_key": "id", "sort_dir": "asc"},
                                            headers=user.headers).json]
    assert ordered == sorted(ids)


@pytest.mark.parametrize("params", [
    {"size_max": "abc"}, {"size_max": ""}, {"size_min": "1.5"}, {"size_min": ""},
    {"sort_key": "owner"}, {"sort_dir": "up"},
    # Beyond the size column's range: refused, not a database error.
    {"size_min": "9" * 25}, {"size_max": "-" + "9" * 25},
])
def test_list_bad_parameters(testapp, user, params):
    for path in ("/", "/detail"):
        assert_fault(testapp.get(IMAGES + path, params, headers=user.headers, status=400),
                     "badRequest", 400)


# --- register (POST) -------------------------------------------------------


def test_register_image(testapp, user, factory):
    factory.stored_file(user.uuid, "images/debian.diskdump", b"d" * 2048)
    checksum = top_hash(hashes_of(b"d" * 2048, 64))
    headers = register_headers(
        user,
        **{"X-Image-Meta-Disk-Format": "diskdump", "X-Image-Meta-Container-Format": "bare",
           "X-Image-Meta-Size": "2048", "X-Image-Meta-Checksum": checksum,
           "X-Image-Meta-Is-Public": "TRUE", "X-Image-Meta-Store": "pithos",
           "X-Image-Meta-Property-OS": "Debian Linux",
           "X-Image-Meta-Property-Root-Partition": "1"},
    )
    res = testapp.post(IMAGES + "/", headers=headers, status=200)
    meta = res.headers
    image_id = meta["X-Image-Meta-Id"]
    assert meta["X-Image-Meta-Name"] == "Debian"
    assert meta["X-Image-Meta-Location"] == f"pithos://{user.uuid}/images/debian.diskdump"
    assert meta["X-Image-Meta-Size"] == "2048"
    assert meta["X-Image-Meta-Checksum"] == checksum
    assert meta["X-Image-Meta-Is-Public"] == "True"
    assert meta["X-Image-Meta-Owner"] == user.uuid
    assert meta["X-Image-Meta-Status"] == "available"
    assert DATE.match(meta["X-Image-Meta-Created-At"])
    assert meta["X-Image-Meta-Deleted-At"] == ""
    assert meta["X-Image-Meta-Property-Os"] == "Debian Linux"
    assert meta["X-Image-Meta-Property-Root-Partition"] == "1"
    (listed,) = testapp.get(IMAGES + "/detail", headers=user.headers).json
    assert listed["id"] == image_id
    assert listed["properties"] == {"os": "Debian Linux", "root_partition": "1"}
    assert listed["is_public"] is True and listed["size"] == 2048


def test_register_the_same_location_again_resets_the_image(testapp, user, factory):
    factory.stored_file(user.uuid, "images/debian.diskdump", b"12345")
    first = testapp.post(IMAGES + "/", headers=register_headers(
        user, **{"X-Image-Meta-Property-A": "1", "X-Image-Meta-Size": "5"}), status=200)
    again = testapp.post(IMAGES + "/", headers=register_headers(
        user, name="Renamed", **{"X-Image-Meta-Property-B": "2"}), status=200)
    assert again.headers["X-Image-Meta-Id"] == first.headers["X-Image-Meta-Id"]
    (image,) = testapp.get(IMAGES + "/detail", headers=user.headers).json
    # The size is the file's, whatever the registration said.
    assert image["name"] == "Renamed" and image["properties"] == {"b": "2"} and image["size"] == 5


def test_register_checks_the_file(testapp, user, other_user, factory):
    """The location must name an object the caller may read (MI1); a size
    or checksum sent must be the object's."""
    location = factory.stored_file(other_user.uuid, "images/theirs.diskdump", b"abc")
    headers = dict(register_headers(user), **{"X-Image-Meta-Location": location})
    assert_fault(testapp.post(IMAGES + "/", headers=headers, status=400), "badRequest", 400,
                 "File not found on given location")
    testapp.post(f"/object-store/v1/{other_user.uuid}/images/theirs.diskdump?update",
                 headers=dict(other_user.headers, **{"X-Object-Sharing": f"read={user.uuid}"}), status=202)
    res = testapp.post(IMAGES + "/", headers=dict(headers, **{"X-Image-Meta-Size": "4"}), status=400)
    assert_fault(res, "badRequest", 400, "Invalid size or checksum")
    res = testapp.post(IMAGES + "/", headers=dict(headers, **{"X-Image-Meta-Checksum": "ab" * 32}), status=400)
    assert_fault(res, "badRequest", 400, "Invalid size or checksum")
    res = testapp.post(IMAGES + "/", headers=headers, status=200)
    assert res.headers["X-Image-Meta-Size"] == "3" and res.headers["X-Image-Meta-Owner"] == user.uuid


@pytest.mark.parametrize("headers, message", [
    ({"X-Image-Meta-Name": None}, "Image name is required"),
    # The guide's 501 for an omitted location is not produced: the preface of
    # behaviours.md (point 3) and the README decide on 400.
    ({"X-Image-Meta-Location": None}, "Image location is required"),
    ({"X-Image-Meta-Location": ""}, "Image location is required"),
    ({"X-Image-Meta-Location": "http://example.org/file"}, "Invalid location 'http://example.org/file'"),
    ({"X-Image-Meta-Location": "pithos://acct/container"}, "Invalid location 'pithos://acct/container'"),
    ({"X-Image-Meta-Location": "pithos://someone-else/images/f"}, "File not found on given location"),
    ({"X-Image-Meta-Location": "LONG"}, "Invalid location"),
    ({"X-Image-Meta-Size": "9" * 25}, "Invalid size"),
    ({"X-Image-Meta-Size": "big"}, "Invalid size"),
    ({"X-Image-Meta-Size": "-1"}, "Invalid size"),
    ({"X-Image-Meta-Checksum": "not hex"}, "Invalid checksum"),
    ({"X-Image-Meta-Is-Public": "yes"}, "Illegal header value"),
    ({"X-Image-Meta-Disk-Format": "qcow2"}, "Illegal header value"),
    ({"X-Image-Meta-Container-Format": "box"}, "Illegal header value"),
    ({"X-Image-Meta-Store": "s3"}, "Illegal header value"),
    ({"X-Image-Meta-Owner": "somebody-else"}, "Illegal header value"),
    ({"X-Image-Meta-Id": "my-own-id"}, "Invalid header"),
    ({"X-Image-Meta-Colour": "blue"}, "Invalid header"),
])
def test_register_refusals(testapp, user, headers, message):
    sent = register_headers(user)
    for key, value in headers.items():
        if value is None:
            del sent[key]
        elif value == "LONG":  # longer than the location column
            sent[key] = f"pithos://{user.uuid}/images/" + "p" * 1024
        else:
            sent[key] = value
    res = testapp.post(IMAGES + "/", headers=sent, status=400)
    fault = assert_fault(res, "badRequest", 400)
    assert fault["message"].startswith(message), fault
    assert testapp.get(IMAGES + "/", headers=user.headers).json == []


def test_register_a_location_of_another_owner_is_refused(testapp, user, other_user, make_image, factory):
    """A location names one live image: one registered for somebody else
    (who may read the file: it is shared with them) cannot be registered a
    second time by the file's account."""
    location = factory.stored_file(user.uuid, "images/debian.diskdump")
    testapp.post(f"/object-store/v1/{user.uuid}/images/debian.diskdump", headers=dict(
        user.headers, **{"X-Object-Sharing": f"read={other_user.uuid}"}), status=202)
    image_id = make_image(other_user, "Debian", location=location)
    res = testapp.post(IMAGES + "/", headers=register_headers(user, name="Again"), status=400)
    assert_fault(res, "badRequest", 400, "Location already registered")
    assert testapp.get(IMAGES + "/", headers=user.headers).json == []
    (image,) = testapp.get(IMAGES + "/detail", headers=other_user.headers).json
    assert (image["id"], image["name"]) == (image_id, "Debian")


def test_register_after_unregistering_gives_the_image_back(testapp, user, factory):
    """An image's id is its file's uuid (MI1): the same file registered
    again is the same image again; a new file at the location is a new one."""
    factory.stored_file(user.uuid, "images/debian.diskdump")
    first = testapp.post(IMAGES + "/", headers=register_headers(user), status=200).headers["X-Image-Meta-Id"]
    testapp.delete(f"{IMAGES}/{first}", headers=user.headers, status=204)
    again = testapp.post(IMAGES + "/", headers=register_headers(user), status=200).headers["X-Image-Meta-Id"]
    assert again == first
    assert [i["id"] for i in testapp.get(IMAGES + "/", headers=user.headers).json] == [again]
    testapp.delete(f"/object-store/v1/{user.uuid}/images/debian.diskdump", headers=user.headers, status=204)
    assert testapp.get(IMAGES + "/", headers=user.headers).json == []
    factory.stored_file(user.uuid, "images/debian.diskdump", b"another file")
    third = testapp.post(IMAGES + "/", headers=register_headers(user), status=200).headers["X-Image-Meta-Id"]
    assert third != first


def test_register_needs_a_token(testapp, user):
    headers = register_headers(user)
    del headers["X-Auth-Token"]
    assert_fault(testapp.post(IMAGES + "/", headers=headers, status=401), "unauthorized", 401)


# --- one image: HEAD, GET, PUT, DELETE --------------------------------------


def test_head_image_metadata(testapp, user, other_user, make_image):
    image_id = make_image(other_user, "Shared", members=[user], properties={"os": "debian"})
    res = testapp.head(f"{IMAGES}/{image_id}", headers=user.headers, status=200)
    assert res.body == b""
    assert res.headers["X-Image-Meta-Id"] == image_id
    assert res.headers["X-Image-Meta-Owner"] == other_user.uuid
    assert res.headers["X-Image-Meta-Property-Os"] == "debian"
    assert res.headers["X-Image-Meta-Is-Public"] == "False"
    for field in ("Name", "Disk-Format", "Container-Format", "Size", "Checksum", "Location",
                  "Created-At", "Updated-At", "Deleted-At", "Status"):
        assert "X-Image-Meta-" + field in res.headers


def test_head_unknown_or_private_image_is_404(testapp, user, other_user, make_image):
    private = make_image(other_user)
    for image_id in (private, "no-such-image"):
        res = testapp.head(f"{IMAGES}/{image_id}", headers=user.headers, status=404)
        assert res.body == b""  # a HEAD answer never has a body


def test_get_image_data_is_not_implemented(testapp, user, other_user, make_image):
    image_id = make_image(user)
    assert_fault(testapp.get(f"{IMAGES}/{image_id}", headers=user.headers, status=501),
                 "notImplemented", 501)
    assert_fault(testapp.get(f"{IMAGES}/{make_image(other_user)}", headers=user.headers, status=404),
                 "itemNotFound", 404, "Image not found")


def test_public_image_is_seen_by_every_user(testapp, user, other_user, make_image):
    image_id = make_image(other_user, public=True)
    testapp.head(f"{IMAGES}/{image_id}", headers=user.headers, status=200)
    assert [i["id"] for i in testapp.get(IMAGES + "/", headers=user.headers).json] == [image_id]


def test_update_image(testapp, user, other_user, make_image):
    image_id = make_image(user, "Old", properties={"os": "debian", "kept": "no"})
    headers = dict(user.headers, **{
        "X-Image-Meta-Name": "New", "X-Image-Meta-Disk-Format": "ntfsdump",
        "X-Image-Meta-Container-Format": "ovf", "X-Image-Meta-Status": "available",
        "X-Image-Meta-Is-Public": "true", "X-Image-Meta-Property-OS": "windows",
    })
    res = testapp.put(f"{IMAGES}/{image_id}", headers=headers, status=200)
    assert res.headers["X-Image-Meta-Name"] == "New"
    assert res.headers["X-Image-Meta-Disk-Format"] == "ntfsdump"
    assert res.headers["X-Image-Meta-Container-Format"] == "ovf"
    assert res.headers["X-Image-Meta-Status"] == "available"
    assert res.headers["X-Image-Meta-Is-Public"] == "True"
    # The properties become exactly the ones sent (K6).
    (image,) = testapp.get(IMAGES + "/detail", headers=user.headers).json
    assert image["properties"] == {"os": "windows"}
    # Now public: another user sees it.
    testapp.head(f"{IMAGES}/{image_id}", headers=other_user.headers, status=200)


def test_update_without_properties_clears_them(testapp, user, make_image):
    image_id = make_image(user, properties={"os": "debian"})
    testapp.put(f"{IMAGES}/{image_id}", headers=user.headers, status=200)
    assert testapp.get(IMAGES + "/detail", headers=user.headers).json[0]["properties"] == {}


def test_update_can_unpublish_but_never_hand_over(testapp, user, other_user, make_image):
    image_id = make_image(user, public=True)
    testapp.put(f"{IMAGES}/{image_id}", headers=dict(user.headers, **{"X-Image-Meta-Is-Public": "False"}))
    testapp.head(f"{IMAGES}/{image_id}", headers=other_user.headers, status=404)
    res = testapp.put(f"{IMAGES}/{image_id}",
                      headers=dict(user.headers, **{"X-Image-Meta-Owner": other_user.uuid}), status=400)
    assert_fault(res, "badRequest", 400, "Illegal header value")
    testapp.head(f"{IMAGES}/{image_id}", headers=user.headers, status=200)
    testapp.head(f"{IMAGES}/{image_id}", headers=other_user.headers, status=404)


@pytest.mark.parametrize("header, value", [
    ("X-Image-Meta-Is-Public", "maybe"), ("X-Image-Meta-Status", "FLYING"),
    ("X-Image-Meta-Disk-Format", "vmdk"), ("X-Image-Meta-Size", "x"),
    ("X-Image-Meta-Checksum", "zz"), ("X-Image-Meta-Name", ""),
    ("X-Image-Meta-Location", "pithos://a/b/c"), ("X-Image-Meta-Size", "9" * 25),
    ("X-Image-Meta-Owner", "o" * 37), ("X-Image-Meta-Owner", " "),
])
def test_update_refusals_change_nothing(testapp, user, make_image, header, value):
    image_id = make_image(user, "Kept", properties={"os": "debian"})
    headers = dict(user.headers, **{header: value, "X-Image-Meta-Name": "Changed"}) \
        if header != "X-Image-Meta-Name" else dict(user.headers, **{header: value})
    assert_fault(testapp.put(f"{IMAGES}/{image_id}", headers=headers, status=400), "badRequest", 400)
    (image,) = testapp.get(IMAGES + "/detail", headers=user.headers).json
    assert image["name"] == "Kept" and image["properties"] == {"os": "debian"}


def test_writes_by_a_reader_are_forbidden(testapp, user, other_user, make_image):
    image_id = make_image(other_user, members=[user])
    public_id = make_image(other_user, public=True)
    for target in (image_id, public_id):
        url = f"{IMAGES}/{target}"
        assert_fault(testapp.put(url, headers=user.headers, status=403), "forbidden", 403)
        assert_fault(testapp.delete(url, headers=user.headers, status=403), "forbidden", 403)
        assert_fault(testapp.put(f"{url}/members/{user.uuid}", headers=user.headers, status=403),
                     "forbidden", 403)
        assert_fault(testapp.delete(f"{url}/members/{user.uuid}", headers=user.headers, status=403),
                     "forbidden", 403)
        res = testapp.put(f"{url}/members", json_body({"memberships": []}), headers=json_headers(user),
                          status=403)
        assert_fault(res, "forbidden", 403)
    assert [m["member_id"] for m in testapp.get(f"{IMAGES}/{image_id}/members",
                                                 headers=other_user.headers).json["members"]] == [user.uuid]
    testapp.head(f"{IMAGES}/{image_id}", headers=other_user.headers, status=200)


def test_writes_on_an_invisible_image_are_404(testapp, user, other_user, make_image):
    image_id = make_image(other_user)
    url = f"{IMAGES}/{image_id}"
    assert_fault(testapp.put(url, headers=user.headers, status=404), "itemNotFound", 404)
    assert_fault(testapp.delete(url, headers=user.headers, status=404), "itemNotFound", 404)
    assert_fault(testapp.get(url + "/members", headers=user.headers, status=404), "itemNotFound", 404)
    assert_fault(testapp.delete(f"{url}/members/{user.uuid}", headers=user.headers, status=404),
                 "itemNotFound", 404)
    assert_fault(testapp.put(f"{url}/members/{user.uuid}", headers=user.headers, status=404),
                 "itemNotFound", 404)
    res = testapp.put(f"{url}/members", json_body({"memberships": [{"member_id": user.uuid}]}),
                      headers=json_headers(user), status=404)
    assert_fault(res, "itemNotFound", 404)
    # The guide's "405 Access to that image is not allowed" (HEAD, members)
    # is this 404: another user's private image is indistinguishable from a
    # missing one (behaviours.md A12). Somebody who may read an image but
    # not change it gets 403 (J9), see test_writes_by_a_reader_are_forbidden.
    testapp.head(url, headers=user.headers, status=404)
    assert testapp.get(f"/image/v1.0/shared-images/{user.uuid}", headers=user.headers).json == {
        "shared_images": []}


def test_delete_image(testapp, user, make_image):
    image_id = make_image(user)
    res = testapp.delete(f"{IMAGES}/{image_id}", headers=user.headers, status=204)
    assert res.body == b""
    assert testapp.get(IMAGES + "/", headers=user.headers).json == []
    testapp.head(f"{IMAGES}/{image_id}", headers=user.headers, status=404)
    assert_fault(testapp.delete(f"{IMAGES}/{image_id}", headers=user.headers, status=404),
                 "itemNotFound", 404)


@pytest.mark.parametrize("method, path", [
    ("head", "/images/{id}"), ("get", "/images/{id}"), ("put", "/images/{id}"),
    ("delete", "/images/{id}"), ("get", "/images/{id}/members"), ("put", "/images/{id}/members"),
    ("put", "/images/{id}/members/{uuid}"), ("delete", "/images/{id}/members/{uuid}"),
    ("get", "/shared-images/{uuid}"), ("get", "/images/nonexistent/members"),
])
def test_item_calls_need_a_token(testapp, user, other_user, make_image, method, path):
    image_id = make_image(user, members=[other_user])
    url = "/image/v1.0" + path.replace("{id}", image_id).replace("{uuid}", other_user.uuid)
    for headers in ({}, {"X-Auth-Token": "expired-or-bogus"}):
        res = getattr(testapp, method)(url, headers=headers, status=401)
        if method != "head":
            assert_fault(res, "unauthorized", 401)
    assert [m["member_id"] for m in testapp.get(f"{IMAGES}/{image_id}/members",
                                                 headers=user.headers).json["members"]] == [other_user.uuid]


# --- members and shared images ----------------------------------------------


def test_members_add_list_remove(testapp, user, other_user, third_user, make_image):
    image_id = make_image(user)
    url = f"{IMAGES}/{image_id}/members"
    assert testapp.get(url, headers=user.headers, status=200).json == {"members": []}
    testapp.head(f"{IMAGES}/{image_id}", headers=other_user.headers, status=404)
    res = testapp.put(f"{url}/{other_user.uuid}", headers=user.headers, status=204)
    assert res.body == b""
    testapp.put(f"{url}/{other_user.uuid}", headers=user.headers, status=204)  # idempotent
    assert testapp.get(url, headers=user.headers).json == {
        "members": [{"member_id": other_user.uuid, "can_share": False}]}
    # The member now sees it, and may read the member list.
    testapp.head(f"{IMAGES}/{image_id}", headers=other_user.headers, status=200)
    assert testapp.get(url, headers=other_user.headers, status=200).json["members"]
    testapp.head(f"{IMAGES}/{image_id}", headers=third_user.headers, status=404)
    testapp.delete(f"{url}/{other_user.uuid}", headers=user.headers, status=204)
    testapp.delete(f"{url}/{other_user.uuid}", headers=user.headers, status=204)
    testapp.head(f"{IMAGES}/{image_id}", headers=other_user.headers, status=404)


def test_replace_members(testapp, user, other_user, third_user, make_image):
    image_id = make_image(user, members=[other_user])
    url = f"{IMAGES}/{image_id}/members"
    body = {"memberships": [{"member_id": third_user.uuid, "can_share": True}, {"member_id": "x-uuid"}]}
    res = testapp.put(url, json_body(body), headers=json_headers(user), status=204)
    assert res.body == b""
    members = testapp.get(url, headers=user.headers).json["members"]
    assert sorted(m["member_id"] for m in members) == sorted([third_user.uuid, "x-uuid"])
    assert all(m["can_share"] is False for m in members)
    testapp.head(f"{IMAGES}/{image_id}", headers=other_user.headers, status=404)
    testapp.head(f"{IMAGES}/{image_id}", headers=third_user.headers, status=200)


@pytest.mark.parametrize("body", [
    {}, {"memberships": "u"}, {"memberships": [{"id": "u"}]}, {"memberships": ["u"]},
    {"memberships": [{"member_id": ""}]}, {"memberships": [{"member_id": "u" * 40}]}, [],
])
def test_replace_members_malformed(testapp, user, other_user, make_image, body):
    image_id = make_image(user, members=[other_user])
    url = f"{IMAGES}/{image_id}/members"
    res = testapp.put(url, json_body(body), headers=json_headers(user), status=400)
    assert_fault(res, "badRequest", 400)
    assert [m["member_id"] for m in testapp.get(url, headers=user.headers).json["members"]] == [other_user.uuid]


def test_replace_members_needs_json(testapp, user, make_image):
    url = f"{IMAGES}/{make_image(user)}/members"
    assert_fault(testapp.put(url, "x", headers=dict(user.headers, **{"Content-Type": "text/plain"}),
                             status=400), "badRequest", 400, "Unsupported Content-type: 'text/plain'")
    assert_fault(testapp.put(url, "{", headers=json_headers(user), status=400), "badRequest", 400,
                 "Invalid JSON data")


def test_add_member_malformed_uuid(testapp, user, make_image):
    url = f"{IMAGES}/{make_image(user)}/members"
    assert_fault(testapp.put(f"{url}/{'u' * 37}", headers=user.headers, status=400), "badRequest", 400)
    assert testapp.get(url, headers=user.headers).json == {"members": []}


def test_members_of_a_public_image_list_empty(testapp, user, other_user, make_image):
    image_id = make_image(user, public=True, members=[other_user])
    assert testapp.get(f"{IMAGES}/{image_id}/members", headers=user.headers).json == {"members": []}


def test_shared_images(testapp, user, other_user, third_user, make_image):
    mine_to_bob = make_image(user, members=[other_user])
    carols_to_bob = make_image(third_user, members=[other_user])
    make_image(user)  # not shared
    expected = sorted([mine_to_bob, carols_to_bob])
    res = testapp.get(f"/image/v1.0/shared-images/{other_user.uuid}", headers=other_user.headers, status=200)
    assert res.json == {"shared_images": [{"image_id": i, "can_share": False} for i in expected]}
    # Asking about somebody else shows only one's own images shared with them.
    res = testapp.get(f"/image/v1.0/shared-images/{other_user.uuid}", headers=user.headers, status=200)
    assert res.json == {"shared_images": [{"image_id": mine_to_bob, "can_share": False}]}
    # The guide's 404 / 405 for this call have no counterpart: any uuid has a
    # (maybe empty) list of images shared with it.
    assert testapp.get("/image/v1.0/shared-images/nobody", headers=user.headers).json == {"shared_images": []}
    # Unregistered images are no longer shared.
    testapp.delete(f"{IMAGES}/{mine_to_bob}", headers=user.headers, status=204)
    res = testapp.get(f"/image/v1.0/shared-images/{other_user.uuid}", headers=other_user.headers)
    assert res.json == {"shared_images": [{"image_id": carols_to_bob, "can_share": False}]}
    assert_fault(testapp.get(f"/image/v1.0/shared-images/{user.uuid}", status=401), "unauthorized", 401)


# --- HTTP rules ------------------------------------------------------------


@pytest.mark.parametrize("method, path, allowed", [
    ("delete", "/images/", {"GET", "POST"}),
    ("put", "/images", {"GET", "POST"}),
    ("post", "/images/detail", {"GET"}),
    ("post", "/images/{id}", {"GET", "HEAD", "PUT", "DELETE"}),
    ("post", "/images/{id}/members", {"GET", "PUT"}),
    ("get", "/images/{id}/members/someone", {"PUT", "DELETE"}),
    ("delete", "/shared-images/someone", {"GET"}),
])
def test_wrong_method_is_405_with_a_fault_body(testapp, user, make_image, method, path, allowed):
    image_id = make_image(user)
    url = "/image/v1.0" + path.replace("{id}", image_id)
    res = getattr(testapp, method)(url, headers=user.headers, status=405)
    assert_fault(res, "notAllowed", 405, "Method not allowed")
    assert set(res.headers["Allow"].split(",")) == allowed


def test_bodies_are_json_only(testapp, user, other_user, make_image):
    """Plankton answered JSON whatever the client asked for; property names
    (free text) could not be XML names anyway."""
    image_id = make_image(user, members=[other_user], properties={"root partition": "1"})
    for url in (IMAGES + "/", IMAGES + "/detail", f"{IMAGES}/{image_id}/members",
                f"/image/v1.0/shared-images/{other_user.uuid}"):
        for params, headers in (({"format": "xml"}, {}), ({}, {"Accept": "application/xml"})):
            res = testapp.get(url, params, headers=dict(user.headers, **headers), status=200)
            assert res.content_type == "application/json" and res.json
    res = testapp.get(IMAGES + "/detail.xml", headers=user.headers, status=200)
    assert res.json[0]["properties"] == {"root partition": "1"}


def test_unknown_paths_are_400(testapp, user):
    for path in ("/image/v1.0/nothing", "/image/v1.0/images/a/b/c/d", "/image/v1.0/shared-images"):
        assert_fault(testapp.get(path, headers=user.headers, status=400), "badRequest", 400,
                     "API endpoint not found")


def test_service_token_is_not_a_user_token(testapp, factory):
    token = factory.component()
    assert_fault(testapp.get(IMAGES + "/", headers={"X-Auth-Token": token}, status=401),
                 "unauthorized", 401)


def test_image_service_in_catalog(testapp, user):
    res = post_json(testapp, "/identity/v2.0/tokens", {"auth": {"token": {"id": user.token}}}, status=200)
    (entry,) = [s for s in res.json["access"]["serviceCatalog"] if s["type"] == "image"]
    assert entry["name"] == "cyclades_plankton"
    assert entry["endpoints"][0]["publicURL"] == "http://cloud.example.org/image/v1.0"


def json_body(body):
    import json
    return json.dumps(body)


def json_headers(user):
    return dict(user.headers, **{"Content-Type": "application/json"})
