"""Compute versions and extensions (E1-E5)."""
from tests.helpers import assert_fault, post_json
from tests.functional.compute.conftest import COMPUTE


def test_version_document_without_token_at_both_spellings(testapp):
    for path in (COMPUTE, COMPUTE + "/"):
        version = testapp.get(path, status=200).json["version"]
        assert version["id"] == "v2.0" and version["status"] == "CURRENT"
        assert [link["rel"] for link in version["links"]] == ["self", "describedby", "describedby"]
        assert version["links"][0]["href"] == "http://cloud.example.org/compute/v2.0/"
        assert {m["base"] for m in version["media-types"]} == {"application/xml", "application/json"}
        # No microversion fields: clients must not negotiate microversions.
        assert "version" not in version and "min_version" not in version


def test_version_document_in_xml(testapp):
    res = testapp.get(COMPUTE + "/?format=xml", status=200)
    assert res.content_type == "application/xml"
    assert b'<version id="v2.0" status="CURRENT"' in res.body
    assert b"<media-types><media-type " in res.body


def test_versions_list_needs_a_token(testapp, user):
    assert_fault(testapp.get("/compute/", status=401), "unauthorized", 401)
    for path in ("/compute", "/compute/"):
        versions = testapp.get(path, headers=user.headers, status=200).json["versions"]
        assert [v["id"] for v in versions] == ["v2.0"]
        assert versions[0]["links"] == [{"rel": "self", "href": "http://cloud.example.org/compute/v2.0/"}]


def test_extensions_are_empty(testapp, user):
    assert testapp.get(f"{COMPUTE}/extensions", headers=user.headers).json == {"extensions": []}
    assert_fault(testapp.get(f"{COMPUTE}/extensions", status=401), "unauthorized", 401)


def test_an_extension_is_a_bare_404(testapp, user):
    res = testapp.get(f"{COMPUTE}/extensions/os-keypairs", headers=user.headers, status=404)
    assert res.body == b""


def test_extensions_refuse_other_methods(testapp, user):
    res = post_json(testapp, f"{COMPUTE}/extensions", {}, headers=user.headers, status=405)
    assert_fault(res, "notAllowed", 405)
    assert res.headers["Allow"] == "GET"
