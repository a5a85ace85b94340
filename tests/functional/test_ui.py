"""UI helpers: get_services and get_menu, JSON and JSONP (D1, D2)."""
import json

from tests.helpers import assert_fault


def test_get_services(testapp):
    services = testapp.get("/ui/get_services", status=200).json
    assert all({"url", "name", "id"} <= set(s) for s in services)
    names = [s["name"] for s in services]
    assert "cyclades_compute" in names and "astakos_identity" in names


def test_get_services_jsonp(testapp):
    res = testapp.get("/ui/get_services", {"callback": "cb"}, status=200)
    assert res.content_type == "application/javascript"
    text = res.text
    assert text.startswith("cb(") and text.endswith(")")
    assert isinstance(json.loads(text[3:-1]), list)


def test_jsonp_callback_must_be_a_name(testapp):
    res = testapp.get("/ui/get_menu", {"callback": "alert(1)//"}, status=400)
    assert_fault(res, "badRequest", 400, "Invalid callback name")


def test_get_menu_anonymous(testapp):
    assert testapp.get("/ui/get_menu", status=200).json == [
        {"url": "http://cloud.example.org/ui/", "name": "Sign in"}
    ]


def test_get_menu_with_token(testapp, user):
    menu = testapp.get("/ui/get_menu", headers=user.headers, status=200).json
    assert [item["name"] for item in menu] == ["alice@example.org", "Dashboard", "Sign out"]
    assert menu[2]["url"] == "http://cloud.example.org/ui/logout"


def test_get_menu_jsonp(testapp):
    res = testapp.get("/ui/get_menu", {"callback": "menu_cb"}, status=200)
    assert res.text.startswith("menu_cb([")


def test_json_even_when_xml_is_asked_for(testapp):
    """The guide promises "a json formatted list" for both helpers."""
    for path in ("/ui/get_services", "/ui/get_menu"):
        res = testapp.get(path, {"format": "xml"}, headers={"Accept": "application/xml"}, status=200)
        assert res.headers["Content-Type"] == "application/json; charset=UTF-8"
        assert isinstance(res.json, list)


def test_get_menu_with_a_bad_token_is_anonymous(testapp):
    menu = testapp.get("/ui/get_menu", headers={"X-Auth-Token": "bogus"}, status=200).json
    assert [item["name"] for item in menu] == ["Sign in"]


def test_wrong_methods(testapp):
    for path in ("/ui/get_services", "/ui/get_menu"):
        res = testapp.post(path, status=405)
        assert res.headers["Allow"] == "GET"
        assert_fault(res, "notAllowed", 405)
