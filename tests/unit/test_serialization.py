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


def test_timestamps_in_bodies_are_written_as_isoformat_writes_them():
    from synnefo_pyr.serialization import dump_json, timestamp

    naive = datetime(2026, 12, 1, 13, 0, 5, 120)
    whole = datetime(2026, 12, 1, 13, 0, 5)
    aware = whole.replace(tzinfo=timezone.utc)
    athens = datetime(2026, 12, 1, 15, 0, 5, tzinfo=timezone(timedelta(hours=2)))
    for value in (naive, whole, aware, athens):
        expected = isoformat(value)
        assert dump_json({"t": timestamp(value)}) == f'{{"t":"{expected}"}}'.encode()
        # The standard library's path (orjson refuses integers beyond 64 bits).
        assert dump_json({"t": timestamp(value), "n": 2 ** 70}) == \
            f'{{"t":"{expected}","n":{2 ** 70}}}'.encode()
        assert f'created="{expected}"'.encode() in dump_xml({"server": {"created": timestamp(value)}})
    assert isoformat(athens) == "2026-12-01T13:00:05+00:00"
    assert timestamp(None) is None
