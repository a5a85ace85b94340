"""Networks, their subnets and allocation pools, ports (NICs) and the IP
addresses ports and floating IPs hold, and the MAC counter.

Both the compute guide's ``/networks`` calls and the network service
(``/network/v2.0``) are views of these rows.

* A ``Network`` is public (the operator's, no owner, visible to all) or a
  user's private one. Its addresses come from its ``Subnet``s: at most one
  IPv4 and one IPv6 subnet each (a unique key), IPv4 ones with their
  ``IPPool``s, in creation order.
* A ``NIC`` is a port: it exists with or without a server (``server_id``
  NULL), belongs to a user, and on a server has an ``index``
  (``nic-<server>-<index>``, unique per server) and a MAC (unique).
* An ``IPAddress`` is one address on a network, held by a port
  (``nic_id``) or, when ``floating``, by its owner as a floating IP whose
  port may come and go. The unique key (network, address) is what makes
  allocation safe: no address is ever held twice. A freed address is its
  row deleted, so it is free again at once.
"""
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from synnefo_pyr.compute.models import Server

from ..orm import Base, UTCDateTime, utcnow


class Network(Base):
    """A network: public (``user_uuid`` NULL, made by the operator) or a
    user's private one. Its API id is the decimal row id everywhere."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_uuid: Mapped[str | None] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    #: CUSTOM, IP_LESS_ROUTED, MAC_FILTERED, PHYSICAL_VLAN
    type: Mapped[str] = mapped_column(String(32))
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Floating IPs can be allocated from it (public networks only).
    floating_ip_pool: Mapped[bool] = mapped_column(Boolean, default=False)
    #: ``router:external``: the operator created it public.
    external_router: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Operator flag: no new port, no new address (``SNF:DRAINED``).
    drained: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A server has been attached to it once (it exists on the backend):
    #: no subnet may be added any more.
    backend_presence: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The MAC prefix of a MAC_FILTERED network, unique to it while it
    #: lives (NULL: the deployment's default prefix).
    mac_prefix: Mapped[str | None] = mapped_column(String(17), unique=True)
    #: ACTIVE, DELETED or ERROR
    status: Mapped[str] = mapped_column(String(16), default="ACTIVE")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False, index=True)

    nics: Mapped[list["NIC"]] = relationship(back_populates="network")
    subnets: Mapped[list["Subnet"]] = relationship(
        back_populates="network", order_by="Subnet.id", lazy="selectin"
    )

    def subnet(self, version):
        """The network's IPv4 (4) or IPv6 (6) subnet, or ``None``."""
        return next((s for s in self.subnets if s.ip_version == version), None)


class Subnet(Base):
    """An IPv4 or IPv6 range of a network. Subnets go only with their
    network (``deleted`` then), so the unique key (network, version) is
    "at most one of each version per network"."""

    __tablename__ = "subnets"
    __table_args__ = (UniqueConstraint("network_id", "ip_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), index=True)
    #: The network's owner and publicity, copied (NULL owner: public).
    user_uuid: Mapped[str | None] = mapped_column(String(36), index=True)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str | None] = mapped_column(String(128))
    ip_version: Mapped[int] = mapped_column(Integer)
    cidr: Mapped[str] = mapped_column(String(64))
    gateway: Mapped[str | None] = mapped_column(String(64))
    dhcp: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Stored and echoed as given; nothing uses them.
    dns_nameservers: Mapped[list] = mapped_column(JSON, default=lambda: [])
    host_routes: Mapped[list] = mapped_column(JSON, default=lambda: [])
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False, index=True)

    network: Mapped[Network] = relationship(back_populates="subnets")
    #: Loaded when used (allocation, subnet bodies): network bodies need none.
    pools: Mapped[list["IPPool"]] = relationship(
        back_populates="subnet", order_by="IPPool.id", cascade="all, delete-orphan"
    )


class IPPool(Base):
    """A range of an IPv4 subnet that addresses are handed out from, both
    ends included; pools are used in creation (= ascending) order."""

    __tablename__ = "ip_pools"

    id: Mapped[int] = mapped_column(primary_key=True)
    subnet_id: Mapped[int] = mapped_column(ForeignKey("subnets.id", ondelete="CASCADE"), index=True)
    first_address: Mapped[str] = mapped_column(String(64))
    last_address: Mapped[str] = mapped_column(String(64))

    subnet: Mapped[Subnet] = relationship(back_populates="pools")


class IPAddress(Base):
    """An address held on a network: by a port, or as a floating IP (its
    row id is the floating IP's id) by its owner, with or without a port."""

    __tablename__ = "ip_addresses"
    __table_args__ = (UniqueConstraint("network_id", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), index=True)
    subnet_id: Mapped[int] = mapped_column(ForeignKey("subnets.id"), index=True)
    user_uuid: Mapped[str] = mapped_column(String(36), index=True)
    address: Mapped[str] = mapped_column(String(64))
    ip_version: Mapped[int] = mapped_column(Integer)
    floating: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The port using it; a floating IP's is cleared on detach.
    nic_id: Mapped[int | None] = mapped_column(ForeignKey("nics.id"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False, index=True)

    nic: Mapped["NIC | None"] = relationship(back_populates="addresses")
    network: Mapped[Network] = relationship()


class NIC(Base):
    """A port: its row id is the port id; attached to a server it is also
    ``nic-<server>-<index>``.

    States: DOWN (never attached), BUILD (attached, not yet plugged in by
    the backend), ACTIVE (plugged in), ERROR (its server's build failed).
    """

    __tablename__ = "nics"
    __table_args__ = (UniqueConstraint("server_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    server_id: Mapped[int | None] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), index=True)
    #: The owner: who created it, or for whose server it was made.
    user_uuid: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    #: "vm" while attached to a server, else NULL.
    device_owner: Mapped[str | None] = mapped_column(String(16))
    index: Mapped[int | None] = mapped_column(Integer)
    #: Given when the port is attached to a server.
    mac: Mapped[str | None] = mapped_column(String(17), unique=True)
    #: ENABLED, DISABLED, PROTECTED, or NULL when never set
    firewall_profile: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="DOWN")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    server: Mapped["Server | None"] = relationship(back_populates="nics")
    network: Mapped[Network] = relationship(back_populates="nics", lazy="joined")
    addresses: Mapped[list[IPAddress]] = relationship(
        back_populates="nic", order_by=(IPAddress.ip_version, IPAddress.id), lazy="selectin"
    )

    @property
    def api_id(self):
        """The attachment id ``nic-<server>-<index>`` (the compute guide's)."""
        if self.server_id is None or self.index is None:
            return None
        return f"nic-{self.server_id}-{self.index}"

    def address(self, version):
        """The port's IPv4 (4) or IPv6 (6) address row, or ``None``."""
        return next((a for a in self.addresses if a.ip_version == version), None)

    @property
    def ipv4(self):
        row = self.address(4)
        return row.address if row is not None else None

    @property
    def ipv6(self):
        row = self.address(6)
        return row.address if row is not None else None


class MacCounter(Base):
    """One row per MAC prefix: the next suffix to hand out (row-locked).
    The row keyed ``PREFIX_POOL_LOCK`` serializes MAC prefix leases."""

    __tablename__ = "mac_counters"

    prefix: Mapped[str] = mapped_column(String(17), primary_key=True)
    next_value: Mapped[int] = mapped_column(Integer, default=0)
