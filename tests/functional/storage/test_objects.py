"""Objects (behaviours-object M15-M31)."""
import hashlib
import json

import pytest
import webob
import webtest

from synnefo_pyr.storage.hashing import EMPTY_HASH, hashes_of, top_hash
from tests.functional.storage.conftest import BS
from tests.helpers import assert_fault

DATA = bytes(range(256)) * 2  # 512 bytes, 8 blocks


@pytest.fixture
def obj(alice):
    alice.put("pithos/file.bin", DATA, headers={"X-Object-Meta-Kind": "test"})
    return alice


def test_put_get_head(obj):
    res = obj.put("pithos/new", b"hello", content_type="text/plain; charset=utf-8")
    assert res.headers["ETag"] == top_hash(hashes_of(b"hello", BS))
    version = int(res.headers["X-Object-Version"])
    res = obj.get("pithos/new")
    assert res.body == b"hello"
    h = res.headers
    assert h["Content-Type"] == "text/plain; charset=utf-8" and h["Content-Length"] == "5"
    assert h["ETag"] == h["X-Object-Hash"] and int(h["X-Object-Version"]) == version
    assert h["X-Object-Modified-By"] == obj.user.uuid and len(h["X-Object-UUID"]) == 36
    assert h["X-Object-Version-Timestamp"].endswith("GMT") and h["Last-Modified"].endswith("GMT")
    head = obj.head("pithos/new")
    assert head.status_int == 200 and head.body == b"" and head.headers["Content-Length"] == "5"
    # kamaki always sends format=json: the data still comes back as data.
    assert obj.get("pithos/new", params="format=json").body == b"hello"
    assert obj.get("pithos/file.bin").body == DATA


def test_put_refusals(alice):
    res = alice.request("PUT", "pithos/x", b"", headers={"Content-Length": "0"}, status=411)
    assert_fault(res, "lengthRequired", 411, "Missing Content-Type header")
    request = webob.Request.blank(alice.url("pithos/x"), method="PUT",
                                  headers=alice.headers({"Content-Type": "a/b"}))
    request.environ.pop("CONTENT_LENGTH", None)
    res = request.get_response(alice.testapp.app)
    assert_fault(res, "lengthRequired", 411, "Missing or invalid Content-Length header")
    res = alice.put("pithos/x", b"abc", headers={"ETag": '"0123"'}, status=422)
    assert_fault(res, "unprocessableEntity", 422, "Object ETag does not match")
    alice.put("pithos/x", b"abc", headers={"ETag": hashlib.md5(b"abc").hexdigest()})
    assert_fault(alice.put("pithos/x", b"a", headers={"X-Object-Public": "maybe"}, status=400),
                 "badRequest", 400, "Bad X-Object-Public header value")
    assert_fault(alice.put("pithos/x", b"a", headers={"X-Object-Sharing": "look=a"}, status=400),
                 "badRequest", 400, "Bad X-Object-Sharing header value: missing prefix")
    assert_fault(alice.put("pithos/x", b"a", headers={"X-Object-Sharing": "read=,"}, status=400),
                 "badRequest", 400, "Bad X-Object-Sharing header value: invalid length")
    assert_fault(alice.put("pithos/x", b"a", headers={"X-Object-Sharing": "read=" + "u" * 257}, status=400),
                 "badRequest", 400, "Invalid sharing header")
    res = alice.testapp.request(alice.url("pithos/x"), method="PUT", body=b"a",
                                headers=dict(alice.headers(), **{"Content-Type": "a/b"}),
                                environ={"HTTP_X_OBJECT_META_K": "caf\xe9"}, status=400)
    assert_fault(res, "badRequest", 400, "Bad character in headers.")


def test_max_upload(make_app, user):
    small = webtest.TestApp(make_app(**{"synnefo_pyr.storage.max_upload": "10"}))
    res = small.put(f"/object-store/v1/{user.uuid}/pithos/big", b"x" * 11,
                    headers=dict(user.headers, **{"Content-Type": "a/b"}), status=400)
    assert_fault(res, "badRequest", 400, "Maximum size is reached")


def test_metadata_and_percent_encoding(obj):
    obj.put("pithos/m", b"", headers={"X-Object-Meta-Greeting": "caf%C3%A9 %E2%9C%93",
                                      "Content-Disposition": 'attachment; filename="a b"',
                                      "Content-Encoding": "identity"})
    res = obj.head("pithos/m")
    raw = dict(res.headerlist)
    assert raw["X-Object-Meta-Greeting"] == "caf%C3%A9 %E2%9C%93"
    assert raw["Content-Disposition"] == "attachment; filename=%22a b%22"
    assert raw["Content-Encoding"] == "identity"  # (WebTest decodes and drops gzip)
    # POST without update replaces; with update merges and deletes empties.
    obj.post("pithos/m", headers={"X-Object-Meta-A": "1", "X-Object-Meta-B": "2"})
    h = obj.head("pithos/m").headers
    assert (h["X-Object-Meta-A"], h["X-Object-Meta-B"]) == ("1", "2") and "Content-Encoding" not in h
    res = obj.post("pithos/m", params="update", headers={"X-Object-Meta-A": ""})
    assert "X-Object-Version" in res.headers
    h = obj.head("pithos/m").headers
    assert "X-Object-Meta-A" not in h and h["X-Object-Meta-B"] == "2"
    assert "X-Object-Version" not in obj.post("pithos/m", params="update").headers
    assert_fault(obj.post("pithos/none", status=404), "itemNotFound", 404, "Object does not exist")


def test_ranges(obj):
    res = obj.get("pithos/file.bin", headers={"Range": "bytes=10-19"}, status=206)
    assert res.body == DATA[10:20] and res.headers["Content-Range"] == "bytes 10-19/512"
    assert obj.get("pithos/file.bin", headers={"Range": "bytes=500-"}, status=206).body == DATA[500:]
    assert obj.get("pithos/file.bin", headers={"Range": "bytes=-12"}, status=206).body == DATA[-12:]
    assert obj.get("pithos/file.bin", headers={"Range": "bytes = 60 - 70"}, status=206).body == DATA[60:71]
    for ignored in ("items=0-1", "bytes=5-1", "bytes=-", "bytes=a-b", "bytes=1-2,x"):
        assert obj.get("pithos/file.bin", headers={"Range": ignored}).status_int == 200
    for unsatisfiable in ("bytes=0-512", "bytes=512-", "bytes=0-1,600-700"):
        res = obj.get("pithos/file.bin", headers={"Range": unsatisfiable}, status=416)
        assert_fault(res, "rangeNotSatisfiable", 416, "Requested range exceeds object limits")
    obj.put("pithos/empty", b"")
    assert obj.get("pithos/empty", headers={"Range": "bytes=0-0"}, status=416)
    res = obj.get("pithos/file.bin", headers={"Range": "bytes=0-1,-2"}, status=206)
    boundary = res.headers["Content-Type"].split("boundary=")[1]
    assert len(boundary) == 32
    assert res.body == (f"--{boundary}\r\nContent-Range: bytes 0-1/512\r\nContent-Transfer-Encoding: binary"
                        f"\r\n\r\n").encode() + DATA[:2] + (
        f"\r\n--{boundary}\r\nContent-Range: bytes 510-511/512\r\nContent-Transfer-Encoding: binary"
        f"\r\n\r\n").encode() + DATA[-2:] + f"\r\n--{boundary}--\r\n".encode()


def test_if_range_and_preconditions(obj):
    head = obj.head("pithos/file.bin").headers
    etag, last = head["ETag"], head["Last-Modified"]
    ranged = {"Range": "bytes=0-1"}
    assert obj.get("pithos/file.bin", headers=dict(ranged, **{"If-Range": ""}), status=206)
    assert obj.get("pithos/file.bin", headers=dict(ranged, **{"If-Range": f'"{etag}"'}), status=206)
    assert obj.get("pithos/file.bin", headers=dict(ranged, **{"If-Range": last}), status=206)
    assert obj.get("pithos/file.bin", headers=dict(ranged, **{"If-Range": "other"}), status=200)
    res = obj.get("pithos/file.bin", headers={"If-None-Match": f'"{etag}"'}, status=304)
    assert res.body == b"" and res.headers["ETag"] == etag
    assert obj.head("pithos/file.bin", headers={"If-None-Match": "*"}).status_int == 304
    assert obj.get("pithos/file.bin", headers={"If-Modified-Since": last}, status=304)
    assert obj.get("pithos/file.bin", headers={"If-Modified-Since": "Sun Sep  9 01:46:40 2001"}).status_int == 200
    res = obj.get("pithos/file.bin", headers={"If-Match": '"nope"'}, status=412)
    assert_fault(res, "preconditionFailed", 412, "Resource ETag does not match")
    assert obj.get("pithos/file.bin", headers={"If-Match": etag.upper()}).status_int == 200
    assert obj.get("pithos/file.bin", headers={"If-Unmodified-Since": "Sun, 09 Sep 2001 01:46:40 GMT"},
                   status=412)
    # Writes: If-Match on a missing object, If-None-Match on an existing one.
    res = obj.put("pithos/absent", b"x", headers={"If-Match": "*"}, status=412)
    assert_fault(res, "preconditionFailed", 412, "Resource does not exist")
    res = obj.put("pithos/file.bin", b"x", headers={"If-None-Match": "*"}, status=412)
    assert_fault(res, "preconditionFailed", 412, "Resource exists or ETag matches")
    obj.put("pithos/absent", b"x", headers={"If-None-Match": "*"})
    obj.put("pithos/file.bin", DATA, headers={"If-Match": etag})
    assert obj.post("pithos/file.bin", headers={"If-Match": '"x"'}, status=412)


def test_versions_and_hashmaps(obj):
    first = obj.head("pithos/file.bin").headers["X-Object-Version"]
    obj.put("pithos/file.bin", b"second")
    versions = obj.json("pithos/file.bin", params="version=list")["versions"]
    assert [v[0] for v in versions] == [int(first), versions[1][0]] and float(versions[0][1])
    assert obj.get("pithos/file.bin", params=f"version={first}").body == DATA
    res = obj.get("pithos/file.bin", params="version=list&format=xml").text
    assert '<object name="file.bin"><version timestamp="' in res
    for bad in ("abc", "999999", "0"):
        assert_fault(obj.get("pithos/file.bin", params=f"version={bad}", status=404), "itemNotFound", 404,
                     "Version does not exist")
    res = obj.json("pithos/file.bin", params=f"hashmap&format=json&version={first}")
    assert res == {"block_size": BS, "block_hash": "sha256", "bytes": 512, "hashes": hashes_of(DATA, BS)}
    assert obj.json("pithos/file.bin", params="hashmap=True")["hashes"] == hashes_of(b"second", BS)
    xml = obj.get("pithos/file.bin", params="hashmap&format=xml").text
    assert f'<object name="file.bin" bytes="6" block_size="{BS}" block_hash="sha256"><hash>' in xml
    obj.delete("pithos/file.bin")
    assert obj.get("pithos/file.bin", status=404)
    assert len(obj.json("pithos/file.bin", params="version=list")["versions"]) == 2
    assert obj.get("pithos/file.bin", params=f"version={first}").body == DATA
    assert obj.json("pithos/nothing", params="version=list", status=404)


def test_versioning_none(alice):
    alice.put("flat", headers={"X-Container-Policy-Versioning": "none"})
    alice.put("flat/o", b"1")
    alice.put("flat/o", b"2")
    assert len(alice.json("flat/o", params="version=list")["versions"]) == 1
    alice.delete("flat/o")
    assert alice.json("flat/o", params="version=list")["versions"] == []


def test_hashmap_upload(alice):
    data = b"z" * (BS * 2) + b"tail"
    hashes = hashes_of(data, BS)
    body = json.dumps({"bytes": len(data), "hashes": hashes})
    res = alice.put("pithos/h", body, params="hashmap&format=json", status=409)
    assert res.json == [hashes[0], hashes[2]] and res.headers["Content-Type"].startswith("application/json")
    xml_body = f'<object bytes="{len(data)}">' + "".join(f"<hash>{h}</hash>" for h in hashes) + "</object>"
    res = alice.put("pithos/h", xml_body, params="hashmap&format=xml", status=409)
    assert res.text.endswith(f"<items><item>{hashes[0]}</item><item>{hashes[2]}</item></items>")
    for block in (data[:BS], data[2 * BS:]):
        posted = alice.post("pithos", block, params="update=&format=json",
                            headers={"Content-Type": "application/octet-stream"})
        assert posted.json[0] in hashes
    res = alice.put("pithos/h", body, params="hashmap&format=json")
    assert res.headers["ETag"] == top_hash(hashes)
    assert alice.get("pithos/h").body == data
    # A zero-byte object (kamaki sends no hashes).
    alice.put("pithos/zero", json.dumps({"bytes": 0, "hashes": []}), params="hashmap=True&format=json")
    assert alice.head("pithos/zero").headers["ETag"] == EMPTY_HASH
    # XML body.
    xml = f'<object bytes="4"><hash>{hashes_of(b"tail", BS)[0]}</hash></object>'
    alice.put("pithos/x", xml, params="hashmap&format=xml")
    assert alice.get("pithos/x").body == b"tail"


@pytest.mark.parametrize("body, message", [
    ("not json", "Invalid data formatting"), ("[]", "Invalid data formatting"),
    ('{"bytes": "1", "hashes": []}', "Invalid data formatting"),
    ('{"bytes": 10, "hashes": ["abc"]}', "Invalid hash: abc"),
    ('{"bytes": 1000, "hashes": ["%s"]}' % EMPTY_HASH, "Invalid data formatting"),
])
def test_bad_hashmaps(alice, body, message):
    assert_fault(alice.put("pithos/h", body, params="hashmap", status=400), "badRequest", 400, message)


def test_copy_and_move(obj, bob):
    src_uuid = obj.head("pithos/file.bin").headers["X-Object-UUID"]
    res = obj.put("trash/copy", headers={"X-Copy-From": "/pithos/file.bin", "X-Object-Meta-Extra": "1"})
    h = obj.head("trash/copy").headers
    assert h["X-Object-UUID"] != src_uuid and h["X-Object-Meta-Kind"] == "test" and h["X-Object-Meta-Extra"] == "1"
    assert int(res.headers["X-Object-Version"]) == int(h["X-Object-Version"])
    assert h["Content-Type"] == "application/octet-stream" and obj.get("trash/copy").body == DATA
    obj.request("COPY", "pithos/file.bin", headers={"Destination": "/trash/copy2", "Content-Type": "text/x"},
                status=201)
    assert obj.head("trash/copy2").headers["Content-Type"] == "text/x"
    obj.request("COPY", "pithos/file.bin", params="ignore_content_type",
                headers={"Destination": "/trash/copy3", "Content-Type": "text/x"}, status=201)
    assert obj.head("trash/copy3").headers["Content-Type"] == "application/octet-stream"
    res = obj.request("MOVE", "pithos/file.bin", headers={"Destination": "/trash/moved"}, status=201)
    assert obj.head("trash/moved").headers["X-Object-UUID"] == src_uuid
    assert obj.head("pithos/file.bin").status_int == 404
    obj.put("pithos/back", headers={"X-Move-From": "/trash/moved", "Content-Length": "0"})
    assert obj.get("pithos/back").body == DATA
    # Restoring an old version onto itself keeps the uuid.
    first = obj.head("pithos/back").headers["X-Object-Version"]
    obj.put("pithos/back", b"new")
    obj.put("pithos/back", headers={"X-Copy-From": "/pithos/back", "X-Source-Version": first})
    assert obj.get("pithos/back").body == DATA and obj.head("pithos/back").headers["X-Object-UUID"] == src_uuid
    # Errors.
    assert_fault(obj.request("COPY", "pithos/back", status=400), "badRequest", 400, "Missing Destination header")
    assert_fault(obj.request("COPY", "pithos/back", headers={"Destination": "nope"}, status=400),
                 "badRequest", 400, "Invalid Destination header")
    assert_fault(obj.put("pithos/y", headers={"X-Copy-From": "pithos/back"}, status=400), "badRequest", 400,
                 "Invalid X-Copy-From header")
    assert_fault(obj.put("pithos/y", headers={"X-Move-From": "/pithos"}, status=400), "badRequest", 400,
                 "Invalid X-Move-From header")
    res = obj.put("pithos/y", headers={"X-Copy-From": "/pithos/ghost"}, status=404)
    assert_fault(res, "itemNotFound", 404, "Container or object does not exist")
    assert obj.put("nope/y", headers={"X-Copy-From": "/pithos/back"}, status=404)
    assert obj.put("pithos/y", headers={"X-Copy-From": "/pithos/back", "X-Source-Version": "1"}, status=404)
    res = obj.request("COPY", "pithos/back", headers={"Destination": "/trash/c", "If-Match": '"x"'}, status=412)
    assert_fault(res, "preconditionFailed", 412)
    # Another user: may not copy from what it cannot read, nor move what it does not own.
    assert bob.request("COPY", "pithos/back", account=obj.user.uuid,
                       headers={"Destination": "/pithos/c"}, status=403)
    obj.post("pithos/back", params="update", headers={"X-Object-Sharing": f"write={bob.user.uuid}"})
    bob.request("COPY", "pithos/back", account=obj.user.uuid, headers={"Destination": "/pithos/mine"},
                status=201)
    assert bob.get("pithos/mine").body == DATA
    assert bob.request("MOVE", "pithos/back", account=obj.user.uuid,
                       headers={"Destination": "/pithos/stolen"}, status=403)


def test_copy_move_delete_with_delimiter(alice):
    for name in ("d/a", "d/b/c", "dx"):
        alice.put("pithos/" + name, name.encode())
    alice.put("pithos/d", content_type="application/directory")
    alice.request("COPY", "pithos/d", params="delimiter=/", headers={"Destination": "/trash/e"}, status=201)
    assert alice.get("trash").text == "e\ne/a\ne/b/c\n"
    alice.request("MOVE", "trash/e", params="delimiter=/", headers={"Destination": "/trash/f"}, status=201)
    assert alice.get("trash").text == "f\nf/a\nf/b/c\n"
    alice.delete("pithos/d", params="delimiter=/")
    assert alice.get("pithos").text == "dx\n"
    assert_fault(alice.delete("pithos/d", status=404), "itemNotFound", 404, "Object does not exist")


def test_data_updates(alice):
    alice.put("pithos/u", b"0123456789")
    ct = {"Content-Type": "application/octet-stream"}
    res = alice.post("pithos/u", b"ab", headers=dict(ct, **{"Content-Range": "bytes 2-3/*"}), status=204)
    assert res.headers["ETag"] and res.headers["X-Object-Version"]
    assert alice.get("pithos/u").body == b"01ab456789"
    alice.post("pithos/u", b"XYZ", headers=dict(ct, **{"Content-Range": "bytes */*"}), status=204)
    assert alice.get("pithos/u").body == b"01ab456789XYZ"
    big = b"q" * (BS + 5)
    alice.post("pithos/u", big, headers=dict(ct, **{"Content-Range": "bytes 10-/*"}), status=204)
    assert alice.get("pithos/u").body == b"01ab456789" + big
    assert alice.json("pithos/u", params="hashmap")["hashes"] == hashes_of(b"01ab456789" + big, BS)
    # Truncate through the object itself, then restore a version.
    versions = alice.json("pithos/u", params="version=list")["versions"]
    alice.post("pithos/u", headers={"X-Source-Object": "/pithos/u", "Content-Range": "bytes 0-0/*",
                                    "X-Object-Bytes": "3"}, status=204)
    assert alice.get("pithos/u").body == b"010"[:1] + b"1a"
    assert alice.json("pithos/u", params="hashmap")["hashes"] == hashes_of(b"01a", BS)
    alice.post("pithos/u", headers={"X-Source-Object": "/pithos/u", "X-Source-Version": str(versions[0][0]),
                                    "Content-Range": "bytes 0-/*", "X-Object-Bytes": "10"}, status=204)
    assert alice.get("pithos/u").body == b"0123456789"


@pytest.mark.parametrize("headers, code, message", [
    ({"Content-Type": "application/octet-stream"}, 400, "Missing Content-Range header"),
    ({"Content-Type": "application/octet-stream", "Content-Range": "bytes 5-2/*"}, 416,
     "Invalid Content-Range header"),
    ({"Content-Type": "application/octet-stream", "Content-Range": "bytes 20-21/*"}, 416,
     "Supplied offset is beyond object limits"),
    ({"Content-Type": "application/octet-stream", "Content-Range": "bytes 0-1/99"}, 416,
     "Supplied range will change provided object limits"),
    ({"Content-Type": "application/octet-stream", "Content-Range": "bytes 0-5/*"}, 400,
     "Content length does not match range length"),
    ({"X-Source-Object": "bad", "Content-Range": "bytes 0-1/*"}, 400, "Invalid source object"),
    ({"X-Source-Object": "/pithos/ghost", "Content-Range": "bytes 0-1/*"}, 404, "Source object does not exist"),
    ({"X-Source-Object": "/pithos/u", "Content-Range": "bytes 0-99/*"}, 400,
     "Object length is smaller than range length"),
    ({"X-Source-Object": "/pithos/u", "Content-Range": "bytes 0-1/*", "X-Object-Bytes": "x"}, 400,
     "Invalid X-Object-Bytes header"),
])
def test_data_update_refusals(alice, headers, code, message):
    alice.put("pithos/u", b"0123456789")
    res = alice.post("pithos/u", b"ab", headers=headers, status=code)
    assert_fault(res, {400: "badRequest", 404: "itemNotFound", 416: "rangeNotSatisfiable"}[code], code, message)
    assert alice.get("pithos/u").body == b"0123456789"


def test_form_upload(alice):
    res = alice.testapp.post(alice.url("pithos/form") + f"?X-Auth-Token={alice.user.token}",
                             upload_files=[("X-Object-Data", "f.txt", b"form data", "text/plain")], status=201)
    assert res.text == res.headers["ETag"] and alice.get("pithos/form").body == b"form data"
    assert alice.head("pithos/form").headers["Content-Type"] == "text/plain"
    res = alice.testapp.post(alice.url("pithos/form") + f"?X-Auth-Token={alice.user.token}",
                             params={"other": "1"}, content_type="multipart/form-data", status=400)
    assert_fault(res, "badRequest", 400, "Missing X-Object-Data field")


def test_manifest(alice):
    alice.put("pithos/parts/1", b"aaa")
    alice.put("pithos/parts/2", b"bb")
    alice.put("pithos/whole", headers={"X-Object-Manifest": "pithos/parts/"})
    res = alice.get("pithos/whole")
    assert res.body == b"aaabb" and res.headers["X-Object-Manifest"] == "pithos/parts/"
    assert alice.head("pithos/whole").headers["Content-Length"] == "5"
    assert alice.get("pithos/whole", headers={"Range": "bytes=2-3"}, status=206).body == b"ab"
    parts = [alice.head(f"pithos/parts/{i}").headers["ETag"] for i in (1, 2)]
    assert res.headers["ETag"] == hashlib.md5("".join(parts).encode()).hexdigest()
    alice.put("pithos/bad", headers={"X-Object-Manifest": "nothing"})
    assert_fault(alice.get("pithos/bad", status=400), "badRequest", 400, "Invalid X-Object-Manifest header")
    alice.put("pithos/lost", headers={"X-Object-Manifest": "gone/x"})
    assert alice.get("pithos/lost", status=404)


def test_delete_until_purges(alice):
    alice.put("pithos/p", b"1")
    alice.put("pithos/p", b"22")
    alice.delete("pithos/p", params="until=99999999999")
    assert alice.get("pithos/p", params="version=list", status=404)
    assert alice.head(status=204).headers["X-Account-Bytes-Used"] == "0"


def test_trailing_spaces_and_slashes_are_significant(alice):
    alice.put("pithos/a ", b"space")
    alice.put("pithos/a", b"plain")
    alice.put("pithos//lead", b"lead")
    alice.put("pithos/dir/", b"slash")
    assert alice.get("pithos/a ").body == b"space" and alice.get("pithos/a").body == b"plain"
    assert alice.get("pithos//lead").body == b"lead" and alice.get("pithos/dir/").body == b"slash"
    alice.put("pithos/x.json", b"j")
    assert alice.get("pithos/x.json").body == b"j"
