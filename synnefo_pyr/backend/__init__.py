"""The compute backend: settings, the driver, and the in-process worker.

``synnefo_pyr.backend.*`` ini keys:

``driver``          ``simulated`` (built in) or a dotted name of a ``Driver`` factory
``worker``          ``inprocess``: a daemon thread of the web process runs the jobs;
                    ``external``: run ``snf-pyr-worker CONFIG_URI`` (one or more)
``poll_interval``   seconds between looks at the queue when idle
``build_seconds``   how long the simulated driver takes to build a server
``action_seconds``  how long it takes for any other action
``stale_after``     seconds after which a job still ``running`` is given back
                    (its worker died)
``console_host``    host the simulated console answers with
"""
import threading
from dataclasses import dataclass

from pyramid.events import NewRequest
from pyramid.path import DottedNameResolver

PREFIX = "synnefo_pyr.backend."


@dataclass(frozen=True)
class BackendSettings:
    driver: str = "simulated"
    worker: str = "inprocess"
    poll_interval: float = 0.5
    build_seconds: float = 3.0
    action_seconds: float = 1.0
    stale_after: float = 300.0
    console_host: str = "localhost"


def parse_settings(settings):
    def get(key, default, cast=str):
        value = settings.get(PREFIX + key)
        return default if value in (None, "") else cast(str(value).strip())

    worker = get("worker", BackendSettings.worker)
    if worker not in ("inprocess", "external"):
        raise ValueError(f"{PREFIX}worker must be inprocess or external, not {worker!r}")
    return BackendSettings(
        driver=get("driver", BackendSettings.driver),
        worker=worker,
        poll_interval=get("poll_interval", BackendSettings.poll_interval, float),
        build_seconds=get("build_seconds", BackendSettings.build_seconds, float),
        action_seconds=get("action_seconds", BackendSettings.action_seconds, float),
        stale_after=get("stale_after", BackendSettings.stale_after, float),
        console_host=get("console_host", BackendSettings.console_host),
    )


def make_driver(backend_settings):
    if backend_settings.driver == "simulated":
        from .simulated import SimulatedDriver

        return SimulatedDriver(
            build_seconds=backend_settings.build_seconds,
            action_seconds=backend_settings.action_seconds,
            console_host=backend_settings.console_host,
        )
    factory = DottedNameResolver().resolve(backend_settings.driver)
    return factory(backend_settings)


class _InProcessWorker:
    """Starts the worker thread with the first request, not when the app
    is built: ``snf-pyr-manage`` and ``snf-pyr-worker`` build the app too,
    and must not grow a worker thread of their own."""

    def __init__(self, registry):
        self.registry = registry
        self.worker = None
        self._lock = threading.Lock()

    def __call__(self, event):
        if self.worker is not None:
            return
        with self._lock:
            if self.worker is None:
                from .worker import Worker

                settings = self.registry.backend_settings
                self.worker = Worker(self.registry, poll_interval=settings.poll_interval,
                                     stale_after=settings.stale_after)
                self.worker.start_thread()


def includeme(config):
    registry = config.registry
    if getattr(registry, "backend_settings", None) is not None:
        return  # included already (the compute and network views both need it)
    registry.backend_settings = parse_settings(config.get_settings())
    registry.backend_driver = make_driver(registry.backend_settings)
    if registry.backend_settings.worker == "inprocess":
        registry.backend_inprocess = _InProcessWorker(registry)
        config.add_subscriber(registry.backend_inprocess, NewRequest)
