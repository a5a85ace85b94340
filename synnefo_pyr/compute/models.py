"""Compute: flavors and servers, with their metadata and diagnostics.

A server's NICs are the network package's ports (``network/models.py``);
its backend jobs are the backend's (``backend/models.py``).
"""
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from synnefo_pyr.network.models import NIC

from synnefo_pyr.orm import Base, UTCDateTime, utcnow


def flavor_name(cpu, ram, disk, disk_template):
    return f"C{cpu}R{ram}D{disk}{disk_template}"


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
        return flavor_name(self.cpu, self.ram, self.disk, self.disk_template)


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
    #: Its ports; they outlive neither the server nor their detachment,
    #: but are created and removed by the network package (a port may
    #: exist before it is attached), so no delete-orphan cascade here.
    nics: Mapped[list["NIC"]] = relationship(back_populates="server", order_by="NIC.index")
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
