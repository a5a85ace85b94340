"""The fault layer: names, codes, JSON and XML bodies (A1-A3)."""
import json
import xml.etree.ElementTree as ET

import pytest
from pyramid.testing import DummyRequest

from synnefo_pyr import faults
from synnefo_pyr.renderers import fault_response


@pytest.mark.parametrize("cls, name, code", [
    (faults.BadRequest, "badRequest", 400),
    (faults.Unauthorized, "unauthorized", 401),
    (faults.Forbidden, "forbidden", 403),
    (faults.ItemNotFound, "itemNotFound", 404),
    (faults.Conflict, "conflict", 409),
    (faults.BuildInProgress, "buildInProgress", 409),
    (faults.OverLimit, "overLimit", 413),
    (faults.BadMediaType, "badMediaType", 415),
    (faults.NetworkInUse, "networkInUse", 421),
    (faults.InternalServerError, "internalServerError", 500),
    (faults.NotImplementedFault, "notImplemented", 501),
    (faults.BadGateway, "badGateway", 502),
    (faults.ServiceUnavailable, "serviceUnavailable", 503),
])
def test_names_and_codes(cls, name, code):
    fault = cls("boom")
    assert (fault.name, fault.code, fault.message) == (name, code, "boom")


def test_json_body_has_exactly_the_fault():
    response = fault_response(DummyRequest(), faults.ItemNotFound("Server not found."))
    assert response.status_int == 404
    assert json.loads(response.body) == {
        "itemNotFound": {"code": 404, "message": "Server not found.", "details": ""}
    }


def test_extra_data_sits_beside_code_and_message():
    fault = faults.OverLimit("Over", data={"data": {"limit": 1}})
    body = json.loads(fault_response(DummyRequest(), fault).body)
    assert body["overLimit"]["data"] == {"limit": 1}


def test_xml_body():
    request = DummyRequest(params={"format": "xml"})
    response = fault_response(request, faults.BadRequest("Bad <thing>", "d&d"))
    assert response.content_type == "application/xml"
    root = ET.fromstring(response.body)
    assert root.tag == "{http://docs.openstack.org/identity/api/v2.0}badRequest"
    assert root.get("code") == "400"
    assert root[0].text == "Bad <thing>" and root[1].text == "d&d"


def test_not_allowed_sets_allow_header():
    response = fault_response(DummyRequest(), faults.NotAllowed(["GET", "POST"]))
    assert response.headers["Allow"] == "GET,POST"


def test_not_modified_and_empty_body_faults_have_no_body():
    assert fault_response(DummyRequest(), faults.NotModified()).body == b""
    assert fault_response(DummyRequest(), faults.ItemNotFound(empty_body=True)).body == b""
