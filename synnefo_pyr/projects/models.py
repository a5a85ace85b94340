"""Projects, their applications and resource grants, memberships, and the
logs of their state changes (behaviours-projects.md P10-P16, P35).

A project is described by its *current application*; every submission
(create or modify) is a new application of the same project. A project's
own ``state`` is only ``normal``, ``suspended`` or ``terminated``; the state
the API shows combines it with the current application's (``overall_state``).

``Project.name`` is the *live* name: set while the project is active or
suspended, ``NULL`` otherwise, and unique, so that two live projects can
never share a name even when two approvals race (P28).
"""
from sqlalchemy import (
    BigInteger, ForeignKey, Index, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from synnefo_pyr.orm import Base, UTCDateTime, utcnow

# Project states (stored).
NORMAL, SUSPENDED, TERMINATED = "normal", "suspended", "terminated"

# Application states.
PENDING, APPROVED, REPLACED = "pending", "approved", "replaced"
DENIED, DISMISSED, CANCELLED = "denied", "dismissed", "cancelled"
APPLICATION_STATES = (PENDING, APPROVED, REPLACED, DENIED, DISMISSED, CANCELLED)

# The state the API shows for a project (P15).
ACTIVE = "active"
OVERALL_STATES = (PENDING, ACTIVE, DENIED, DISMISSED, CANCELLED, SUSPENDED, TERMINATED)

# Membership states (P16).
REQUESTED, ACCEPTED, LEAVE_REQUESTED = "requested", "accepted", "leave_requested"
MEMBER_SUSPENDED, REJECTED, REMOVED = "suspended", "rejected", "removed"
MEMBERSHIP_STATES = (REQUESTED, ACCEPTED, LEAVE_REQUESTED, MEMBER_SUSPENDED, REJECTED,
                     CANCELLED, REMOVED)
#: A user "associated" with a project may not ask to join it again.
ASSOCIATED = (REQUESTED, ACCEPTED, LEAVE_REQUESTED, MEMBER_SUSPENDED)
#: Members: they count towards ``max_members`` and see the project.
ACCEPTED_LIKE = (ACCEPTED, LEAVE_REQUESTED, MEMBER_SUSPENDED)
#: Members whose limits the project's grants raise (Q1).
QUOTA_BEARING = (ACCEPTED, LEAVE_REQUESTED)

POLICIES = ("auto", "moderated", "closed")
AUTO, MODERATED, CLOSED = POLICIES

NAME_MAX_LENGTH = 80
HOMEPAGE_MAX_LENGTH = 255


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default=NORMAL)
    #: The current application. Circular with ``project_applications``:
    #: the project is inserted first, then its first application, then this.
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_applications.id", use_alter=True, ondelete="SET NULL")
    )
    #: The live name (module docstring).
    name: Mapped[str | None] = mapped_column(String(NAME_MAX_LENGTH), unique=True)
    creation_date = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    application: Mapped["ProjectApplication"] = relationship(
        foreign_keys=[application_id], post_update=True, lazy="joined", innerjoin=False,
    )


class ProjectApplication(Base):
    __tablename__ = "project_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    homepage: Mapped[str | None] = mapped_column(String(HOMEPAGE_MAX_LENGTH))
    description: Mapped[str | None] = mapped_column(Text)
    comments: Mapped[str | None] = mapped_column(Text)
    start_date = mapped_column(UTCDateTime)
    end_date = mapped_column(UTCDateTime, nullable=False)
    join_policy: Mapped[str] = mapped_column(String(16))
    leave_policy: Mapped[str] = mapped_column(String(16))
    max_members: Mapped[int] = mapped_column(BigInteger)
    issue_date = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: Approve or deny: when, why and by whom (``None`` = a command).
    response_date = mapped_column(UTCDateTime)
    response: Mapped[str | None] = mapped_column(Text)
    response_actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Cancel or dismiss.
    waive_date = mapped_column(UTCDateTime)
    waive_reason: Mapped[str | None] = mapped_column(Text)
    waive_actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    applicant = relationship("User", foreign_keys=[applicant_id], lazy="joined")
    grants: Mapped[list["ProjectResourceGrant"]] = relationship(
        back_populates="application", cascade="all, delete-orphan",
        order_by="ProjectResourceGrant.resource_id", lazy="selectin",
    )


class ProjectResourceGrant(Base):
    """What each member of the project gets added to their limit of a
    resource (``member_capacity``); ``project_capacity`` is only kept (D2)."""

    __tablename__ = "project_resource_grants"
    __table_args__ = (UniqueConstraint("application_id", "resource_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("project_applications.id", ondelete="CASCADE")
    )
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    member_capacity: Mapped[int] = mapped_column(BigInteger)
    project_capacity: Mapped[int | None] = mapped_column(BigInteger)

    application: Mapped[ProjectApplication] = relationship(back_populates="grants")
    resource = relationship("Resource", lazy="joined")


class ProjectMembership(Base):
    """One row per (project, user), ever: leaving and joining again reuse it."""

    __tablename__ = "project_memberships"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id"),
        Index("ix_project_memberships_user_id_state", "user_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16))

    project: Mapped[Project] = relationship(lazy="joined")
    user = relationship("User", lazy="joined")


class ProjectMembershipLog(Base):
    """Every state change of a membership; the date keys of a membership
    (``"requested"``, ``"accepted"``...) are read from it (P12)."""

    __tablename__ = "project_membership_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("project_memberships.id", ondelete="CASCADE"), index=True
    )
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    date = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: ``None``: a management command.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)


class ProjectLog(Base):
    """Every state change of a project; ``deactivation_date`` is read from
    it (P10)."""

    __tablename__ = "project_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    date = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
