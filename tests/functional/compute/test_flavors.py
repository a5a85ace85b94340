"""Flavors (I1-I4)."""
from tests.helpers import assert_fault
from tests.functional.compute.conftest import COMPUTE, make_flavor


def test_list_flavors_by_id_without_deleted(testapp, user, registry):
    first = make_flavor(registry, cpu=1, ram=512, disk=10)
    second = make_flavor(registry, cpu=4, ram=4096, disk=40, disk_template="plain")
    make_flavor(registry, cpu=8, ram=8192, disk=80, deleted=True)
    flavors = testapp.get(f"{COMPUTE}/flavors", headers=user.headers).json["flavors"]
    assert [f["id"] for f in flavors] == [first, second]
    assert flavors[0] == {
        "id": first,
        "name": "C1R512D10drbd",
        "links": [
            {"rel": "self", "href": f"http://cloud.example.org/compute/v2.0/flavors/{first}"},
            {"rel": "bookmark", "href": f"http://cloud.example.org/compute/v2.0/flavors/{first}"},
        ],
    }


def test_list_flavors_in_detail(testapp, user, registry):
    flavor_id = make_flavor(registry, cpu=4, ram=4096, disk=40, disk_template="plain")
    make_flavor(registry, cpu=8, ram=8192, disk=80, deleted=True)
    flavors = testapp.get(f"{COMPUTE}/flavors/detail", headers=user.headers).json["flavors"]
    assert len(flavors) == 1
    detail = flavors[0]
    assert (detail["id"], detail["ram"], detail["disk"], detail["vcpus"], detail["SNF:disk_template"]) == (
        flavor_id, 4096, 40, 4, "plain")
    assert len(detail["links"]) == 2


def test_get_flavor_even_deleted(testapp, user, registry):
    deleted = make_flavor(registry, cpu=8, ram=8192, disk=80, deleted=True)
    flavor = testapp.get(f"{COMPUTE}/flavors/{deleted}", headers=user.headers).json["flavor"]
    assert flavor["id"] == deleted and flavor["vcpus"] == 8


def test_unknown_flavor_is_404(testapp, user):
    res = testapp.get(f"{COMPUTE}/flavors/9999", headers=user.headers, status=404)
    assert_fault(res, "itemNotFound", 404, "Flavor not found.")


def test_non_numeric_flavor_id_is_an_unknown_endpoint(testapp, user):
    res = testapp.get(f"{COMPUTE}/flavors/abc", headers=user.headers, status=400)
    assert_fault(res, "badRequest", 400, "API endpoint not found")


def test_flavors_need_a_token(testapp, flavor):
    assert_fault(testapp.get(f"{COMPUTE}/flavors", status=401), "unauthorized", 401)
    assert_fault(testapp.get(f"{COMPUTE}/flavors/{flavor}", status=401), "unauthorized", 401)


def test_flavors_in_xml_name_the_cpu_attribute_cpu(testapp, user, registry):
    flavor_id = make_flavor(registry, cpu=2, ram=2048, disk=20)
    res = testapp.get(f"{COMPUTE}/flavors/{flavor_id}?format=xml", headers=user.headers)
    assert res.content_type == "application/xml"
    assert b'cpu="2"' in res.body and b'ram="2048"' in res.body and b"vcpus" not in res.body
    # The guide's flavor examples say ".../compute/api/v1"; the original
    # service's flavor templates, like its server ones (F5), used v1.1.
    listing = testapp.get(f"{COMPUTE}/flavors.xml", headers=user.headers)
    assert b'<flavors xmlns="http://docs.openstack.org/compute/api/v1.1"' in listing.body
    assert f'<flavor id="{flavor_id}" name="C2R2048D20drbd"'.encode() in listing.body


def test_flavors_refuse_writes(testapp, user, flavor):
    res = testapp.delete(f"{COMPUTE}/flavors/{flavor}", headers=user.headers, status=405)
    assert_fault(res, "notAllowed", 405)
    assert res.headers["Allow"] == "GET"
