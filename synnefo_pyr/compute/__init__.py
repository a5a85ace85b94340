"""Compute (Cyclades, the compute guide): flavors, servers, their actions
and metadata, and the compute views of images and networks.

Serves ``/compute/v2.0`` (and the version list one level up); declares the
compute quota resources and is the backend's job handler (the action
table, ``compute/lifecycle.py``).
"""
from dataclasses import dataclass

from pyramid.authorization import Allow, Authenticated

from synnefo_pyr.compute.lifecycle import ServerJobs
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.quotas.registry import GiB, ResourceSpec
from synnefo_pyr.serialization import COMPUTE_NS
from synnefo_pyr.settings import parse_section

PREFIX = "synnefo_pyr.compute."

RESOURCES = (
    ResourceSpec("cyclades.vm", "Number of virtual machines", "cyclades_compute", 10,
                 display_name="Virtual Machine"),
    ResourceSpec("cyclades.total_cpu", "Number of virtual machine processors",
                 "cyclades_compute", 40, display_name="CPU"),
    ResourceSpec("cyclades.cpu", "Number of virtual machine processors of running servers",
                 "cyclades_compute", 40, display_name="CPU"),
    ResourceSpec("cyclades.total_ram", "Virtual machine memory size", "cyclades_compute",
                 40 * GiB, unit="bytes", display_name="RAM"),
    ResourceSpec("cyclades.ram", "Memory size of running servers", "cyclades_compute",
                 40 * GiB, unit="bytes", display_name="RAM"),
    ResourceSpec("cyclades.disk", "Virtual machine disk size", "cyclades_compute",
                 400 * GiB, unit="bytes", display_name="Disk"),
)


@dataclass(frozen=True)
class ComputeSettings:
    #: ``changes-since`` may look back this many seconds (A14's POLL_LIMIT);
    #: deleted servers stay reported as DELETED for at least that long.
    poll_limit: int = 3600
    #: ``SNF:fqdn``: a template with ``{id}``; empty = the public IPv4.
    fqdn_template: str = ""
    #: Base of the stats graph URLs (F15); empty = ``<host>/stats``.
    stats_url: str = ""


def includeme(config):
    settings = parse_section(config.get_settings(), PREFIX, ComputeSettings)
    config.registry.compute_settings = settings
    compute = config.add_api("compute", "/compute/v2.0")
    config.add_catalog_service("cyclades_compute", "compute", "compute", "v2.0")
    config.add_xml_namespace("compute", COMPUTE_NS)
    config.add_root_grants(
        (Allow, Authenticated, P.COMPUTE_READ),
        (Allow, Authenticated, P.COMPUTE_WRITE),
    )
    config.add_quota_resources(*RESOURCES)
    config.add_manage_commands("synnefo_pyr.compute.commands")
    config.set_backend_jobs(ServerJobs())
    config.include("synnefo_pyr.views.compute", route_prefix=compute)
    # The compute version list sits one level above the compute root (E1).
    config.include("synnefo_pyr.views.compute.versions.include_root")
