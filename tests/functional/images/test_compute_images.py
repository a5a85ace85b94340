"""The compute API's images (/compute/v2.0/images): behaviours.md J."""
import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest

from synnefo_pyr.serialization import parse_isoformat

from tests.helpers import assert_fault, post_json
from tests.functional.images.conftest import COMPUTE_IMAGES, IMAGES

DETAIL_KEYS = {"id", "name", "status", "progress", "created", "updated", "user_id", "tenant_id",
               "links", "metadata"}
COMPUTE_NS = "{http://docs.openstack.org/compute/api/v1.1}"


def put_json(testapp, url, body, user, status="*"):
    return testapp.put(url, json.dumps(body), status=status,
                       headers=dict(user.headers, **{"Content-Type": "application/json"}))


def since(seconds_ago):
    return (datetime.now(timezone.utc) - timedelta(seconds=seconds_ago)).isoformat()


# --- lists and details ------------------------------------------------------


def test_list_images_sorted_by_id(testapp, user, other_user, third_user, make_image):
    expected = sorted([
        (make_image(user, "own"), "own"),
        (make_image(other_user, "shared", members=[user]), "shared"),
        (make_image(third_user, "public", public=True), "public"),
    ])
    make_image(other_user, "private to somebody else")
    res = testapp.get(COMPUTE_IMAGES, headers=user.headers, status=200)
    assert res.json == {"images": [{"id": i, "name": n} for i, n in expected]}


def test_list_images_new_user_is_empty(testapp, user):
    assert testapp.get(COMPUTE_IMAGES, headers=user.headers, status=200).json == {"images": []}
    assert testapp.get(COMPUTE_IMAGES + "/detail", headers=user.headers).json == {"images": []}


def test_list_needs_a_token(testapp):
    assert_fault(testapp.get(COMPUTE_IMAGES, status=401), "unauthorized", 401,
                 "Access denied. No authentication token")


@pytest.mark.parametrize("method, path", [
    ("get", "/detail"), ("get", "/{id}"), ("delete", "/{id}"), ("get", "/{id}/metadata"),
    ("post", "/{id}/metadata"), ("get", "/{id}/metadata/os"), ("put", "/{id}/metadata/os"),
    ("delete", "/{id}/metadata/os"),
])
def test_every_call_needs_a_valid_token(testapp, user, make_image, method, path):
    image_id = make_image(user, properties={"os": "debian"})
    url = COMPUTE_IMAGES + path.replace("{id}", image_id)
    for headers in ({}, {"X-Auth-Token": "expired-or-bogus"}):
        assert_fault(getattr(testapp, method)(url, headers=headers, status=401), "unauthorized", 401)
    assert testapp.get(f"{COMPUTE_IMAGES}/{image_id}/metadata", headers=user.headers).json == {
        "metadata": {"os": "debian"}}


def test_a_token_scoped_elsewhere_is_forbidden(testapp, factory, user, make_image):
    """The guide's "403 User is not allowed to perform this operation": an
    access token scoped to the servers does not reach the images (on an
    item it is the item's 404)."""
    image_id = make_image(user)
    scoped = {"X-Auth-Token": factory.token(user, scope="/compute/v2.0/servers")}
    for path in ("", "/detail"):
        assert_fault(testapp.get(COMPUTE_IMAGES + path, headers=scoped, status=403), "forbidden", 403)
    assert_fault(testapp.get(f"{COMPUTE_IMAGES}/{image_id}", headers=scoped, status=404),
                 "itemNotFound", 404)
    inside = {"X-Auth-Token": factory.token(user, scope="/compute/v2.0/images")}
    assert testapp.get(COMPUTE_IMAGES, headers=inside, status=200).json["images"][0]["id"] == image_id


def test_detail(testapp, user, other_user, make_image):
    image_id = make_image(other_user, "Debian", public=True, properties={"os": "debian"})
    bare_id = make_image(user, "Bare")
    res = testapp.get(COMPUTE_IMAGES + "/detail", headers=user.headers, status=200)
    images = {i["id"]: i for i in res.json["images"]}
    image = images[image_id]
    assert set(image) == DETAIL_KEYS
    assert image["status"] == "ACTIVE" and image["progress"] == 100
    assert image["user_id"] == image["tenant_id"] == other_user.uuid
    assert image["metadata"] == {"os": "debian"}
    assert images[bare_id]["metadata"] == {}
    assert parse_isoformat(image["created"]) and parse_isoformat(image["updated"])
    assert image["created"].endswith("+00:00")
    assert image["links"] == [
        {"rel": "self", "href": f"http://cloud.example.org/compute/v2.0/images/{image_id}"},
        {"rel": "bookmark", "href": f"http://cloud.example.org/compute/v2.0/images/{image_id}"},
        {"rel": "alternate", "href": f"http://cloud.example.org/image/v1.0/images/{image_id}"},
    ]


def test_links_use_the_configured_public_url(make_app, user, make_image):
    import webtest
    app = webtest.TestApp(make_app(**{"synnefo_pyr.base_url": "https://cloud.example.com/"}))
    image_id = make_image(user)
    links = app.get(f"{COMPUTE_IMAGES}/{image_id}", headers=user.headers).json["image"]["links"]
    assert links[0]["href"] == f"https://cloud.example.com/compute/v2.0/images/{image_id}"
    assert links[2]["href"] == f"https://cloud.example.com/image/v1.0/images/{image_id}"


def test_status_and_progress_follow_the_image_status(testapp, user, make_image):
    saving = make_image(user, status="SAVING")
    image = testapp.get(f"{COMPUTE_IMAGES}/{saving}", headers=user.headers).json["image"]
    assert (image["status"], image["progress"]) == ("SAVING", 0)


def test_get_image(testapp, user, make_image):
    image_id = make_image(user, "Debian")
    res = testapp.get(f"{COMPUTE_IMAGES}/{image_id}", headers=user.headers, status=200)
    assert set(res.json) == {"image"}
    assert set(res.json["image"]) == DETAIL_KEYS and res.json["image"]["name"] == "Debian"


def test_get_unknown_or_private_image_is_404(testapp, user, other_user, make_image):
    # Image ids are free strings, so no id is "malformed" (the guide's 400):
    # an unknown one is 404. An image the user may not use is 404 too, not
    # the guide's 403 (behaviours.md A12).
    for image_id in ("no-such-image", make_image(other_user), "x" * 300):
        assert_fault(testapp.get(f"{COMPUTE_IMAGES}/{image_id}", headers=user.headers, status=404),
                     "itemNotFound", 404, "Image not found")


def test_xml(testapp, user, make_image):
    image_id = make_image(user, "Debian", properties={"os": "debian"})
    res = testapp.get(COMPUTE_IMAGES + "/detail.xml", headers=user.headers, status=200)
    assert res.content_type == "application/xml"
    root = ET.fromstring(res.body)
    assert root.tag == COMPUTE_NS + "images"
    (image,) = root.findall(COMPUTE_NS + "image")
    assert image.get("id") == image_id and image.get("status") == "ACTIVE"
    meta = image.find(COMPUTE_NS + "metadata").find(COMPUTE_NS + "meta")
    assert (meta.get("key"), meta.text) == ("os", "debian")
    res = testapp.get(f"{COMPUTE_IMAGES}/{image_id}", {"format": "xml"}, headers=user.headers, status=200)
    assert ET.fromstring(res.body).tag == COMPUTE_NS + "image"


# --- changes-since ----------------------------------------------------------


def test_changes_since(testapp, user, make_image):
    old = make_image(user, "old")
    make_image.backdate(old, 1800)
    recent = make_image(user, "recent")
    res = testapp.get(COMPUTE_IMAGES + "/detail", {"changes-since": since(600)}, headers=user.headers,
                      status=200)
    assert [i["id"] for i in res.json["images"]] == [recent]
    res = testapp.get(COMPUTE_IMAGES, {"changes-since": since(3000)}, headers=user.headers, status=200)
    assert sorted(i["id"] for i in res.json["images"]) == sorted([old, recent])


# The guide's 304 is never produced (J3): an empty list instead.
def test_changes_since_with_nothing_changed_is_an_empty_200(testapp, user, make_image):
    make_image.backdate(make_image(user), 1800)
    res = testapp.get(COMPUTE_IMAGES + "/detail", {"changes-since": since(60)}, headers=user.headers,
                      status=200)
    assert res.json == {"images": []}


def test_changes_since_reports_deleted_images(testapp, user, make_image):
    image_id = make_image(user)
    testapp.delete(f"{COMPUTE_IMAGES}/{image_id}", headers=user.headers, status=204)
    res = testapp.get(COMPUTE_IMAGES + "/detail", {"changes-since": since(60)}, headers=user.headers)
    (image,) = res.json["images"]
    assert (image["id"], image["status"], image["progress"]) == (image_id, "DELETED", 0)
    assert testapp.get(COMPUTE_IMAGES, headers=user.headers).json == {"images": []}


@pytest.mark.parametrize("value, message", [
    ("yesterday", "Invalid changes-since parameter."),
    ("2013-03-02T15:57:03", "Invalid changes-since parameter."),  # no time zone
    (None, "changes-since value set in the future."),
    ("2000-01-01T00:00:00+00:00", "Too old changes-since value."),
])
def test_changes_since_refusals(testapp, user, value, message):
    if value is None:
        value = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    for path in ("", "/detail"):
        res = testapp.get(COMPUTE_IMAGES + path, {"changes-since": value}, headers=user.headers, status=400)
        assert_fault(res, "badRequest", 400, message)


# --- create and delete -------------------------------------------------------


def test_create_image_is_not_implemented(testapp, user):
    res = post_json(testapp, COMPUTE_IMAGES, {"image": {"name": "x"}}, headers=user.headers, status=501)
    assert_fault(res, "notImplemented", 501)


def test_delete_image(testapp, user, make_image):
    image_id = make_image(user)
    res = testapp.delete(f"{COMPUTE_IMAGES}/{image_id}", headers=user.headers, status=204)
    assert res.body == b""
    assert_fault(testapp.get(f"{COMPUTE_IMAGES}/{image_id}", headers=user.headers, status=404),
                 "itemNotFound", 404)
    # Unregistered everywhere; the file location is kept on the row.
    assert make_image.load(image_id).location.startswith("pithos://")
    testapp.head(f"{IMAGES}/{image_id}", headers=user.headers, status=404)


def test_delete_refusals(testapp, user, other_user, make_image):
    # No id is malformed (the guide's 400): ids are free strings.
    shared = make_image(other_user, members=[user])
    assert_fault(testapp.delete(f"{COMPUTE_IMAGES}/{shared}", headers=user.headers, status=403),
                 "forbidden", 403)
    private = make_image(other_user)
    assert_fault(testapp.delete(f"{COMPUTE_IMAGES}/{private}", headers=user.headers, status=404),
                 "itemNotFound", 404)
    assert_fault(testapp.delete(f"{COMPUTE_IMAGES}/nothing", headers=user.headers, status=404),
                 "itemNotFound", 404)


# --- metadata ---------------------------------------------------------------


# The guide's 413 (maximum number of metadata) has no counterpart: like a
# server's metadata (behaviours.md G), an image's properties are not
# limited in number. Its 409 and "suspended" 403 belong to servers.
def test_metadata_calls(testapp, user, make_image):
    image_id = make_image(user, properties={"os": "debian", "users": "root"})
    url = f"{COMPUTE_IMAGES}/{image_id}/metadata"
    assert testapp.get(url, headers=user.headers, status=200).json == {
        "metadata": {"os": "debian", "users": "root"}}
    res = post_json(testapp, url, {"metadata": {"os": "Xubuntu", "NewAttr": "NewVal"}},
                    headers=user.headers, status=201)
    assert res.json == {"metadata": {"os": "Xubuntu", "users": "root", "NewAttr": "NewVal"}}
    assert testapp.get(url + "/os", headers=user.headers, status=200).json == {"meta": {"os": "Xubuntu"}}
    res = put_json(testapp, url + "/gui", {"meta": {"gui": "GNOME"}}, user, status=201)
    assert res.json == {"meta": {"gui": "GNOME"}}
    # The guide's {"metadata": {...}} wrapper is accepted too.
    put_json(testapp, url + "/gui", {"metadata": {"gui": "KDE"}}, user, status=201)
    assert testapp.get(url + "/gui", headers=user.headers).json == {"meta": {"gui": "KDE"}}
    assert testapp.delete(url + "/gui", headers=user.headers, status=204).body == b""
    assert_fault(testapp.get(url + "/gui", headers=user.headers, status=404), "itemNotFound", 404)
    # Deleting a key that is not there is still 204 (J7).
    testapp.delete(url + "/never-there", headers=user.headers, status=204)
    # Compute metadata are the image service's properties.
    (image,) = testapp.get(IMAGES + "/detail", headers=user.headers).json
    assert image["properties"] == {"os": "Xubuntu", "users": "root", "NewAttr": "NewVal"}


def test_metadata_write_bumps_updated(testapp, user, make_image):
    image_id = make_image(user)
    make_image.backdate(image_id, 1800)
    post_json(testapp, f"{COMPUTE_IMAGES}/{image_id}/metadata", {"metadata": {"a": "b"}},
              headers=user.headers, status=201)
    res = testapp.get(COMPUTE_IMAGES, {"changes-since": since(60)}, headers=user.headers)
    assert [i["id"] for i in res.json["images"]] == [image_id]


@pytest.mark.parametrize("body", [
    {"meta": {"a": "b"}}, {}, {"metadata": "a"}, {"metadata": ["a"]}, {"metadata": {"a": 1}},
    {"metadata": {"a": {"b": "c"}}}, ["metadata"],
])
def test_update_metadata_malformed(testapp, user, make_image, body):
    image_id = make_image(user, properties={"os": "debian"})
    url = f"{COMPUTE_IMAGES}/{image_id}/metadata"
    assert_fault(post_json(testapp, url, body, headers=user.headers, status=400), "badRequest", 400)
    assert testapp.get(url, headers=user.headers).json == {"metadata": {"os": "debian"}}


@pytest.mark.parametrize("body", [
    {}, {"meta": "x"}, {"meta": {"os": "a", "b": "c"}}, {"meta": {"other": "a"}},
    {"meta": {"os": 3}}, {"meta": {}},
])
def test_set_meta_malformed(testapp, user, make_image, body):
    image_id = make_image(user, properties={"os": "debian"})
    url = f"{COMPUTE_IMAGES}/{image_id}/metadata/os"
    assert_fault(put_json(testapp, url, body, user, status=400), "badRequest", 400)
    assert testapp.get(url, headers=user.headers).json == {"meta": {"os": "debian"}}


def test_metadata_body_must_be_json(testapp, user, make_image):
    url = f"{COMPUTE_IMAGES}/{make_image(user)}/metadata"
    res = testapp.post(url, "{", headers=dict(user.headers, **{"Content-Type": "application/json"}),
                       status=400)
    assert_fault(res, "badRequest", 400, "Invalid JSON data")


def test_metadata_of_someone_elses_image(testapp, user, other_user, make_image):
    public = make_image(other_user, public=True, properties={"os": "debian"})
    url = f"{COMPUTE_IMAGES}/{public}/metadata"
    # Readable...
    assert testapp.get(url, headers=user.headers, status=200).json == {"metadata": {"os": "debian"}}
    assert testapp.get(url + "/os", headers=user.headers, status=200).json == {"meta": {"os": "debian"}}
    # ...but not writable: 403 (J9).
    assert_fault(post_json(testapp, url, {"metadata": {"a": "b"}}, headers=user.headers, status=403),
                 "forbidden", 403)
    assert_fault(put_json(testapp, url + "/os", {"meta": {"os": "x"}}, user, status=403), "forbidden", 403)
    assert_fault(testapp.delete(url + "/os", headers=user.headers, status=403), "forbidden", 403)
    assert testapp.get(url, headers=other_user.headers).json == {"metadata": {"os": "debian"}}
    # An image the user cannot see at all, or none: 404.
    private = make_image(other_user)
    for image_id in (private, "no-such-image"):
        url = f"{COMPUTE_IMAGES}/{image_id}/metadata"
        assert_fault(testapp.get(url, headers=user.headers, status=404), "itemNotFound", 404)
        assert_fault(post_json(testapp, url, {"metadata": {}}, headers=user.headers, status=404),
                     "itemNotFound", 404)
        assert_fault(put_json(testapp, url + "/k", {"meta": {"k": "v"}}, user, status=404),
                     "itemNotFound", 404)
        assert_fault(testapp.get(url + "/k", headers=user.headers, status=404), "itemNotFound", 404)
        assert_fault(testapp.delete(url + "/k", headers=user.headers, status=404), "itemNotFound", 404)


# --- HTTP rules ------------------------------------------------------------


@pytest.mark.parametrize("method, path, allowed", [
    ("put", "/images", {"GET", "POST"}),
    ("delete", "/images", {"GET", "POST"}),
    ("post", "/images/{id}", {"GET", "DELETE"}),
    ("put", "/images/{id}", {"GET", "DELETE"}),
    ("put", "/images/{id}/metadata", {"GET", "POST"}),
    ("delete", "/images/{id}/metadata", {"GET", "POST"}),
    ("post", "/images/{id}/metadata/key", {"GET", "PUT", "DELETE"}),
    ("post", "/images/detail", {"GET"}),
])
def test_wrong_methods(testapp, user, make_image, method, path, allowed):
    url = "/compute/v2.0" + path.replace("{id}", make_image(user))
    res = getattr(testapp, method)(url, headers=user.headers, status=405)
    assert_fault(res, "notAllowed", 405, "Method not allowed")
    assert set(res.headers["Allow"].split(",")) == allowed


@pytest.mark.parametrize("method, path, allowed", [
    ("post", "/compute/v2.0/images/{id}", {"GET", "DELETE"}),
    ("put", "/compute/v2.0/images/{id}", {"GET", "DELETE"}),
    ("post", "/compute/v2.0/images/{id}/metadata/key", {"GET", "PUT", "DELETE"}),
    ("post", "/image/v1.0/images/{id}", {"GET", "HEAD", "PUT", "DELETE"}),
    ("post", "/compute/v2.0/servers/{id}", {"GET", "PUT", "DELETE"}),
])
@pytest.mark.parametrize("item", ["unknown", "other"])
def test_wrong_methods_are_405_before_any_lookup(testapp, user, other_user, make_image, method,
                                                  path, allowed, item):
    """The method is a property of the URL pattern (behaviours.md preface
    8): 405 whether the item is missing or somebody else's."""
    item_id = make_image(other_user) if item == "other" and "/images/" in path else "12345"
    res = getattr(testapp, method)(path.replace("{id}", item_id), headers=user.headers, status=405)
    assert_fault(res, "notAllowed", 405, "Method not allowed")
    assert set(res.headers["Allow"].split(",")) == allowed


def test_changes_since_honours_the_compute_poll_limit(make_app, user, make_image):
    import webtest
    app = webtest.TestApp(make_app(**{"synnefo_pyr.compute.poll_limit": "7200"}))
    image_id = make_image(user)
    make_image.backdate(image_id, 5000)
    res = app.get(COMPUTE_IMAGES, {"changes-since": since(5400)}, headers=user.headers, status=200)
    assert [i["id"] for i in res.json["images"]] == [image_id]
