"""The network service (``/network/v2.0``, behaviours-network.md):
networks, subnets, ports and floating IPs, and the rules the compute
guide's ``/compute/v2.0/networks`` view and the servers share with it.

Declares the ``cyclades_network`` catalog entry (type ``network``), the
quota resources ``cyclades.network.private`` and ``cyclades.floating_ip``
(service ``cyclades_network``), the network permissions of every user,
the ``synnefo_pyr.network.*`` settings and the network manage commands.
"""
import re
from dataclasses import dataclass

from pyramid.authorization import Allow, Authenticated

from synnefo_pyr.network.allocation import MacPrefixPool
from synnefo_pyr.network.server_ports import check_setting
from synnefo_pyr.network.services import NETWORK_TYPES
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.quotas.registry import ResourceSpec
from synnefo_pyr.settings import SettingsError, parse_section

PREFIX = "synnefo_pyr.network."
_MAC_PREFIX = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){0,4}$")

RESOURCES = (
    ResourceSpec("cyclades.network.private", "Number of private networks", "cyclades_network", 5,
                 display_name="Private Network"),
    ResourceSpec("cyclades.floating_ip", "Number of Floating IP addresses", "cyclades_network", 4,
                 display_name="Floating IP address"),
)


@dataclass(frozen=True)
class NetworkSettings:
    #: The first bytes of every MAC address handed out (but on MAC_FILTERED
    #: networks); a counter fills the remaining ones.
    mac_prefix: str = "aa:00:00"
    #: The 3-byte prefixes MAC_FILTERED networks lease, ``START-END``.
    mac_prefix_pool: str = "aa:01:00-aa:ff:ff"
    #: The types users may create through the network service.
    api_enabled_types: tuple[str, ...] = ("MAC_FILTERED",)
    #: ``POST /subnets`` takes IPv4 subnets longer than this prefix (and up to /29).
    max_cidr_block: int = 22
    #: The ports of a server created without ``networks``; ``none``: no port.
    default_server_networks: tuple[str, ...] = ("SNF:ANY_PUBLIC_IPV4",)
    #: The ports every new server gets first.
    forced_server_networks: tuple[str, ...] = ()
    max_ports_per_server: int = 8
    #: Ports may be (un)plugged on running servers; else only on stopped ones.
    hotplug: bool = True

    def __post_init__(self):
        prefix = self.mac_prefix.strip().lower()
        if not _MAC_PREFIX.match(prefix):
            raise SettingsError(
                f"{PREFIX}mac_prefix must be 1 to 5 hex bytes such as 'aa:00:00', not {prefix!r}"
            )
        object.__setattr__(self, "mac_prefix", prefix)
        if MacPrefixPool.parse(self.mac_prefix_pool, prefix) is None:
            raise SettingsError(f"{PREFIX}mac_prefix_pool must be START-END 3-byte prefixes such as"
                                f" 'aa:01:00-aa:ff:ff', not {self.mac_prefix_pool!r}")
        unknown = set(self.api_enabled_types) - set(NETWORK_TYPES)
        if unknown:
            raise SettingsError(f"{PREFIX}api_enabled_types: unknown types {sorted(unknown)}")
        if not 0 <= self.max_cidr_block <= 28:
            raise SettingsError(f"{PREFIX}max_cidr_block must be between 0 and 28")
        if self.max_ports_per_server < 1:
            raise SettingsError(f"{PREFIX}max_ports_per_server must be at least 1")
        if tuple(s.lower() for s in self.default_server_networks) == ("none",):
            object.__setattr__(self, "default_server_networks", ())
        for key in ("default_server_networks", "forced_server_networks"):
            try:
                for selector in getattr(self, key):
                    check_setting(selector)
            except ValueError as exc:
                raise SettingsError(f"{PREFIX}{key}: {exc}") from None

    @property
    def mac_pool(self):
        return MacPrefixPool.parse(self.mac_prefix_pool, self.mac_prefix)


def includeme(config):
    config.registry.network_settings = parse_section(config.get_settings(), PREFIX, NetworkSettings)
    network = config.add_api("network", "/network/v2.0")
    config.add_catalog_service("cyclades_network", "network", "network", "v2.0")
    config.add_root_grants(
        (Allow, Authenticated, P.NETWORK_READ),
        (Allow, Authenticated, P.NETWORK_WRITE),
    )
    config.add_quota_resources(*RESOURCES)
    config.add_manage_commands("synnefo_pyr.network.commands")
    config.include("synnefo_pyr.views.network", route_prefix=network)
