"""Containers (behaviours-object M8-M14, M0.21 listings)."""
import pytest

from tests.functional.storage.conftest import BS
from tests.helpers import assert_fault


def test_create_update_head_delete(alice):
    res = alice.put("photos", headers={"X-Container-Meta-Owner": "me", "X-Container-Policy-Quota": "100"})
    assert res.status_int == 201
    assert alice.put("photos", status=202).status_int == 202
    res = alice.head("photos")
    assert res.status_int == 204
    h = res.headers
    assert (h["X-Container-Object-Count"], h["X-Container-Bytes-Used"]) == ("0", "0")
    assert (h["X-Container-Block-Size"], h["X-Container-Block-Hash"]) == (str(BS), "sha256")
    assert (h["X-Container-Policy-Quota"], h["X-Container-Policy-Versioning"]) == ("100", "auto")
    assert h["X-Container-Meta-Owner"] == "me" and h["X-Container-Object-Meta"] == ""
    # POST without update replaces the policy and the metadata.
    alice.post("photos", headers={"X-Container-Policy-Versioning": "none"})
    h = alice.head("photos").headers
    assert (h["X-Container-Policy-Quota"], h["X-Container-Policy-Versioning"]) == ("0", "none")
    assert "X-Container-Meta-Owner" not in h
    alice.post("photos", params="update", headers={"X-Container-Meta-A": "1", "X-Container-Policy-Quota": "5"})
    h = alice.head("photos").headers
    assert (h["X-Container-Policy-Quota"], h["X-Container-Policy-Versioning"], h["X-Container-Meta-A"]) == \
        ("5", "none", "1")
    alice.delete("photos")
    assert_fault(alice.head("photos", status=404) and alice.get("photos", status=404), "itemNotFound", 404,
                 "Container does not exist")


@pytest.mark.parametrize("headers", [
    {"X-Container-Policy-Quota": "-1"}, {"X-Container-Policy-Quota": "lots"},
    {"X-Container-Policy-Versioning": "sometimes"}, {"X-Container-Policy-Color": "red"},
])
def test_bad_policy_is_400(alice, headers):
    assert_fault(alice.put("c1", headers=headers, status=400), "badRequest", 400, "Invalid policy header")
    alice.put("c2", status=201)
    assert_fault(alice.post("c2", headers=headers, status=400), "badRequest", 400, "Invalid policy header")


def test_names_too_large(alice):
    assert_fault(alice.put("c" * 257, status=400), "badRequest", 400, "Container name too large")
    assert_fault(alice.put("pithos/" + "o" * 1025, status=400), "badRequest", 400, "Object name too large.")


def test_missing_container_is_404(alice):
    assert alice.post("nope", status=404) and alice.delete("nope", status=404)
    res = alice.put("nope/obj", b"x", status=404)
    assert_fault(res, "itemNotFound", 404, "Container does not exist")


def test_delete_non_empty_is_409_and_delimiter_empties(alice):
    alice.put("pithos/a", b"1")
    alice.put("pithos/b/c", b"22")
    assert_fault(alice.delete("pithos", status=409), "conflict", 409, "Container is not empty")
    # kamaki's float until is ignored: still the plain delete (409 here).
    alice.delete("pithos", params="until=1387537056.56", status=409)
    alice.delete("pithos", params="delimiter=/")
    assert alice.head("pithos").headers["X-Container-Object-Count"] == "0"
    alice.delete("pithos", params="until=pithos&delimiter=/")
    alice.delete("pithos")
    assert alice.head("pithos", status=404).status_int == 404


def test_delete_until_purges_history_only(alice):
    alice.put("pithos/a", b"one")
    alice.put("pithos/a", b"two")
    alice.put("pithos/gone", b"x")
    alice.delete("pithos/gone")
    assert len(alice.json("pithos/a", params="version=list")["versions"]) == 2
    alice.delete("pithos", params="until=99999999999")
    assert len(alice.json("pithos/a", params="version=list")["versions"]) == 1
    assert alice.get("pithos/a").body == b"two"
    assert alice.get("pithos/gone", params="version=list", status=404)


@pytest.fixture
def tree(alice):
    for name in ("photos/animals/cats/persian.jpg", "photos/animals/dogs/poodle.jpg", "photos/me.jpg",
                 "photos/plants/rose.jpg", "photos/", "videos/movie.mp4", "readme", "a b", "a"):
        alice.put("pithos/" + name, b"x" * (len(name) % 7),
                  headers={"X-Object-Meta-Quality": "high" if "jpg" in name else "low"})
    return alice


def names(res):
    return [e.get("name") or e.get("subdir") for e in res]


def test_listing_text_json_xml(tree):
    assert tree.get("pithos").text.split("\n")[:3] == ["a", "a b", "photos/"]
    listed = tree.json("pithos")
    assert names(listed)[:2] == ["a", "a b"]
    entry = listed[0]
    assert set(entry) == {"name", "bytes", "hash", "content_type", "last_modified", "x_object_hash",
                          "x_object_uuid", "x_object_version", "x_object_version_timestamp",
                          "x_object_modified_by"}
    assert entry["hash"] == entry["x_object_hash"] and isinstance(entry["x_object_version"], int)
    assert isinstance(entry["x_object_version_timestamp"], str) and float(entry["x_object_version_timestamp"])
    xml = tree.get("pithos", params="format=xml&delimiter=/").text
    assert '<container name="pithos"><object><name>a</name>' in xml and '<subdir name="videos/" />' in xml
    # The Accept header chooses too; the format parameter wins.
    assert tree.get("pithos", headers={"Accept": "application/json"}).json[0]["name"] == "a"
    assert tree.get("pithos", params="format=xml", headers={"Accept": "application/json"}).text.startswith("<?xml")


def test_listing_parameters(tree):
    assert names(tree.json("pithos", params="format=json&limit=2")) == ["a", "a b"]
    assert names(tree.json("pithos", params="format=json&marker=photos/plants/rose.jpg")) == [
        "readme", "videos/movie.mp4"]
    assert names(tree.json("pithos", params="format=json&prefix=photos/animals")) == [
        "photos/animals/cats/persian.jpg", "photos/animals/dogs/poodle.jpg"]
    # The object named like the virtual directory is listed once, as the object.
    assert names(tree.json("pithos", params="format=json&delimiter=/")) == [
        "a", "a b", "photos/", "readme", "videos/"]
    assert names(tree.json("pithos", params="format=json&prefix=photos&delimiter=/")) == [
        "photos/", "photos/animals/", "photos/me.jpg", "photos/plants/"]
    assert names(tree.json("pithos", params="format=json&path=photos")) == ["photos/me.jpg"]
    assert names(tree.json("pithos", params="format=json&prefix=/photos/plants")) == ["photos/plants/rose.jpg"]
    assert names(tree.json("pithos", params="format=json&delimiter=/&limit=4")) == ["a", "a b", "photos/", "readme"]
    assert names(tree.json("pithos", params="format=json&delimiter=/&marker=photos/")) == ["readme", "videos/"]
    for bad in ("-1", "qwert"):  # invalid limits are ignored
        assert len(tree.json("pithos", params=f"format=json&limit={bad}")) == 9


def test_listing_meta_filters_and_object_meta_header(tree):
    tree.post("pithos/readme", headers={"X-Object-Meta-Stars": "5"}, params="update")
    assert names(tree.json("pithos", params="format=json&meta=Stars")) == ["readme"]
    assert "readme" not in names(tree.json("pithos", params="format=json&meta=!stars"))
    assert names(tree.json("pithos", params="format=json&meta=quality=low")) == ["a", "a b", "photos/", "readme",
                                                                                 "videos/movie.mp4"]
    assert names(tree.json("pithos", params="format=json&meta=quality!=low,stars")) == []
    assert names(tree.json("pithos", params="format=json&meta=stars>=5")) == ["readme"]
    assert tree.head("pithos").headers["X-Container-Object-Meta"] == "Quality,Stars"


def test_empty_listings(alice):
    assert alice.get("pithos", status=204).body == b""
    assert alice.json("pithos") == []
    assert alice.get("pithos", params="format=xml").text.endswith('<container name="pithos"></container>')
    assert alice.get("pithos", params="prefix=zzz", status=204)


def test_listing_until_shared_public(tree):
    tree.post("pithos/readme", params="update", headers={"X-Object-Sharing": "read=*"})
    tree.post("pithos/a", params="update", headers={"X-Object-Public": "true"})
    tree.put("pithos/dir", content_type="application/directory", headers={"X-Object-Sharing": "read=*"})
    tree.put("pithos/dir/inside", b"1")
    assert names(tree.json("pithos", params="format=json&shared")) == ["dir", "dir/inside", "readme"]
    public = tree.json("pithos", params="format=json&public")
    assert names(public) == ["a"] and public[0]["x_object_public"].startswith("http://cloud.example.org/public/")
    assert names(tree.json("pithos", params="format=json&shared&public")) == ["a", "dir", "dir/inside", "readme"]
    shared = tree.json("pithos", params="format=json&shared")
    assert shared[-1]["x_object_sharing"] == "read=*"
    assert tree.get("pithos", params="format=json&until=1000000000", status=404)
    old = tree.json("pithos", params="format=json&until=99999999999")
    assert "last_modified" not in old[0] and "x_object_sharing" not in old[-1]
    assert tree.head("pithos", params="until=1000000000", status=404)
    assert tree.head("pithos", params="until=99999999999").headers["X-Container-Until-Timestamp"]
    # Account listings filter too.
    assert tree.get(params="shared").text == "pithos\n"
    assert tree.get(params="public").text == "pithos\n"


def test_container_preconditions(alice):
    last = alice.head("pithos").headers["Last-Modified"]
    assert alice.head("pithos", headers={"If-Modified-Since": last}).status_int == 304
    assert alice.get("pithos", headers={"If-Unmodified-Since": "Sun, 09 Sep 2001 01:46:40 GMT"}, status=412)


def test_block_upload_post(alice, bob):
    data = b"a" * BS + b"b"
    res = alice.post("pithos", data, params="update&format=json",
                     headers={"Content-Type": "application/octet-stream"})
    from synnefo_pyr.storage.hashing import hashes_of
    assert res.json == hashes_of(data, BS)
    xml = alice.post("pithos", b"c", params="update&format=xml",
                     headers={"Content-Type": "application/octet-stream"}).text
    assert "<items><item>" in xml
    # Another user needs write access to some path in the container.
    res = bob.post("pithos", b"x", account=alice.user.uuid, params="update",
                   headers={"Content-Type": "application/octet-stream"}, status=403)
    alice.put("pithos/drop", content_type="application/directory",
              headers={"X-Object-Sharing": f"write={bob.user.uuid}"})
    bob.post("pithos", b"x", account=alice.user.uuid, params="update",
             headers={"Content-Type": "application/octet-stream"})
    # ...and may not change metadata.
    bob.post("pithos", account=alice.user.uuid, params="update", headers={"X-Container-Meta-X": "1"}, status=403)


def test_container_quota_policy(alice):
    alice.put("small", headers={"X-Container-Policy-Quota": "100"})
    alice.put("small/a", b"x" * 100)
    res = alice.put("small/b", b"x", status=413)
    assert_fault(res, "requestEntityTooLarge", 413, "Quota error: Container quota exceeded: limit: 100, usage: 101")
    assert alice.head("small").headers["X-Container-Object-Count"] == "1"


def test_cross_user_container(alice, bob):
    alice.put("pithos/dir", content_type="application/directory", headers={"X-Object-Sharing": "read=*"})
    alice.put("pithos/dir/x", b"1", headers={"X-Object-Meta-K": "v"})
    alice.put("pithos/secret", b"2", headers={"X-Object-Meta-Hidden": "v"})
    other = alice.user.uuid
    res = bob.head("pithos", account=other)
    assert res.status_int == 204 and "X-Container-Object-Count" not in res.headers
    assert res.headers["X-Container-Object-Meta"] == "K"
    assert bob.get("pithos", account=other).text == "dir\ndir/x\n"
    listed = bob.json("pithos", account=other)
    assert listed[0]["x_object_allowed_to"] == "read" and "x_object_public" not in listed[0]
    assert bob.head("trash", account=other).status_int == 403
    assert bob.head("nope", account=other).status_int == 403
    assert bob.get("pithos", account=other, params="until=1", status=403)
    assert_fault(bob.get("pithos", account=other, params="public", status=403), "forbidden", 403,
                 "Public object listing is not allowed to non path owners")
    for method in ("PUT", "DELETE"):
        assert bob.request(method, "pithos", account=other).status_int == 403
