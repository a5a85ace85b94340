"""Real clients, unmodified, against the live service: each flow script
prints one line per step that passed and stops at the first failure."""
import pytest

from tests.clients import venvs
from tests.clients.conftest import FLOW_CLIENTS

pytestmark = pytest.mark.clients


def _client(name):
    """The client as a parameter, skipped up front (before the service starts)
    when the interpreter it needs is missing."""
    try:
        venvs.base_python(venvs.CLIENTS[FLOW_CLIENTS[name]])
    except venvs.Unavailable as exc:
        return pytest.param(name, marks=pytest.mark.skip(reason=f"{name}: {exc}"))
    return name


@pytest.mark.parametrize("client", [_client(name) for name in FLOW_CLIENTS])
def test_client_flow(client, run_flow, flow_config):
    output = run_flow(client, flow_config)
    assert "ALL STEPS PASSED" in output, output


@pytest.mark.parametrize("client", [_client("kamaki")])
def test_kamaki_projects_flow(client, run_flow, flow_config):
    """Projects, applications, memberships and the quota they grant, with
    kamaki's own commands (flows/kamaki_projects_flow.py)."""
    output = run_flow(client, flow_config, flow="kamaki_projects")
    assert "ALL STEPS PASSED" in output, output
