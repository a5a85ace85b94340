"""Networks, their NICs and the MAC counter.

Both the compute guide's ``/networks`` calls and the Neutron-style network
service are views of these rows.
"""
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from synnefo_pyr.compute.models import Server

from ..orm import Base, UTCDateTime, utcnow


class Network(Base):
    """A network: the special public one (``user_uuid`` NULL, ``public``
    true, API id ``public``) or a user's private network."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_uuid: Mapped[str | None] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    #: CUSTOM, IP_LESS_ROUTED, MAC_FILTERED, PHYSICAL_VLAN (the guide's list)
    type: Mapped[str] = mapped_column(String(32))
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    dhcp: Mapped[bool] = mapped_column(Boolean, default=True)
    cidr: Mapped[str | None] = mapped_column(String(64))
    cidr6: Mapped[str | None] = mapped_column(String(64))
    gateway: Mapped[str | None] = mapped_column(String(64))
    gateway6: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="ACTIVE")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False, index=True)

    nics: Mapped[list["NIC"]] = relationship(back_populates="network")


class NIC(Base):
    """A server's interface on a network; API id ``nic-<server>-<index>``.

    The unique constraints are what make allocation safe under concurrent
    requests: no two NICs ever share a MAC, nor an IPv4 address on one
    network.
    """

    __tablename__ = "nics"
    __table_args__ = (
        UniqueConstraint("server_id", "index"),
        UniqueConstraint("network_id", "ipv4"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    server_id: Mapped[int] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), index=True)
    index: Mapped[int] = mapped_column(Integer)
    mac: Mapped[str] = mapped_column(String(17), unique=True)
    ipv4: Mapped[str | None] = mapped_column(String(64))
    ipv6: Mapped[str | None] = mapped_column(String(64))
    #: ENABLED, DISABLED, PROTECTED, or NULL when never set
    firewall_profile: Mapped[str | None] = mapped_column(String(16))
    #: BUILD until the backend has plugged it, then ACTIVE (F10)
    state: Mapped[str] = mapped_column(String(16), default="BUILD")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    server: Mapped["Server"] = relationship(back_populates="nics")
    network: Mapped[Network] = relationship(back_populates="nics", lazy="joined")

    @property
    def api_id(self):
        return f"nic-{self.server_id}-{self.index}"


class MacCounter(Base):
    """One row per MAC prefix: the next suffix to hand out (row-locked)."""

    __tablename__ = "mac_counters"

    prefix: Mapped[str] = mapped_column(String(17), primary_key=True)
    next_value: Mapped[int] = mapped_column(Integer, default=0)
