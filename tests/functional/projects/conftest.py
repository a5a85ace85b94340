"""Fixtures of the project API tests: an administrator, a grantable
resource with a base limit of 100, and a small client that speaks the
project API as a given user."""
import json
from dataclasses import dataclass

import pytest

from synnefo_pyr.quotas import registry as resource_registry

ROOT = "/account/v1.0"
RESOURCE = "test.units"
BASE_LIMIT = 100


@pytest.fixture
def admin(factory):
    return factory.user(email="admin@example.org", first_name="Ada", last_name="Admin", admin=True)


@pytest.fixture
def resource(factory):
    """An api-visible resource that projects may grant (walk-through R)."""
    with factory.session() as db:
        resource_registry.add_resource(db, RESOURCE, "test_service", BASE_LIMIT,
                                       description="Units of test")
    return RESOURCE


def spec(name="test.pr", **overrides):
    """A valid submission (P22), with ``overrides``; ``None`` drops a key."""
    body = {
        "name": name,
        "end_date": "2030-01-01T00:00:00Z",
        "max_members": 5,
        "join_policy": "auto",
        "leave_policy": "auto",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


@dataclass
class Api:
    """The project API as seen by users: ``api.get(path, user)``, with
    ``status`` checked when given."""

    testapp: object

    def _headers(self, user, headers=None):
        result = dict(headers or {})
        if user is not None:
            result["X-Auth-Token"] = user.token
        return result

    def get(self, path, user=None, body=None, status=200, headers=None, params=None):
        kwargs = {}
        if body is not None:
            kwargs["body"] = body if isinstance(body, (str, bytes)) else json.dumps(body).encode()
            if isinstance(kwargs["body"], str):
                kwargs["body"] = kwargs["body"].encode()
            headers = dict({"Content-Type": "application/json"}, **(headers or {}))
        url = ROOT + path
        if params:
            from urllib.parse import urlencode
            url += "?" + urlencode(params)
        return self.testapp.request(url, method="GET", headers=self._headers(user, headers),
                                    status=status, **kwargs)

    def post(self, path, user=None, body=None, status=200, headers=None, raw=None):
        headers = self._headers(user, headers)
        if raw is not None:
            data = raw
        elif body is None:
            data = b""
        else:
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        return self.testapp.request(ROOT + path, method="POST", body=data, headers=headers,
                                    status=status)

    # --- shortcuts of the common steps -----------------------------------------

    def create(self, user, status=201, **overrides):
        return self.post("/projects", user, spec(**overrides), status=status).json

    def modify(self, project_id, user, status=201, **overrides):
        return self.post(f"/projects/{project_id}", user, spec(**overrides), status=status).json

    def app_action(self, app_id, user, action, status=200, reason=""):
        return self.post(f"/projects/apps/{app_id}/action", user, {action: reason}, status=status)

    def project_action(self, project_id, user, action, status=200, reason=""):
        return self.post(f"/projects/{project_id}/action", user, {action: reason}, status=status)

    def member_action(self, membership_id, user, action, status=200, reason=""):
        return self.post(f"/projects/memberships/{membership_id}/action", user, {action: reason},
                         status=status)

    def join(self, project_id, user, status=200):
        return self.post("/projects/memberships", user, {"join": {"project": project_id}},
                         status=status)

    def enroll(self, project_id, email, user, status=200):
        return self.post("/projects/memberships", user,
                         {"enroll": {"project": project_id, "user": email}}, status=status)

    def project(self, project_id, user, status=200):
        return self.get(f"/projects/{project_id}", user, status=status).json

    def membership(self, membership_id, user, status=200):
        return self.get(f"/projects/memberships/{membership_id}", user, status=status).json

    def active_project(self, owner, admin, **overrides):
        """Create and approve: ``(project id, application id)``."""
        created = self.create(owner, **overrides)
        self.app_action(created["application"], admin, "approve")
        return created["id"], created["application"]

    def limit(self, user, resource=RESOURCE):
        quotas = self.testapp.get(ROOT + "/quotas", headers={"X-Auth-Token": user.token}).json
        return quotas["system"][resource]


@pytest.fixture
def api(testapp):
    return Api(testapp)
