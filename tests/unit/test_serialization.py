"""Format choice, dates and the generic XML shape."""
from datetime import datetime, timedelta, timezone
import xml.etree.ElementTree as ET

from pyramid.testing import DummyRequest

from synnefo_pyr.serialization import dump_xml, isoformat, parse_isoformat, requested_format


def test_requested_format_order():
    assert requested_format(DummyRequest()) == "json"
    assert requested_format(DummyRequest(headers={"Accept": "application/xml"})) == "xml"
    assert requested_format(DummyRequest(params={"format": "json"},
                                         headers={"Accept": "application/xml"})) == "json"
    request = DummyRequest(headers={"Accept": "text/html,application/json;q=0.9,application/xml"})
    assert requested_format(request) == "json"


def test_isoformat_always_has_an_offset():
    naive = datetime(2012, 11, 26, 11, 52, 54)
    assert isoformat(naive) == "2012-11-26T11:52:54+00:00"
    athens = datetime(2012, 11, 26, 13, 52, 54, 123, tzinfo=timezone(timedelta(hours=2)))
    assert isoformat(athens) == "2012-11-26T11:52:54.000123+00:00"


def test_parse_isoformat_requires_a_timezone():
    assert parse_isoformat("2012-11-26T11:52:54+00:00") is not None
    assert parse_isoformat("2012-11-26T11:52:54Z") is not None
    assert parse_isoformat("2012-11-26T11:52:54") is None
    assert parse_isoformat("yesterday") is None


def test_xml_objects_lists_and_metadata():
    doc = {"server": {"id": 1, "name": "a<b", "metadata": {"os": "debian"},
                      "links": [{"rel": "self", "href": "http://x/1"}],
                      "attachments": [{"id": "nic-1-0"}]}}
    root = ET.fromstring(dump_xml(doc, "http://docs.openstack.org/compute/api/v1.1"))
    ns = "{http://docs.openstack.org/compute/api/v1.1}"
    assert root.tag == ns + "server"
    assert root.get("name") == "a<b"
    meta = root.find(ns + "metadata").find(ns + "meta")
    assert (meta.get("key"), meta.text) == ("os", "debian")
    assert root.find("{http://www.w3.org/2005/Atom}link").get("rel") == "self"
    assert root.find(ns + "attachments").find(ns + "nic").get("id") == "nic-1-0"
