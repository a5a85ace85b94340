"""Real clients, unmodified, against the live service: each flow script
prints one line per step that passed and stops at the first failure."""
import pytest

pytestmark = pytest.mark.clients


@pytest.mark.parametrize("client", ["kamaki", "novaclient", "openstacksdk"])
def test_client_flow(client, run_flow, flow_config):
    output = run_flow(client, flow_config)
    assert "ALL STEPS PASSED" in output, output
