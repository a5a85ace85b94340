"""Server metadata (G1-G8)."""
import pytest

from synnefo_pyr.db import session_scope
from synnefo_pyr.compute.models import Server

from tests.helpers import assert_fault, post_json
from tests.functional.compute.conftest import COMPUTE


@pytest.fixture
def server(create_server, user):
    return create_server(user, metadata={"role": "web", "users": "admin"})["id"]


def url(server_id, key=None):
    return f"{COMPUTE}/servers/{server_id}/metadata" + (f"/{key}" if key else "")


def test_list_metadata(server, testapp, user):
    res = testapp.get(url(server), headers=user.headers)
    assert res.json == {"metadata": {"role": "web", "users": "admin"}}


# The guide's 413 "Maximum number of metadata exceeded" (POST and PUT) cannot
# happen: the original service had no limit on metadata items (F11), nor do we.
def test_update_metadata_merges_and_answers_201(server, testapp, user):
    res = post_json(testapp, url(server), {"metadata": {"role": "db", "new": "1"}, "ignored": 5},
                    headers=user.headers, status=201)
    assert res.json == {"metadata": {"role": "db", "new": "1", "users": "admin"}}
    assert testapp.get(url(server), headers=user.headers).json == res.json


@pytest.mark.parametrize("body", [{}, {"metadata": "x"}, {"metadata": ["a"]}, {"meta": {"a": "b"}}])
def test_malformed_update_changes_nothing(server, testapp, user, body):
    before = testapp.get(url(server), headers=user.headers).json
    assert_fault(post_json(testapp, url(server), body, headers=user.headers, status=400), "badRequest", 400)
    assert testapp.get(url(server), headers=user.headers).json == before


def test_get_one_item(server, testapp, user):
    assert testapp.get(url(server, "role"), headers=user.headers).json == {"meta": {"role": "web"}}
    res = testapp.get(url(server, "nope"), headers=user.headers, status=404)
    assert_fault(res, "itemNotFound", 404)


def test_set_one_item_answers_201(server, testapp, user):
    res = testapp.put_json(url(server, "color"), {"meta": {"color": "blue"}}, headers=user.headers, status=201)
    assert res.json == {"meta": {"color": "blue"}}
    assert testapp.get(url(server, "color"), headers=user.headers).json == {"meta": {"color": "blue"}}
    testapp.put_json(url(server, "color"), {"meta": {"color": "red"}}, headers=user.headers, status=201)
    assert testapp.get(url(server), headers=user.headers).json["metadata"]["color"] == "red"


@pytest.mark.parametrize("body", [
    {}, {"meta": "blue"}, {"meta": {"color": "blue", "size": "xl"}}, {"meta": {"other": "blue"}},
    {"metadata": {"color": "blue"}},
])
def test_malformed_item_is_400(server, testapp, user, body):
    res = testapp.put_json(url(server, "color"), body, headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400)


def test_delete_one_item(server, testapp, user):
    res = testapp.delete(url(server, "role"), headers=user.headers, status=204)
    assert res.body == b""
    assert_fault(testapp.get(url(server, "role"), headers=user.headers, status=404), "itemNotFound", 404)
    assert_fault(testapp.delete(url(server, "role"), headers=user.headers, status=404), "itemNotFound", 404)


def test_metadata_of_missing_or_others_server_is_404(server, testapp, other_user, user):
    for headers, server_id in ((other_user.headers, server), (user.headers, 9999)):
        assert_fault(testapp.get(url(server_id), headers=headers, status=404), "itemNotFound", 404)
        res = post_json(testapp, url(server_id), {"metadata": {"a": "b"}}, headers=headers, status=404)
        assert_fault(res, "itemNotFound", 404)
        res = testapp.put_json(url(server_id, "a"), {"meta": {"a": "b"}}, headers=headers, status=404)
        assert_fault(res, "itemNotFound", 404)
        assert_fault(testapp.delete(url(server_id, "role"), headers=headers, status=404), "itemNotFound", 404)


def test_writes_on_a_suspended_server_are_403(server, testapp, user, registry):
    with session_scope(registry) as db:
        db.get(Server, server).suspended = True
    res = post_json(testapp, url(server), {"metadata": {"a": "b"}}, headers=user.headers, status=403)
    assert_fault(res, "forbidden", 403)
    res = testapp.put_json(url(server, "a"), {"meta": {"a": "b"}}, headers=user.headers, status=403)
    assert_fault(res, "forbidden", 403)
    assert_fault(testapp.delete(url(server, "role"), headers=user.headers, status=403), "forbidden", 403)
    # Reading stays allowed.
    testapp.get(url(server), headers=user.headers, status=200)


def test_metadata_in_xml(server, testapp, user):
    body = testapp.get(url(server) + "?format=xml", headers=user.headers).body
    assert b'<meta key="role">web</meta>' in body
