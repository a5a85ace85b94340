"""Quotas: resources, the holdings that bound them, and commissions.

A *holding* is one (holder, source, resource) triple: a user's (holder =
user uuid) allowance of a resource from a source (only ``system``: the
projects of this revision add to it rather than being sources of their
own). It keeps a ``limit`` and two usages, as Astakos' quotaholder does:
``usage_min`` counts only accepted allocations and ``usage_max`` also the
pending ones. An issued commission raises ``usage_max`` (allocations) or
lowers ``usage_min`` (releases) at once, so accepting or rejecting it later
can never fail.

``base_limit`` is the holder's own allowance (the resource's default when
the holding was created, or what ``quota-set`` set); ``limit``, the one the
commissions are checked against, is derived from it by
``quotas.limits.sync``: the base plus what the holder's projects grant.
"""
from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from synnefo_pyr.orm import Base, UTCDateTime, utcnow


class Resource(Base):
    """A kind of resource a service offers (``cyclades.vm``...)."""

    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    description: Mapped[str] = mapped_column(String(255), default="")
    #: ``None`` for plain counts, ``bytes`` for sizes.
    unit: Mapped[str | None] = mapped_column(String(32))
    #: The catalog name of the service that implements it (``cyclades_compute``).
    service: Mapped[str] = mapped_column(String(64), index=True)
    allow_in_projects: Mapped[bool] = mapped_column(Boolean, default=True)
    ui_visible: Mapped[bool] = mapped_column(Boolean, default=True)
    api_visible: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The limit a holder gets when its holding is first created.
    default_limit: Mapped[int] = mapped_column(BigInteger, default=0)


class QuotaHolding(Base):
    __tablename__ = "quota_holdings"
    __table_args__ = (UniqueConstraint("holder", "source", "resource_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A user uuid (``project:<id>`` holders come with projects).
    holder: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    #: The holder's own allowance; ``limit`` is derived from it (docstring).
    base_limit: Mapped[int] = mapped_column(BigInteger)
    limit: Mapped[int] = mapped_column(BigInteger)
    usage_min: Mapped[int] = mapped_column(BigInteger, default=0)
    usage_max: Mapped[int] = mapped_column(BigInteger, default=0)

    resource: Mapped[Resource] = relationship(lazy="joined")


class Commission(Base):
    """An allocation in two steps: issued (``pending``), then ``accepted``
    or ``rejected``. Resolved commissions stay as the accounting log."""

    __tablename__ = "commissions"

    serial: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The component that issued it; ``""`` for the in-process engine.
    client: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    issue_time = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    resolve_time = mapped_column(UTCDateTime)

    provisions: Mapped[list["Provision"]] = relationship(
        back_populates="commission", cascade="all, delete-orphan",
        order_by="Provision.id", lazy="selectin",
    )


class Provision(Base):
    """One (holder, source, resource, quantity) line of a commission."""

    __tablename__ = "provisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[int] = mapped_column(
        ForeignKey("commissions.serial", ondelete="CASCADE"), index=True
    )
    holder: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(BigInteger)

    commission: Mapped[Commission] = relationship(back_populates="provisions")
    resource: Mapped[Resource] = relationship(lazy="joined")
