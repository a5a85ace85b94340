"""Sharing, groups and public objects (behaviours-object M0.16-M0.19, M33, M34)."""
from urllib.parse import unquote

from tests.helpers import assert_fault


def test_read_and_write_sharing(alice, bob):
    alice.put("pithos/doc", b"secret")
    assert bob.get("pithos/doc", account=alice.user.uuid, status=403)
    assert bob.get("pithos/missing", account=alice.user.uuid, status=403)  # existence not revealed
    alice.post("pithos/doc", params="update", headers={"X-Object-Sharing": f"read={bob.user.uuid}"})
    h = alice.head("pithos/doc").headers
    assert h["X-Object-Sharing"] == f"read={bob.user.uuid}" and "X-Object-Allowed-To" not in h
    res = bob.get("pithos/doc", account=alice.user.uuid)
    assert res.body == b"secret" and res.headers["X-Object-Allowed-To"] == "read"
    assert "X-Object-Public" not in res.headers
    assert bob.put("pithos/doc", b"x", account=alice.user.uuid, status=403)
    alice.post("pithos/doc", params="update",
               headers={"X-Object-Sharing": f"read=*;write={bob.user.uuid}"})
    # Sent percent-encoded (M0.8): ``*`` is %2A.
    assert unquote(alice.head("pithos/doc").headers["X-Object-Sharing"]) == f"read=*; write={bob.user.uuid}"
    bob.put("pithos/doc", b"bob was here", account=alice.user.uuid)
    assert alice.get("pithos/doc").body == b"bob was here"
    assert alice.head("pithos/doc").headers["X-Object-Modified-By"] == bob.user.uuid
    # Sharing survives data updates, but a writer may not change it, nor delete.
    assert alice.head("pithos/doc").headers["X-Object-Sharing"]
    assert bob.post("pithos/doc", account=alice.user.uuid, params="update",
                    headers={"X-Object-Sharing": "read=*"}, status=403)
    assert bob.delete("pithos/doc", account=alice.user.uuid, status=403)
    # An empty value removes the sharing; a delete removes it too.
    alice.post("pithos/doc", params="update", headers={"X-Object-Sharing": ""})
    assert "X-Object-Sharing" not in alice.head("pithos/doc").headers
    assert bob.head("pithos/doc", account=alice.user.uuid).status_int == 403


def test_inheritance_from_directories_and_groups(alice, bob, factory):
    carol = factory.user(email="carol@example.org")
    alice.post(params="update", headers={"X-Account-Group-Team": f"{bob.user.uuid}"})
    alice.put("pithos/dir", content_type="application/directory",
              headers={"X-Object-Sharing": f"write={alice.user.uuid}:team"})
    alice.put("pithos/dir/sub/file", b"deep")
    alice.put("pithos/plain", b"p", headers={"X-Object-Sharing": "read=*"})
    alice.put("pithos/plain/child", b"c")
    h = bob.head("pithos/dir/sub/file", account=alice.user.uuid).headers
    assert h["X-Object-Shared-By"] == f"{alice.user.uuid}/pithos/dir" and h["X-Object-Allowed-To"] == "write"
    # A writer may create objects under a write-shared directory.
    bob.put("pithos/dir/new", b"from bob", account=alice.user.uuid)
    assert alice.get("pithos/dir/new").body == b"from bob"
    # A plain object's permissions do not reach names under it.
    headers = {"X-Auth-Token": carol.token}
    app = alice.testapp
    assert app.get(alice.url("pithos/plain/child"), headers=headers, status=403)
    assert app.get(alice.url("pithos/plain"), headers=headers).body == b"p"
    assert app.get(alice.url("pithos/dir/new"), headers=headers, status=403)
    # What bob sees (M33).
    assert bob.get("pithos", account=alice.user.uuid, params="delimiter=/").text == "dir\ndir/\nplain\n"
    assert bob.get("pithos", account=alice.user.uuid, params="prefix=dir&delimiter=/").text == \
        "dir/new\ndir/sub/\n"
    listed = {e["name"]: e for e in bob.json("pithos", account=alice.user.uuid)}
    assert listed["dir"]["x_object_allowed_to"] == "write" and "x_object_sharing" not in listed["dir/new"]


def test_public_objects(alice, bob, testapp):
    alice.put("pithos/photos/cat.jpg", b"meow" * 10, content_type="image/jpeg")
    alice.post("pithos/photos/cat.jpg", params="update", headers={"X-Object-Public": "True"})
    url = alice.head("pithos/photos/cat.jpg").headers["X-Object-Public"]
    assert url.startswith("http://cloud.example.org/public/") and len(url.rsplit("/", 1)[1]) >= 20
    path = url[len("http://cloud.example.org"):]
    res = testapp.get(path)
    assert res.body == b"meow" * 10 and res.headers["Content-Type"] == "image/jpeg"
    assert res.headers["Content-Disposition"] == "attachment; filename=cat.jpg"
    assert not [k for k in res.headers if k.startswith("X-Object-")]
    assert testapp.get(path + "/").body == b"meow" * 10
    assert testapp.get(path, headers={"Range": "bytes=0-3"}, status=206).body == b"meow"
    assert testapp.get(path, headers={"Range": "bytes=0-99"}, status=416)
    etag = res.headers["ETag"]
    assert testapp.get(path, headers={"If-None-Match": etag}, status=304).headers["ETag"] == etag
    assert testapp.get(path, headers={"If-Match": '"no"'}, status=412)
    head = testapp.head(path)
    assert head.status_int == 200 and "Content-Disposition" not in head.headers
    assert testapp.put(path, status=405).headers["Allow"] == "GET,HEAD"
    # Not visible to others through the API, and not in their listings.
    assert bob.head("pithos/photos/cat.jpg", account=alice.user.uuid).status_int == 403
    # Publishing again keeps the token; unpublish and publish gives a new one.
    alice.post("pithos/photos/cat.jpg", params="update", headers={"X-Object-Public": "true"})
    assert alice.head("pithos/photos/cat.jpg").headers["X-Object-Public"] == url
    alice.put("pithos/photos/cat.jpg", b"new data", content_type="image/jpeg")
    assert testapp.get(path).body == b"new data"
    alice.post("pithos/photos/cat.jpg", params="update", headers={"X-Object-Public": ""})
    assert_fault(testapp.get(path, status=404), "itemNotFound", 404, "Object does not exist")
    alice.post("pithos/photos/cat.jpg", params="update", headers={"X-Object-Public": "true"})
    new_url = alice.head("pithos/photos/cat.jpg").headers["X-Object-Public"]
    assert new_url != url
    alice.delete("pithos/photos/cat.jpg")
    assert testapp.get(new_url[len("http://cloud.example.org"):], status=404)
    assert testapp.get("/public/unknown", status=404)
