"""The compute backend: its settings, the driver, and the job worker.

``synnefo_pyr.backend.*`` ini keys:

``driver``          ``simulated`` (built in) or the dotted name of a driver
                    factory, called with the driver's own settings section:
                    the ``synnefo_pyr.backend.driver.*`` keys, prefix removed
``worker``          ``inprocess``: a daemon thread of the web process runs the jobs;
                    ``external``: run ``snf-pyr-worker CONFIG_URI`` (one or more)
``poll_interval``   seconds between looks at the queue when idle
``stale_after``     seconds after which a job still ``running`` is given back
                    (its worker died)

What a job of each action does, and what its outcome means, is the job
handler's business (``config.set_backend_jobs(handler)``; the compute
package's action table): the backend only queues, claims and runs.
"""
import threading
from dataclasses import dataclass

from pyramid.tweens import INGRESS
from pyramid.path import DottedNameResolver

from synnefo_pyr.settings import SettingsError, parse_section

PREFIX = "synnefo_pyr.backend."
DRIVER_PREFIX = PREFIX + "driver."
BUILTIN_DRIVERS = {"simulated": "synnefo_pyr.backend.drivers.simulated:make_driver"}


@dataclass(frozen=True)
class BackendSettings:
    driver: str = "simulated"
    worker: str = "inprocess"
    poll_interval: float = 0.5
    stale_after: float = 300.0

    def __post_init__(self):
        if self.worker not in ("inprocess", "external"):
            raise SettingsError(f"{PREFIX}worker must be inprocess or external, not {self.worker!r}")


def driver_section(settings):
    return {key[len(DRIVER_PREFIX):]: value for key, value in settings.items()
            if key.startswith(DRIVER_PREFIX)}


def make_driver(backend_settings, settings):
    factory = DottedNameResolver().resolve(
        BUILTIN_DRIVERS.get(backend_settings.driver, backend_settings.driver)
    )
    return factory(driver_section(settings))


class _InProcessWorker:
    """Starts the worker thread with the first request, not when the app
    is built: ``snf-pyr-manage`` and ``snf-pyr-worker`` build the app too,
    and must not grow a worker thread of their own (nor does a server's
    parent process, which forks the processes that serve)."""

    def __init__(self, registry):
        self.registry = registry
        self.worker = None
        self._lock = threading.Lock()

    def start(self):
        if self.worker is not None:
            return
        with self._lock:
            if self.worker is None:
                from synnefo_pyr.backend.worker import Worker

                self.worker = Worker(self.registry)
                self.worker.start_thread()


def inprocess_worker_tween_factory(handler, registry):
    """Starts the in-process worker on the first request of this process
    (a tween, not a ``NewRequest`` subscriber: see ``renderers``)."""
    start = registry.backend_inprocess.start

    def inprocess_worker_tween(request):
        start()
        return handler(request)

    return inprocess_worker_tween


def set_backend_jobs(config, handler):
    config.registry.backend_jobs = handler


def includeme(config):
    registry = config.registry
    settings = config.get_settings()
    registry.backend_settings = parse_section(settings, PREFIX, BackendSettings)
    registry.backend_driver = make_driver(registry.backend_settings, settings)
    registry.backend_jobs = None
    config.add_directive("set_backend_jobs", set_backend_jobs)
    if registry.backend_settings.worker == "inprocess":
        registry.backend_inprocess = _InProcessWorker(registry)
        config.add_tween("synnefo_pyr.backend.inprocess_worker_tween_factory", under=INGRESS)
