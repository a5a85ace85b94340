"""What a backend driver does, and what it is given to do it.

The API never talks to a driver directly, except for ``console`` (which
answers at once): it enqueues jobs (``queue.enqueue``) and a worker hands
each one to the driver, step by step. A step either finishes the job
(``DONE``) or asks to be called again later (``again(seconds)``), so a
long operation (a build) shows its progress without a thread sleeping on
it, and several workers can share the work.

What a finished or failed job means for the server (its state, NICs,
quotas) is decided by the worker (``worker.py``), the same for every
driver; a driver only does the work and reports how it went.
"""
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from ..models.compute import Diagnostic
from ..models.meta import utcnow


class BackendError(Exception):
    """The backend refused or failed the operation: the job fails and the
    server goes to ERROR, the message in its diagnostics."""


@dataclass(frozen=True)
class Step:
    done: bool
    #: Seconds until the next step (when not done).
    retry_after: float = 0.0


DONE = Step(done=True)


def again(seconds):
    return Step(done=False, retry_after=max(0.0, float(seconds)))


@dataclass(frozen=True)
class Console:
    type: str
    host: str
    port: int
    password: str


@dataclass
class JobContext:
    """One step of one job: the session of the step's transaction, the
    job, its server, the step number (0 for the first call) and its
    arguments."""

    dbsession: object
    job: object
    server: object
    step: int
    payload: dict = field(default_factory=dict)

    def diagnose(self, message, level="INFO", details=None, source="backend"):
        """Add an entry to the server's diagnostics (F16)."""
        now = utcnow()
        self.server.diagnostics.append(Diagnostic(
            source=source, level=level, message=message, details=details,
            source_date=now, created_at=now,
        ))


class Driver(ABC):
    """A backend. Each operation is called once per step of its job."""

    @abstractmethod
    def create(self, ctx: JobContext) -> Step:
        """Build the server (``ctx.server.build_progress`` may rise)."""

    @abstractmethod
    def start(self, ctx: JobContext) -> Step: ...

    @abstractmethod
    def shutdown(self, ctx: JobContext) -> Step: ...

    @abstractmethod
    def reboot(self, ctx: JobContext, hard: bool) -> Step: ...

    @abstractmethod
    def destroy(self, ctx: JobContext) -> Step: ...

    @abstractmethod
    def resize(self, ctx: JobContext, flavor) -> Step: ...

    @abstractmethod
    def connect_nic(self, ctx: JobContext, nic) -> Step: ...

    @abstractmethod
    def disconnect_nic(self, ctx: JobContext, nic) -> Step: ...

    @abstractmethod
    def console(self, server, console_type: str) -> Console:
        """Arrange a console now (not a job): where to connect and a fresh
        one-time password."""
