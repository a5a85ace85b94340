"""``snf-pyr-manage`` compute commands."""
from tests.functional.compute.conftest import COMPUTE


def test_flavor_create_list_modify(manage, testapp, user):
    created = manage("flavor-create", "2", "2048", "40", "drbd")
    assert created["id"] and created["name"] == "C2R2048D40drbd" and created["deleted"] is False
    assert "exists" in manage("flavor-create", "2", "2048", "40", "drbd", expect=1)
    assert "positive" in manage("flavor-create", "0", "2048", "40", "drbd", expect=1)
    assert [f["id"] for f in manage("flavor-list")] == [created["id"]]
    listed = testapp.get(f"{COMPUTE}/flavors", headers=user.headers).json["flavors"]
    assert [f["id"] for f in listed] == [created["id"]]
    assert manage("flavor-modify", str(created["id"]), "--deleted")["deleted"] is True
    assert testapp.get(f"{COMPUTE}/flavors", headers=user.headers).json["flavors"] == []
    assert manage("flavor-list")[0]["deleted"] is True
    assert manage("flavor-modify", str(created["id"]), "--undeleted")["deleted"] is False
    assert "No flavor" in manage("flavor-modify", "999", "--deleted", expect=1)


def test_server_list_show_modify(manage, create_server, user, other_user, testapp, run_jobs):
    mine = create_server(user)
    theirs = create_server(other_user)
    run_jobs()
    assert [s["id"] for s in manage("server-list")] == [mine["id"], theirs["id"]]
    assert [s["id"] for s in manage("server-list", "--user", user.uuid)] == [mine["id"]]
    shown = manage("server-show", str(mine["id"]))
    assert shown["status"] == "ACTIVE" and shown["user"] == user.uuid
    assert shown["nics"][0]["id"] == f"nic-{mine['id']}-0"
    assert manage("server-modify", str(mine["id"]), "--suspended")["suspended"] is True
    detail = testapp.get(f"{COMPUTE}/servers/{mine['id']}", headers=user.headers).json["server"]
    assert detail["suspended"] is True
    assert manage("server-modify", str(mine["id"]), "--unsuspended")["suspended"] is False
    assert "No server" in manage("server-show", "999", expect=1)
