"""Every ``synnefo_pyr.*`` ini key, parsed and defaulted in one place.

Views and services read ``request.registry.synnefo`` (an ``AppSettings``)
instead of poking at the raw settings dict, so a typo in an ini key shows up
here once rather than as a silent default somewhere deep in a view.
"""
import os
from dataclasses import dataclass, field

from pyramid.settings import asbool

PREFIX = "synnefo_pyr."

#: The URL roots of the APIs; each is configurable (behaviours.md preface 5).
DEFAULT_PREFIXES = {
    "identity": "/identity/v2.0",
    "account": "/account/v1.0",
    "ui": "/ui",
    "compute": "/compute/v2.0",
    "image": "/image/v1.0",
}


def _int(settings, key, default):
    value = settings.get(PREFIX + key)
    return default if value in (None, "") else int(value)


def _str(settings, key, default=None):
    value = settings.get(PREFIX + key)
    return default if value in (None, "") else str(value).strip()


def _prefix(value):
    value = "/" + value.strip().strip("/")
    return "" if value == "/" else value


@dataclass(frozen=True)
class AppSettings:
    #: Public base URL used in the service catalog and in ``links``;
    #: ``None`` means "the host the request came to".
    base_url: str | None = None
    prefixes: dict = field(default_factory=lambda: dict(DEFAULT_PREFIXES))
    #: Lifetime of a user authentication token, in seconds (30 days).
    token_ttl: int = 30 * 24 * 3600
    #: Run ``alembic upgrade head`` when the application starts.
    auto_migrate: bool = True
    #: Where feedback goes after it is stored: ``log`` or ``smtp``.
    feedback_sink: str = "log"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    feedback_from: str = "synnefo@localhost"
    feedback_to: str = "support@localhost"
    #: Name shown for the whole cloud in ``/ui/get_services``.
    cloud_name: str = "synnefo"
    #: The raw settings, for the subsystems that parse their own keys.
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    def url(self, request, api, path=""):
        """Absolute URL of ``path`` under the root of ``api``."""
        base = self.base_url or request.host_url
        return base.rstrip("/") + self.prefixes[api] + path


def parse_settings(settings):
    prefixes = {
        api: _prefix(_str(settings, "prefix." + api, default))
        for api, default in DEFAULT_PREFIXES.items()
    }
    # Like the database URL, the public URL may come from the environment.
    base_url = _str(settings, "base_url") or os.environ.get("SYNNEFO_BASE_URL") or None
    return AppSettings(
        base_url=base_url.rstrip("/") if base_url else None,
        prefixes=prefixes,
        token_ttl=_int(settings, "token_ttl", AppSettings.token_ttl),
        auto_migrate=asbool(settings.get(PREFIX + "auto_migrate", True)),
        feedback_sink=_str(settings, "feedback.sink", "log"),
        smtp_host=_str(settings, "feedback.smtp_host", "localhost"),
        smtp_port=_int(settings, "feedback.smtp_port", 25),
        feedback_from=_str(settings, "feedback.from", AppSettings.feedback_from),
        feedback_to=_str(settings, "feedback.to", AppSettings.feedback_to),
        cloud_name=_str(settings, "cloud_name", "synnefo"),
        raw=dict(settings),
    )


def includeme(config):
    config.registry.synnefo = parse_settings(config.get_settings())
