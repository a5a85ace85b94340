"""The built-in ``simulated`` backend: no hypervisor, only time.

A build takes ``build_seconds`` in five steps, the progress rising by 20
each time; every other operation takes ``action_seconds``. Each step
leaves a diagnostics entry, as a real backend's logs would. Setting both
delays to 0 (the tests) makes every job finish in one worker pass.
"""
import secrets
import string

from .interface import DONE, Console, Driver, again

BUILD_STEPS = (
    ("Queued for creation", None),
    ("Image copy started", None),
    ("Image copy finished", None),
    ("Customizing the image", "Injecting personality and setting the password"),
    ("Starting the server", None),
)
_PASSWORD_ALPHABET = string.ascii_letters + string.digits


class SimulatedDriver(Driver):
    def __init__(self, build_seconds=3.0, action_seconds=1.0, console_host="localhost",
                 console_port_base=5900):
        self.build_seconds = float(build_seconds)
        self.action_seconds = float(action_seconds)
        self.console_host = console_host
        self.console_port_base = console_port_base

    def create(self, ctx):
        if ctx.step < len(BUILD_STEPS):
            message, details = BUILD_STEPS[ctx.step]
            ctx.server.build_progress = ctx.step * 100 // len(BUILD_STEPS)
            ctx.diagnose(message, level="DEBUG", details=details, source="image-helper")
            return again(self.build_seconds / len(BUILD_STEPS))
        ctx.diagnose("Server built", source="backend")
        return DONE

    def _timed(self, ctx, started, finished):
        """An operation that takes ``action_seconds``: a first step that
        starts it, a second that reports it done."""
        if ctx.step == 0:
            ctx.diagnose(started, level="DEBUG")
            return again(self.action_seconds)
        ctx.diagnose(finished)
        return DONE

    def start(self, ctx):
        return self._timed(ctx, "Starting the server", "Server started")

    def shutdown(self, ctx):
        return self._timed(ctx, "Shutting down the server", "Server stopped")

    def reboot(self, ctx, hard):
        kind = "Hard" if hard else "Soft"
        return self._timed(ctx, f"{kind} reboot started", f"{kind} reboot finished")

    def destroy(self, ctx):
        return self._timed(ctx, "Destroying the server", "Server destroyed")

    def resize(self, ctx, flavor):
        return self._timed(ctx, f"Resizing to flavor {flavor.id}", f"Resized to flavor {flavor.id}")

    def connect_nic(self, ctx, nic):
        return self._timed(ctx, f"Connecting {nic.api_id}", f"Connected {nic.api_id}")

    def disconnect_nic(self, ctx, nic):
        return self._timed(ctx, f"Disconnecting {nic.api_id}", f"Disconnected {nic.api_id}")

    def console(self, server, console_type):
        # A fresh password each time, as vncauthproxy hands out.
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
        return Console(type=console_type, host=self.console_host,
                       port=self.console_port_base + server.id % 1000, password=password)
