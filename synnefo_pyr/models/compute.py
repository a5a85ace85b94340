"""Compute: flavors, servers (with metadata and diagnostics), networks and
their NICs, and the backend jobs that bring servers to life.

Networks and NICs are shared with the later Neutron-style network service
(behaviours.md section L): that service will be a second view of these
same rows.
"""
from sqlalchemy import (
    Boolean, ForeignKey, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base, UTCDateTime, utcnow


class Flavor(Base):
    __tablename__ = "flavors"
    __table_args__ = (UniqueConstraint("cpu", "ram", "disk", "disk_template"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cpu: Mapped[int] = mapped_column(Integer)
    #: MiB
    ram: Mapped[int] = mapped_column(Integer)
    #: GiB
    disk: Mapped[int] = mapped_column(Integer)
    disk_template: Mapped[str] = mapped_column(String(32))
    #: Hidden from lists, still readable by id (behaviours.md I3).
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    @property
    def name(self):
        return f"C{self.cpu}R{self.ram}D{self.disk}{self.disk_template}"


class Server(Base):
    """A virtual machine. ``operstate`` is what the backend last reported
    (BUILD, ACTIVE, STOPPED, ERROR, DELETED); ``task`` is the action in
    flight (BUILD, START, STOP, REBOOT, DESTROY, RESIZE, CONNECT,
    DISCONNECT), ``None`` when idle. The API status derives from both."""

    __tablename__ = "servers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_uuid: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(255))
    flavor_id: Mapped[int] = mapped_column(ForeignKey("flavors.id"))
    #: The image service's image id (kept even if the image is unregistered).
    image_id: Mapped[str] = mapped_column(String(64))
    operstate: Mapped[str] = mapped_column(String(16), default="BUILD")
    task: Mapped[str | None] = mapped_column(String(16))
    build_progress: Mapped[int] = mapped_column(Integer, default=0)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Armed by ``server-modify --fail`` when no job is pending: the next
    #: job enqueued for the server takes it and fails with this message.
    pending_failure: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False, index=True)

    flavor: Mapped[Flavor] = relationship(lazy="joined")
    metadata_items: Mapped[list["ServerMetadata"]] = relationship(
        back_populates="server", cascade="all, delete-orphan", order_by="ServerMetadata.key"
    )
    nics: Mapped[list["NIC"]] = relationship(
        back_populates="server", cascade="all, delete-orphan", order_by="NIC.index"
    )
    diagnostics: Mapped[list["Diagnostic"]] = relationship(
        back_populates="server", cascade="all, delete-orphan", order_by="Diagnostic.id.desc()"
    )


class ServerMetadata(Base):
    __tablename__ = "server_metadata"
    __table_args__ = (UniqueConstraint("server_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    server_id: Mapped[int] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(255))
    value: Mapped[str] = mapped_column(Text)

    server: Mapped[Server] = relationship(back_populates="metadata_items")


class Diagnostic(Base):
    """An entry of ``GET /servers/<id>/diagnostics`` (behaviours.md F16)."""

    __tablename__ = "server_diagnostics"

    id: Mapped[int] = mapped_column(primary_key=True)
    server_id: Mapped[int] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    source_date = mapped_column(UTCDateTime, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    server: Mapped[Server] = relationship(back_populates="diagnostics")


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

    server: Mapped[Server] = relationship(back_populates="nics")
    network: Mapped[Network] = relationship(back_populates="nics", lazy="joined")

    @property
    def api_id(self):
        return f"nic-{self.server_id}-{self.index}"


class MacCounter(Base):
    """One row per MAC prefix: the next suffix to hand out (row-locked)."""

    __tablename__ = "mac_counters"

    prefix: Mapped[str] = mapped_column(String(17), primary_key=True)
    next_value: Mapped[int] = mapped_column(Integer, default=0)


class BackendJob(Base):
    """Work for the backend driver, written in the transaction of the
    request that caused it, so a rolled-back request sends nothing.

    Workers claim a job by moving it from ``pending`` to ``running`` with a
    conditional UPDATE (or ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so
    several workers never run one job twice.
    """

    __tablename__ = "backend_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    server_id: Mapped[int | None] = mapped_column(
        ForeignKey("servers.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(32))
    #: JSON arguments of the action
    payload: Mapped[str] = mapped_column(Text, default="{}")
    #: pending, running, done, failed
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    #: Set by ``server-modify --fail``: the job fails with this message.
    fail_message: Mapped[str | None] = mapped_column(Text)
    not_before = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    started_at = mapped_column(UTCDateTime, nullable=True)
    finished_at = mapped_column(UTCDateTime, nullable=True)
