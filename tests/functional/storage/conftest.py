"""Fixtures of the object storage tests: the API root, and a small client
that speaks it through WebTest as a user. The test app's blocks are 64
bytes (tests/conftest.py), so objects of a few hundred bytes span blocks."""
import pytest

ROOT = "/object-store/v1"
BS = 64


class Pithos:
    """``testapp`` calls as ``user``, on paths relative to the user's account."""

    def __init__(self, testapp, user):
        self.testapp = testapp
        self.user = user

    def url(self, path="", account=None):
        return f"{ROOT}/{account or self.user.uuid}" + (f"/{path}" if path else "")

    def headers(self, extra=None):
        return dict(self.user.headers, **(extra or {}))

    def request(self, method, path="", body=None, headers=None, status="*", account=None, params=""):
        url = self.url(path, account) + (("?" + params) if params else "")
        if isinstance(body, str):
            body = body.encode("utf-8")
        return self.testapp.request(url, method=method, body=body, headers=self.headers(headers),
                                    status=status, expect_errors=True,
                                    environ=dict(self.testapp.extra_environ))

    def put(self, path, data=b"", content_type="application/octet-stream", headers=None, status=201, **kw):
        return self.request("PUT", path, data, dict({"Content-Type": content_type}, **(headers or {})),
                            status=status, **kw)

    def get(self, path="", headers=None, status=200, **kw):
        return self.request("GET", path, headers=headers, status=status, **kw)

    def head(self, path="", headers=None, status=None, **kw):
        return self.request("HEAD", path, headers=headers, status=status or "*", **kw)

    def post(self, path="", data=b"", headers=None, status=202, **kw):
        return self.request("POST", path, data, headers, status=status, **kw)

    def delete(self, path="", headers=None, status=204, **kw):
        return self.request("DELETE", path, headers=headers, status=status, **kw)

    def json(self, path="", params="format=json", **kw):
        return self.get(path, params=params, **kw).json


@pytest.fixture
def alice(testapp, user):
    return Pithos(testapp, user)


@pytest.fixture
def bob(testapp, other_user):
    return Pithos(testapp, other_user)
