"""Networks: the public network, users' private networks, NICs and their
addresses.

Today their API is the compute guide's ``/compute/v2.0/networks``, included
by the compute package; this package owns the rules, the settings and the
private-network quota.
"""
import re
from dataclasses import dataclass

from synnefo_pyr.quotas.registry import ResourceSpec
from synnefo_pyr.settings import SettingsError, parse_section

PREFIX = "synnefo_pyr.network."
_MAC_PREFIX = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){0,4}$")

RESOURCES = (
    ResourceSpec("cyclades.network.private", "Number of private networks", "cyclades_compute", 5,
                 display_name="Private Network"),
)


@dataclass(frozen=True)
class NetworkSettings:
    #: The first bytes of every MAC address handed out; a counter fills
    #: the remaining ones.
    mac_prefix: str = "aa:00:00"

    def __post_init__(self):
        prefix = self.mac_prefix.strip().lower()
        if not _MAC_PREFIX.match(prefix):
            raise SettingsError(
                f"{PREFIX}mac_prefix must be 1 to 5 hex bytes such as 'aa:00:00', not {prefix!r}"
            )
        object.__setattr__(self, "mac_prefix", prefix)


def includeme(config):
    config.registry.network_settings = parse_section(config.get_settings(), PREFIX, NetworkSettings)
    config.add_quota_resources(*RESOURCES)
    config.add_manage_commands("synnefo_pyr.network.commands")
