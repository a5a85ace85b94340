"""Assertions shared by the functional tests."""
import json


def assert_fault(response, name, code, message=None):
    """The body is exactly one fault, ``{name: {code, message, details}}``
    (behaviours.md A1), with the given status and (optionally) message."""
    assert response.status_int == code, response.body
    body = json.loads(response.body)
    assert list(body) == [name], body
    fault = body[name]
    assert fault["code"] == code
    assert isinstance(fault["message"], str) and isinstance(fault["details"], str)
    if message is not None:
        assert fault["message"] == message, fault
    return fault


def post_json(testapp, url, body, status="*", headers=None, **kwargs):
    return testapp.post(
        url,
        json.dumps(body) if not isinstance(body, (str, bytes)) else body,
        headers=dict({"Content-Type": "application/json"}, **(headers or {})),
        status=status,
        **kwargs,
    )
