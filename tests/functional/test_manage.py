"""``snf-pyr-manage``: identity commands print JSON, refuse with exit 1."""
from tests.helpers import assert_fault, post_json


def test_user_add_then_authenticate(manage, testapp):
    created = manage("user-add", "--email", "ada@example.org", "--first-name", "Ada",
                     "--last-name", "Lovelace", "--password", "pw")
    assert {"uuid", "email", "token", "token_expires"} <= set(created)
    res = post_json(testapp, "/identity/v2.0/tokens",
                    {"auth": {"token": {"id": created["token"]}}}, status=200)
    assert res.json["access"]["user"]["id"] == created["uuid"]
    shown = manage("user-show", created["uuid"])
    assert shown["email"] == "ada@example.org" and "token" not in shown
    assert [u["uuid"] for u in manage("user-list")] == [created["uuid"]]


def test_duplicate_user_is_refused(manage):
    manage("user-add", "--email", "a@x.org", "--first-name", "A", "--last-name", "B")
    err = manage("user-add", "--email", "a@x.org", "--first-name", "A", "--last-name", "B", expect=1)
    assert "exists" in err


def test_user_modify(manage, testapp):
    created = manage("user-add", "--email", "a@x.org", "--first-name", "A", "--last-name", "B")
    renewed = manage("user-modify", created["uuid"], "--renew-token")
    assert renewed["token"] != created["token"]
    manage("user-modify", created["uuid"], "--deactivate")
    res = post_json(testapp, "/identity/v2.0/tokens", {"auth": {"token": {"id": renewed["token"]}}})
    assert_fault(res, "unauthorized", 401, "User inactive")
    manage("user-modify", created["uuid"], "--activate", "--admin")
    assert manage("user-show", created["uuid"])["roles"] == ["default", "admin"]
    assert manage("user-modify", created["uuid"], "--no-admin")["is_admin"] is False
    expired = manage("user-modify", created["uuid"], "--token-expires-in", "-10")
    assert "token_expires" in expired
    res = post_json(testapp, "/identity/v2.0/tokens", {"auth": {"token": {"id": renewed["token"]}}})
    assert_fault(res, "unauthorized", 401, "Authentication expired")
    assert "No user" in manage("user-show", "nobody", expect=1)


def test_component_add_and_service_call(manage, testapp):
    component = manage("component-add", "pithos", "--base-url", "https://p.example.org/v1")
    assert component["name"] == "pithos" and component["token"]
    assert [c["name"] for c in manage("component-list")] == ["pithos"]
    post_json(testapp, "/account/v1.0/service/user_catalogs", {"uuids": []},
              headers={"X-Auth-Token": component["token"]}, status=200)
    assert "exists" in manage("component-add", "pithos", "--base-url", "https://x", expect=1)


def test_token_create(manage, testapp):
    created = manage("user-add", "--email", "a@x.org", "--first-name", "A", "--last-name", "B")
    scoped = manage("token-create", "--user", created["uuid"], "--scope", "/image/v1.0",
                    "--expires-in", "60")
    assert scoped["scope"] == "/image/v1.0" and scoped["expires"].endswith("+00:00")
    testapp.get(f"/identity/v2.0/tokens/{scoped['token']}", {"belongsTo": "/image/v1.0/images"},
                status=200)


def test_user_modify_password_then_log_in(manage, testapp):
    created = manage("user-add", "--email", "a@x.org", "--first-name", "A", "--last-name", "B")
    login = {"auth": {"passwordCredentials": {"username": "a@x.org", "password": "n3w"}}}
    assert_fault(post_json(testapp, "/identity/v2.0/tokens", login), "unauthorized", 401,
                 "Invalid token")
    manage("user-modify", created["uuid"], "--password", "n3w")
    res = post_json(testapp, "/identity/v2.0/tokens", login, status=200)
    assert res.json["access"]["user"]["id"] == created["uuid"]


def test_token_create_for_unknown_user_is_refused(manage):
    assert "No user" in manage("token-create", "--user", "nobody", "--scope", "/compute", expect=1)


def test_every_command_and_option_has_a_sentence_of_help(registry):
    """``--help`` texts are whole sentences; every option says what it does."""
    from synnefo_pyr.scripts.manage import build_parser

    import argparse

    parser = build_parser(registry)
    (subparsers,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    commands = subparsers.choices
    assert len(commands) > 20
    for name, sub in commands.items():
        assert sub.description and sub.description[0].isupper() and sub.description.endswith("."), name
        for action in sub._actions:
            if action.dest in ("help",):
                continue
            text = action.help or ""
            assert text[:1].isupper() and text.endswith("."), f"{name} {action.option_strings or action.dest}: {text!r}"
