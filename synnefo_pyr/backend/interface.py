"""What a backend driver does, and what it is given to do it.

The API never talks to a driver directly, except for ``console`` (which
answers at once): it enqueues jobs (``jobs.enqueue``) and a worker hands
each one to the driver, step by step, **outside any database
transaction**: the driver receives plain values (a ``Task``) and returns a
``Step`` saying how it went, so that a real hypervisor call never holds a
database lock while it works. A step either finishes the job (``done()``)
or asks to be called again later (``again(seconds)``), so a long operation
(a build) shows its progress without a thread sleeping on it, and several
workers can share the work.

What a finished or failed job means for the server (its state, NICs,
quotas) is decided by the compute package's action table
(``compute/lifecycle.py``), the same for every driver; a driver only does
the work and reports how it went. It refuses or fails with
``BackendError``.
"""
from abc import ABC, abstractmethod
from dataclasses import dataclass, field


class BackendError(Exception):
    """The backend refused or failed the operation: the job fails and the
    server goes to ERROR, the message in its diagnostics."""


@dataclass(frozen=True)
class FlavorSpec:
    id: int
    cpu: int
    ram: int
    disk: int
    disk_template: str


@dataclass(frozen=True)
class NicSpec:
    id: int
    api_id: str
    network_id: int
    mac: str
    ipv4: str | None
    ipv6: str | None


@dataclass(frozen=True)
class ServerSpec:
    id: int
    name: str
    image_id: str
    flavor: FlavorSpec
    nics: tuple = ()

    def nic(self, nic_id):
        return next((nic for nic in self.nics if nic.id == nic_id), None)


@dataclass(frozen=True)
class Task:
    """One step of one job: the job's id and action, the server as it was
    when the step was claimed, the step number (0 for the first call) and
    the job's arguments (plain JSON values)."""

    job_id: int
    action: str
    server: ServerSpec
    step: int = 0
    payload: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Diagnostic:
    """An entry for the server's diagnostics (F16)."""

    message: str
    level: str = "INFO"
    details: str | None = None
    source: str = "backend"


@dataclass(frozen=True)
class Step:
    done: bool
    #: Seconds until the next step (when not done).
    retry_after: float = 0.0
    #: The build's progress so far (0-100), when the driver knows it.
    progress: int | None = None
    diagnostics: tuple = ()


def done(*diagnostics, progress=None):
    return Step(done=True, progress=progress, diagnostics=diagnostics)


def again(seconds, *diagnostics, progress=None):
    return Step(done=False, retry_after=max(0.0, float(seconds)), progress=progress,
                diagnostics=diagnostics)


@dataclass(frozen=True)
class Console:
    type: str
    host: str
    port: int
    password: str


class Driver(ABC):
    """A backend. Each operation is called once per step of its job.

    A driver is built by its factory from its own settings section: the
    ``synnefo_pyr.backend.driver.*`` keys, prefix removed, as a dict."""

    @abstractmethod
    def create(self, task: Task) -> Step:
        """Build the server."""

    @abstractmethod
    def start(self, task: Task) -> Step: ...

    @abstractmethod
    def shutdown(self, task: Task) -> Step: ...

    @abstractmethod
    def reboot(self, task: Task, hard: bool) -> Step: ...

    @abstractmethod
    def destroy(self, task: Task) -> Step: ...

    @abstractmethod
    def resize(self, task: Task, flavor: FlavorSpec) -> Step: ...

    @abstractmethod
    def connect_nic(self, task: Task, nic: NicSpec) -> Step: ...

    @abstractmethod
    def disconnect_nic(self, task: Task, nic: NicSpec) -> Step: ...

    @abstractmethod
    def console(self, server: ServerSpec, console_type: str) -> Console:
        """Arrange a console now (not a job): where to connect and a fresh
        one-time password."""
