"""The settings every API shares, and the one parser of ini sections.

Each package reads its own ``synnefo_pyr.<package>.*`` keys into one frozen
dataclass with ``parse_section`` when it is included, and keeps it on the
registry: a typo or a bad value fails at start, in one line naming the key,
and nothing parses settings on a request.
"""
import logging
import os
import types
import typing
from dataclasses import MISSING, dataclass, field, fields

PREFIX = "synnefo_pyr."
_TRUE, _FALSE = {"true", "yes", "on", "1", "t", "y"}, {"false", "no", "off", "0", "f", "n"}
log = logging.getLogger(__name__)


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the key."""


def _cast(kind, raw, key):
    text = str(raw).strip()
    try:
        if kind is bool:
            if text.lower() not in _TRUE | _FALSE:
                raise ValueError(text)
            return text.lower() in _TRUE
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if typing.get_origin(kind) is tuple:
            return tuple(text.split())
        return text
    except ValueError:
        raise SettingsError(f"{key}: {text!r} is not a valid {getattr(kind, '__name__', kind)}") from None


def parse_section(settings, prefix, cls):
    """An instance of the dataclass ``cls`` whose fields are read from the
    keys ``prefix + <field name>`` (or the field's ``metadata["key"]``),
    cast to the field's type; absent or empty keys keep the default."""
    hints = typing.get_type_hints(cls)
    values = {}
    for item in fields(cls):
        key = prefix + item.metadata.get("key", item.name)
        raw = settings.get(key)
        if raw is None or str(raw).strip() == "":
            if item.default is MISSING and item.default_factory is MISSING:
                raise SettingsError(f"{key} is required")
            continue
        kind = hints[item.name]
        if typing.get_origin(kind) in (typing.Union, types.UnionType):  # ``str | None``
            kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
        values[item.name] = _cast(kind, raw, key)
    try:
        return cls(**values)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


@dataclass(frozen=True)
class AppSettings:
    #: Public base URL used in the service catalog and in ``links``;
    #: ``None`` means "the host the request came to".
    base_url: str | None = None
    #: Run ``alembic upgrade head`` when the application starts.
    auto_migrate: bool = True
    #: Name shown for the whole cloud in ``/ui/get_services``.
    cloud_name: str = "synnefo"
    #: Add a ``Server-Timing`` header: database time and SQL statements.
    timing_header: bool = False
    #: The largest JSON or form body parsed, in bytes (413 beyond).
    max_body_size: int = 1048576
    #: Without a base URL, let the request's ``Host`` header decide the
    #: URLs of the catalog and of links: for development only (a client
    #: could make them point anywhere). Without either, start refuses.
    trust_host_header: bool = False
    #: The URL root of each API, filled by the packages (``apis.add_api``).
    prefixes: dict = field(default_factory=dict, compare=False)

    def url(self, request, api, path=""):
        """Absolute URL of ``path`` under the root of ``api``."""
        base = self.base_url or request.host_url
        return base.rstrip("/") + self.prefixes[api] + path


def parse_settings(settings):
    parsed = parse_section(settings, PREFIX, AppSettings)
    # Like the database URL, the public URL may come from the environment.
    base_url = parsed.base_url or os.environ.get("SYNNEFO_BASE_URL") or None
    if not base_url and not parsed.trust_host_header:
        raise SettingsError(
            f"{PREFIX}base_url is required (or $SYNNEFO_BASE_URL, or the base_url variable): "
            f"the public URL of the service, e.g. https://cloud.example.org; for development "
            f"only, {PREFIX}trust_host_header = true uses the request's Host header instead"
        )
    if not base_url:
        log.info("No %sbase_url: the Host header of each request decides the URLs in the "
                 "catalog and in links (%strust_host_header = true, for development only)",
                 PREFIX, PREFIX)
    if parsed.max_body_size < 1024:
        raise SettingsError(f"{PREFIX}max_body_size must be at least 1024 bytes")
    return AppSettings(
        base_url=base_url.rstrip("/") if base_url else None,
        auto_migrate=parsed.auto_migrate,
        cloud_name=parsed.cloud_name,
        timing_header=parsed.timing_header,
        max_body_size=parsed.max_body_size,
        trust_host_header=parsed.trust_host_header,
    )


def includeme(config):
    config.registry.synnefo = parse_settings(config.get_settings())
