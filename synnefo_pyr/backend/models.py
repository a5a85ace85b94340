"""The backend's job queue."""
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..orm import Base, UTCDateTime, utcnow


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
