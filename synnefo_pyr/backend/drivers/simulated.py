"""The built-in ``simulated`` backend: no hypervisor, only time.

A build takes ``build_seconds`` in five steps, the progress rising by 20
each time; every other operation takes ``action_seconds``. Each step
leaves a diagnostics entry, as a real backend's logs would. Setting both
delays to 0 (the tests) makes every job finish in one worker pass.

Settings (``synnefo_pyr.backend.driver.*``): ``build_seconds``,
``action_seconds`` and ``console_host``, the host the console answers with.
"""
import secrets
import string
from dataclasses import dataclass

from synnefo_pyr.backend.interface import Console, Diagnostic, Driver, again, done
from synnefo_pyr.settings import parse_section

BUILD_STEPS = (
    ("Queued for creation", None),
    ("Image copy started", None),
    ("Image copy finished", None),
    ("Customizing the image", "Injecting personality and setting the password"),
    ("Starting the server", None),
)
_PASSWORD_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class SimulatedSettings:
    build_seconds: float = 3.0
    action_seconds: float = 1.0
    console_host: str = "localhost"
    console_port_base: int = 5900


class SimulatedDriver(Driver):
    def __init__(self, settings=SimulatedSettings()):
        self.settings = settings

    def create(self, task):
        if task.step < len(BUILD_STEPS):
            message, details = BUILD_STEPS[task.step]
            return again(
                self.settings.build_seconds / len(BUILD_STEPS),
                Diagnostic(message, "DEBUG", details, source="image-helper"),
                progress=task.step * 100 // len(BUILD_STEPS),
            )
        return done(Diagnostic("Server built"))

    def _timed(self, task, started, finished):
        """An operation that takes ``action_seconds``: a first step that
        starts it, a second that reports it done."""
        if task.step == 0:
            return again(self.settings.action_seconds, Diagnostic(started, "DEBUG"))
        return done(Diagnostic(finished))

    def start(self, task):
        return self._timed(task, "Starting the server", "Server started")

    def shutdown(self, task):
        return self._timed(task, "Shutting down the server", "Server stopped")

    def reboot(self, task, hard):
        kind = "Hard" if hard else "Soft"
        return self._timed(task, f"{kind} reboot started", f"{kind} reboot finished")

    def destroy(self, task):
        return self._timed(task, "Destroying the server", "Server destroyed")

    def resize(self, task, flavor):
        return self._timed(task, f"Resizing to flavor {flavor.id}", f"Resized to flavor {flavor.id}")

    def connect_nic(self, task, nic):
        return self._timed(task, f"Connecting {nic.api_id}", f"Connected {nic.api_id}")

    def disconnect_nic(self, task, nic):
        return self._timed(task, f"Disconnecting {nic.api_id}", f"Disconnected {nic.api_id}")

    def console(self, server, console_type):
        # A fresh password each time, as vncauthproxy hands out.
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
        return Console(type=console_type, host=self.settings.console_host,
                       port=self.settings.console_port_base + server.id % 1000, password=password)


def make_driver(section):
    """The driver factory: ``section`` is the driver's settings section."""
    return SimulatedDriver(parse_section(section, "", SimulatedSettings))
