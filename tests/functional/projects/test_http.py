"""What every project call shares (behaviours-projects.md P1-P7): routes,
methods, authentication, JSON only, bodies and GET filter bodies."""
import json

from tests.functional.projects.conftest import ROOT, spec
from tests.helpers import assert_fault

#: Every route, with its methods (P1).
ROUTES = {
    "/projects": "GET,POST",
    "/projects/1": "GET,POST",
    "/projects/1/action": "POST",
    "/projects/apps": "GET",
    "/projects/apps/1": "GET",
    "/projects/apps/1/action": "POST",
    "/projects/memberships": "GET,POST",
    "/projects/memberships/1": "GET",
    "/projects/memberships/1/action": "POST",
}


def test_other_methods_are_405_with_allow_before_the_token(api, user):
    for path, allowed in ROUTES.items():
        for method in ("PUT", "DELETE", "HEAD", "PATCH") + (("GET",) if "GET" not in allowed else ()):
            for headers in ({}, user.headers):
                res = api.testapp.request(ROOT + path, method=method, headers=headers, status=405)
                assert res.headers["Allow"] == allowed, (path, method)
                if method != "HEAD":
                    assert_fault(res, "notAllowed", 405, "Method not allowed")


def test_unknown_paths_and_non_numeric_ids_are_endpoint_not_found(api, user):
    for path in ("/projects/abc", "/projects/1/foo", "/projects/apps/x", "/projects/apps/1/x",
                 "/projects/memberships/y", "/projects/-1", "/projects/1/action/x"):
        assert_fault(api.get(path, user, status=400), "badRequest", 400, "API endpoint not found")


def test_a_trailing_slash_is_optional(api, user, admin):
    project_id, app_id = api.active_project(user, admin)
    assert api.get("/projects/", user).json[0]["id"] == project_id
    assert api.get(f"/projects/{project_id}/", user).json["id"] == project_id
    assert api.get(f"/projects/apps/{app_id}/", user).json["id"] == app_id
    assert api.get("/projects/apps/", user).json[0]["id"] == app_id
    member = api.post("/projects/memberships/", user, {"join": {"project": project_id}}).json["id"]
    assert api.get(f"/projects/memberships/{member}/", user).json["id"] == member
    api.post(f"/projects/memberships/{member}/action/", user, {"leave": ""})
    api.post(f"/projects/{project_id}/action/", admin, {"suspend": ""})


CALLS = [
    ("GET", "/projects"), ("POST", "/projects"), ("GET", "/projects/1"), ("POST", "/projects/1"),
    ("POST", "/projects/1/action"), ("GET", "/projects/apps"), ("GET", "/projects/apps/1"),
    ("POST", "/projects/apps/1/action"), ("GET", "/projects/memberships"),
    ("POST", "/projects/memberships"), ("GET", "/projects/memberships/1"),
    ("POST", "/projects/memberships/1/action"),
]


def test_every_call_needs_a_user_token_before_any_lookup(api, factory, user):
    """401 for no token, an unknown, expired or inactive user's token, and
    a component's token, on ids that exist nowhere (P2)."""
    component = {"X-Auth-Token": factory.component("cyclades")}
    expired = factory.user(email="old@example.org")
    factory.expire_tokens(expired)
    inactive = factory.user(email="gone@example.org")
    factory.set_active(inactive, False)
    cases = [({}, "Access denied. No authentication token"),
             ({"X-Auth-Token": "bogus"}, "Invalid token"),
             (expired.headers, "Authentication expired"),
             (inactive.headers, "User inactive"),
             (component, "Invalid token")]
    for method, path in CALLS:
        for headers, message in cases:
            if method == "POST":
                res = api.post(path, None, {}, headers=headers, status=401)
            else:
                res = api.get(path, None, headers=headers, status=401)
            assert_fault(res, "unauthorized", 401, message)


def test_answers_are_json_only_with_the_usual_headers(api, user):
    res = api.get("/projects", user, params={"format": "xml"}, headers={"Accept": "application/xml"})
    assert res.content_type == "application/json" and res.json == []
    assert res.headers["Content-Length"] == str(len(res.body))
    assert "no-cache" in res.headers["Cache-Control"] and res.headers["Vary"] == "X-Auth-Token"
    # Faults follow the asked format.
    res = api.get("/projects/1", user, params={"format": "xml"}, status=404)
    assert res.content_type == "application/xml" and b"itemNotFound" in res.body


def test_actions_answer_200_with_an_empty_body(api, user, admin):
    project_id, _ = api.active_project(user, admin)
    res = api.project_action(project_id, admin, "suspend")
    assert res.body == b"" and res.headers["Content-Length"] == "0"


# --- POST bodies (P5) ------------------------------------------------------------

POSTS = ["/projects", "/projects/1", "/projects/1/action", "/projects/apps/1/action",
         "/projects/memberships", "/projects/memberships/1/action"]


def test_an_empty_post_body_is_an_empty_object(api, user):
    for path, message in zip(POSTS, ["Name missing.", "Name missing.", "No recognized action",
                                     "No recognized action", "No recognized action",
                                     "No recognized action"]):
        assert_fault(api.post(path, user, status=400), "badRequest", 400, message)


BAD_BODIES = [
    ({}, b'{"a": 1}', "Missing Content-Type header field"),
    ({"Content-Type": "text/plain"}, b'{"a": 1}', "Unsupported Content-type: 'text/plain'"),
    ({"Content-Type": "application/json"}, b"{not json", "Invalid JSON data"),
    ({"Content-Type": "application/json"}, b"[1, 2]", "Malformed request"),
    ({"Content-Type": "application/json"}, b'"suspend"', "Malformed request"),
]


def test_bad_post_bodies_are_400_before_any_lookup(api, user):
    for headers, raw, message in BAD_BODIES:
        for path in POSTS:
            assert_fault(api.post(path, user, raw=raw, headers=headers, status=400), "badRequest",
                         400, message)


def test_bad_bodies_write_nothing(api, user):
    api.post("/projects", user, raw=b"[]", headers={"Content-Type": "application/json"}, status=400)
    api.post("/projects", user, spec(max_members=-1), status=400)
    api.post("/projects", user, spec(resources={"nothing.here": {"member_capacity": 1}}), status=400)
    assert api.get("/projects", user).json == []
    assert api.get("/projects/apps", user).json == []


# --- GET filter bodies (P6) ---------------------------------------------------------


def test_filters_come_from_the_body_or_the_body_parameter(api, user, admin):
    first, _ = api.active_project(user, admin, name="one.pr")
    api.active_project(user, admin, name="two.pr")
    wanted = {"filter": {"name": "one.pr"}}
    assert [p["id"] for p in api.get("/projects", user, wanted).json] == [first]
    res = api.get("/projects", user, params={"body": json.dumps(wanted)})
    assert [p["id"] for p in res.json] == [first]
    # The body wins over the parameter; any Content-Type.
    res = api.get("/projects", user, body=json.dumps(wanted), params={"body": "{}"},
                  headers={"Content-Type": "text/plain"})
    assert [p["id"] for p in res.json] == [first]
    # Keys other than the call's own are ignored; a ?mode= is ignored too.
    assert len(api.get("/projects", user, {"mode": "member"}, params={"mode": "x"}).json) == 2


def test_bad_filter_bodies_are_400(api, user):
    for path in ("/projects", "/projects/apps", "/projects/memberships"):
        assert_fault(api.get(path, user, body="{nope", status=400), "badRequest", 400,
                     "Request body should be in json format.")
        assert_fault(api.get(path, user, params={"body": "{nope"}, status=400), "badRequest", 400,
                     "Request body should be in json format.")
        assert_fault(api.get(path, user, body="[1]", status=400), "badRequest", 400,
                     "Malformed request")


def test_filter_bodies_follow_the_rules_of_every_body(api, user):
    deep = "[" * 100000 + "]" * 100000
    for path in ("/projects", "/projects/apps", "/projects/memberships"):
        assert_fault(api.get(path, user, body='{"filter": {"name": "\\u0000"}}', status=400),
                     "badRequest", 400, "Request body should be in json format.")
        assert_fault(api.get(path, user, body=deep, status=400), "badRequest", 400)
        assert_fault(api.get(path, user, body=b"\xff\xfe", status=400), "badRequest", 400)
        big = '{"filter": {"name": "%s"}}' % ("x" * (2 ** 21))
        assert_fault(api.get(path, user, body=big, status=413), "requestEntityTooLarge", 413)


def test_hostile_post_bodies_are_400_and_write_nothing(api, user, admin):
    """The bodies the integrity suite sends everywhere (too deep, bogus
    charset, NUL, lone surrogates), on every POST of the project API."""
    from tests.functional.integrity.test_hostile_input import HOSTILE_BODIES

    project_id, _ = api.active_project(user, admin)
    before = api.get("/projects", admin).json
    for body, content_type in HOSTILE_BODIES.values():
        for path in [p.replace("/1", f"/{project_id}") for p in POSTS]:
            res = api.post(path, user, raw=body.encode("utf-8"), headers={"Content-Type": content_type},
                           status=400)
            assert_fault(res, "badRequest", 400, "Invalid JSON data")
    assert api.get("/projects", admin).json == before
