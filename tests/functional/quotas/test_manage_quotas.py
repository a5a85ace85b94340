"""``snf-pyr-manage`` quota commands: print JSON, refuse with exit 1."""



from tests.helpers import post_json

ROOT = "/account/v1.0"




def test_quota_set_and_show(manage, testapp, user):
    shown = manage("quota-show", user.uuid)
    assert shown["uuid"] == user.uuid
    assert shown["quotas"]["system"]["cyclades.vm"] == {"limit": 10, "usage": 0, "pending": 0}
    updated = manage("quota-set", user.uuid, "cyclades.vm", "1")
    assert updated["quotas"]["system"]["cyclades.vm"]["limit"] == 1
    listed = testapp.get(ROOT + "/quotas", headers=user.headers).json
    assert listed["system"]["cyclades.vm"]["limit"] == 1
    assert manage("quota-show", user.uuid)["quotas"]["system"]["cyclades.vm"]["limit"] == 1


def test_quota_set_refusals(manage, user):
    assert "No user" in manage("quota-set", "nobody", "cyclades.vm", "1", expect=1)
    assert "does not exist" in manage("quota-set", user.uuid, "cyclades.nothing", "1", expect=1)
    assert "integer" in manage("quota-set", user.uuid, "cyclades.vm", "many", expect=1)
    assert "negative" in manage("quota-set", user.uuid, "cyclades.vm", "-1", expect=1)
    assert "at most" in manage("quota-set", user.uuid, "cyclades.vm", str(2 ** 63), expect=1)
    assert "No user" in manage("quota-show", "nobody", expect=1)


def test_resource_list(manage):
    listed = {r["name"]: r for r in manage("resource-list")}
    assert listed["cyclades.vm"]["default_limit"] == 10
    assert listed["cyclades.ram"]["unit"] == "bytes"
    # Both network resources belong to the network service (D16).
    assert listed["cyclades.network.private"]["service"] == "cyclades_network"
    assert listed["cyclades.floating_ip"]["service"] == "cyclades_network"


def test_resource_add_and_modify_for_another_service(manage, testapp, factory, user):
    added = manage("resource-add", "archive.diskspace", "--service", "archive",
                   "--default-limit", "1024", "--unit", "bytes", "--description", "Disk space")
    assert added == {"name": "archive.diskspace", "service": "archive", "description": "Disk space",
                     "unit": "bytes", "default_limit": 1024, "allow_in_projects": True,
                     "ui_visible": True, "api_visible": True}
    assert "exists" in manage("resource-add", "archive.diskspace", "--service", "archive",
                              "--default-limit", "1", expect=1)
    assert testapp.get(ROOT + "/resources").json["archive.diskspace"]["unit"] == "bytes"
    modified = manage("resource-modify", "archive.diskspace", "--default-limit", "2048")
    assert modified["default_limit"] == 2048
    assert "No resource" in manage("resource-modify", "nothing", "--default-limit", "1", expect=1)

    # The other service accounts its resource through the commission API.
    token = {"X-Auth-Token": factory.component("archive", base_url="https://a.example.org/")}
    provision = {"holder": user.uuid, "source": "system", "resource": "archive.diskspace",
                 "quantity": 2049}
    post_json(testapp, ROOT + "/commissions", {"provisions": [provision]}, headers=token,
              status=413)
    provision["quantity"] = 2048
    post_json(testapp, ROOT + "/commissions", {"provisions": [provision], "auto_accept": True},
              headers=token, status=201)
    body = testapp.get(ROOT + "/service_quotas", headers=token).json
    assert body[user.uuid]["system"] == {
        "archive.diskspace": {"limit": 2048, "usage": 2048, "pending": 0}}


def test_resource_add_not_in_projects(manage, testapp):
    added = manage("resource-add", "archive.diskspace", "--service", "archive",
                   "--default-limit", "1", "--no-projects")
    assert added["allow_in_projects"] is False
    assert testapp.get(ROOT + "/resources").json["archive.diskspace"]["allow_in_projects"] is False


def test_resource_fields_longer_than_stored_are_refused(manage):
    too_long = [("x" * 129, "--service", "archive"), ("pithos.x", "--service", "p" * 65),
                ("pithos.x", "--unit", "u" * 33), ("pithos.x", "--description", "d" * 256)]
    for name, option, value in too_long:
        args = [name, "--default-limit", "1", option, value]
        if option != "--service":
            args += ["--service", "archive"]
        assert "at most" in manage("resource-add", *args, expect=1)
    assert "at most" in manage("resource-add", "pithos.x", "--service", "archive",
                               "--default-limit", str(2 ** 63), expect=1)
    manage("resource-add", "pithos.x", "--service", "archive", "--default-limit", "1")
    assert "at most" in manage("resource-modify", "pithos.x", "--description", "d" * 256, expect=1)
    assert "pithos.x" in {r["name"] for r in manage("resource-list")}
