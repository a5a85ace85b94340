"""Top level and accounts (behaviours-object M0.1-M0.9, M1-M7)."""
import pytest

from tests.functional.storage.conftest import ROOT
from tests.helpers import assert_fault


def test_first_request_creates_the_account_with_pithos_and_trash(alice):
    res = alice.head(status=204)
    assert res.headers["X-Account-Container-Count"] == "2"
    assert res.headers["X-Account-Bytes-Used"] == "0"
    assert int(res.headers["X-Account-Policy-Quota"]) == 50 * 1024 ** 3
    assert res.headers["Last-Modified"].endswith(" GMT")
    assert alice.get(status=200).text == "pithos\ntrash\n"
    listed = alice.json()
    assert [c["name"] for c in listed] == ["pithos", "trash"]
    assert listed[0] == {"name": "pithos", "count": 0, "bytes": 0, "last_modified": listed[0]["last_modified"],
                         "x_container_policy": {"quota": "0", "versioning": "auto"}}
    xml = alice.get(params="format=xml").text
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert f'<account name="{alice.user.uuid}"><container><name>pithos</name><count>0</count>' in xml
    assert "<x_container_policy><key>quota</key><value>0</value><key>versioning</key><value>auto</value>" in xml


def test_no_token_is_401_and_bad_token_401(testapp, alice):
    res = testapp.head(alice.url(), status=401)
    res = testapp.get(alice.url(), status=401)
    assert_fault(res, "unauthorized", 401, "Access denied. No authentication token")
    res = testapp.get(alice.url(), headers={"X-Auth-Token": "nope"}, status=401)
    assert_fault(res, "unauthorized", 401)
    # The token as a query parameter works too.
    testapp.get(alice.url() + f"?X-Auth-Token={alice.user.token}", status=200)


def test_wrong_methods_are_405_before_authentication(testapp, alice):
    for url, allow in ((ROOT + "/", "GET"), (alice.url(), "HEAD,POST,GET"),
                       (alice.url("pithos"), "HEAD,PUT,POST,DELETE,GET"),
                       (alice.url("pithos/o"), "HEAD,GET,PUT,COPY,MOVE,POST,DELETE")):
        res = testapp.request(url, method="PATCH", status=405)
        assert res.headers["Allow"] == allow
        assert_fault(res, "notAllowed", 405, "Method not allowed")
    for method in ("HEAD", "PUT", "POST", "DELETE"):
        assert testapp.request(ROOT + "/", method=method, status=405).headers["Allow"] == "GET"


def test_unknown_paths_under_the_api_are_400(testapp):
    res = testapp.get("/object-store/elsewhere", status=400)
    assert_fault(res, "badRequest", 400, "API endpoint not found")


def test_dummy_authentication(testapp):
    res = testapp.get(ROOT + "/", headers={"X-Auth-User": "joe", "X-Auth-Key": "k"}, status=204)
    assert res.headers["X-Auth-Token"] == "k"
    assert res.headers["X-Storage-Url"] == "http://cloud.example.org/object-store/v1/joe"
    res = testapp.get(ROOT, headers={"X-Auth-User": "joe", "X-Auth-Key": "k"}, status=204)
    res = testapp.get(ROOT + "/", headers={"X-Auth-User": "joe"}, status=400)
    assert_fault(res, "badRequest", 400, "Missing X-Auth-User or X-Auth-Key header")


def test_accounts_shared_with_me(alice, bob, testapp):
    assert testapp.get(ROOT + "/", headers=bob.headers(), status=204).body == b""
    assert testapp.get(ROOT + "/?format=json", headers=bob.headers()).json == []
    alice.put("pithos/doc", b"x", headers={"X-Object-Sharing": f"read={bob.user.uuid}"})
    assert testapp.get(ROOT + "/", headers=bob.headers()).text == alice.user.uuid + "\n"
    listed = testapp.get(ROOT + "/?format=json", headers=bob.headers()).json
    assert [a["name"] for a in listed] == [alice.user.uuid] and listed[0]["last_modified"]
    xml = testapp.get(ROOT + "/?format=xml", headers=bob.headers()).text
    assert f"<accounts><account><name>{alice.user.uuid}</name>" in xml
    # Never one's own account.
    assert testapp.get(ROOT + "/", headers=alice.headers(), status=204)
    assert testapp.get(ROOT + "/?limit=0&marker=" + alice.user.uuid, headers=bob.headers(), status=204)


def test_account_metadata_replace_and_update(alice):
    alice.post(headers={"X-Account-Meta-Color_tone": "blue", "X-Account-Meta-Size": "xl"})
    res = alice.head()
    assert res.headers["X-Account-Meta-Color-Tone"] == "blue" and res.headers["X-Account-Meta-Size"] == "xl"
    alice.post(params="update", headers={"X-Account-Meta-Size": "", "X-Account-Meta-New": "1"})
    res = alice.head()
    assert "X-Account-Meta-Size" not in res.headers and res.headers["X-Account-Meta-New"] == "1"
    assert res.headers["X-Account-Meta-Color-Tone"] == "blue"
    alice.post()  # replace with nothing: all gone
    assert not [k for k in alice.head().headers if k.startswith("X-Account-Meta-")]


@pytest.mark.parametrize("headers, message", [
    ({f"X-Account-Meta-{'k' * 120}": "v"}, "Header name too large."),
    ({"X-Account-Meta-K": "v" * 257}, "Header value too large."),
    ({f"X-Account-Meta-K{i}": "v" for i in range(91)}, "Too many headers."),
    ({"X-Account-Group-Bad-Name": "x"}, "Bad characters in group name"),
])
def test_account_post_refusals(alice, headers, message):
    assert_fault(alice.post(headers=headers, status=400), "badRequest", 400, message)


def test_groups(alice, bob):
    alice.post(params="update", headers={"X-Account-Group-Friends": f"{bob.user.uuid}, {alice.user.uuid}"})
    assert sorted(alice.head().headers["X-Account-Group-Friends"].split(",")) == sorted(
        [bob.user.uuid, alice.user.uuid])
    res = alice.post(params="update", headers={"X-Account-Group-Foes": "no-such-user"}, status=400)
    assert_fault(res, "badRequest", 400, "Bad X-Account-Group header value: no-such-user")
    alice.post(params="update", headers={"X-Account-Group-Friends": ""})
    assert "X-Account-Group-Friends" not in alice.head().headers


def test_cross_user_account_access(alice, bob):
    assert bob.head(account=alice.user.uuid).status_int == 403
    assert_fault(bob.get(account=alice.user.uuid, status=403), "forbidden", 403, "Not allowed")
    assert bob.post(account=alice.user.uuid, status=403)
    alice.put("pithos/shared", b"x", headers={"X-Object-Sharing": "read=*"})
    alice.put("trash/private", b"x")
    res = bob.head(account=alice.user.uuid, status=None)
    assert res.status_int == 204 and "X-Account-Bytes-Used" not in res.headers and res.headers["Last-Modified"]
    assert bob.get(account=alice.user.uuid).text == "pithos\n"
    assert bob.json(account=alice.user.uuid)[0].keys() == {"name", "last_modified"}
    assert bob.get(account=alice.user.uuid, params="until=1000", status=403)
    res = bob.get(account=alice.user.uuid, params="public", status=403)
    assert_fault(res, "forbidden", 403, "Public container listing is not allowed to non path owners")
    assert bob.post(account=alice.user.uuid, headers={"X-Account-Meta-X": "1"}, status=403)


def test_account_until_and_preconditions(alice):
    alice.head()
    res = alice.head(params="until=1000000000")
    assert res.headers["X-Account-Container-Count"] == "0"
    assert res.headers["X-Account-Until-Timestamp"] == "Sun, 09 Sep 2001 01:46:40 GMT"
    for bad in ("-1", "1387537056.56", "qwert"):
        assert "X-Account-Until-Timestamp" not in alice.head(params=f"until={bad}").headers
    last = alice.head().headers["Last-Modified"]
    assert alice.head(headers={"If-Modified-Since": last}).status_int == 304
    assert alice.get(headers={"If-Modified-Since": last}, status=304).body == b""
    assert alice.get(headers={"If-Modified-Since": "Sun, 09 Sep 2001 01:46:40 GMT"}).status_int == 200
    assert alice.get(headers={"If-Modified-Since": "garbage"}).status_int == 200
    res = alice.get(headers={"If-Unmodified-Since": "Sun, 09 Sep 2001 01:46:40 GMT"}, status=412)
    assert_fault(res, "preconditionFailed", 412, "Resource has been modified")
    assert alice.head(headers={"If-Unmodified-Since": "Sunday, 09-Sep-01 01:46:40 GMT"}).status_int == 412


def test_catalog_lists_the_object_store(testapp, alice):
    res = testapp.post_json("/identity/v2.0/tokens", {"auth": {"token": {"id": alice.user.token}}})
    services = {s["type"]: s for s in res.json["access"]["serviceCatalog"]}
    store = services["object-store"]
    assert store["name"] == "pithos_object-store"
    assert store["endpoints"][0]["publicURL"].endswith("/object-store/v1")
    assert store["endpoints"][0]["versionId"] == "v1"


def test_quota_resource_is_registered(testapp, alice):
    res = testapp.get("/account/v1.0/resources", headers=alice.headers())
    resource = res.json["pithos.diskspace"]
    assert resource["unit"] == "bytes" and resource["service"] == "pithos_object-store"
    assert resource["description"] == "Pithos account diskspace"
