"""Identity: users, tokens, service components, the service catalog and
feedback (the identity guide).

Serves the identity API (``/identity/v2.0``), the account API's user
catalogs and feedback (``/account/v1.0``, and the old URIs at the root),
and the UI helpers (``/ui``).
"""
from dataclasses import dataclass, field

from pyramid.authorization import Allow, Authenticated, Everyone

from synnefo_pyr.identity.token_cache import TimedValue, TokenCache
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.permissions import ANY_SERVICE
from synnefo_pyr.settings import PREFIX, SettingsError, parse_section


@dataclass(frozen=True)
class IdentitySettings:
    #: Lifetime of a user authentication token, in seconds (30 days).
    token_ttl: int = 30 * 24 * 3600
    #: Seconds a process remembers who a token stands for (0: never): also
    #: how long a deactivated user or a re-dated token keeps working there,
    #: and how long a new component takes to show in its catalog.
    token_cache_seconds: float = field(default=10.0, metadata={"key": "identity.token_cache_seconds"})

    def __post_init__(self):
        if self.token_ttl <= 0:
            raise SettingsError(f"{PREFIX}token_ttl must be a positive number of seconds")
        if self.token_cache_seconds < 0:
            raise SettingsError(f"{PREFIX}identity.token_cache_seconds must not be negative")


@dataclass(frozen=True)
class FeedbackSettings:
    #: Where feedback goes after it is stored: ``log`` or ``smtp``.
    sink: str = "log"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    sender: str = field(default="synnefo@localhost", metadata={"key": "from"})
    recipient: str = field(default="support@localhost", metadata={"key": "to"})

    def __post_init__(self):
        if self.sink not in ("log", "smtp"):
            raise SettingsError(f"{PREFIX}feedback.sink must be log or smtp, not {self.sink!r}")


def includeme(config):
    settings = config.get_settings()
    config.registry.identity_settings = parse_section(settings, PREFIX, IdentitySettings)
    ttl = config.registry.identity_settings.token_cache_seconds
    config.registry.token_cache = TokenCache(ttl)
    # The catalog's components are remembered for as long.
    config.registry.component_cache = TimedValue(ttl)
    config.registry.feedback_settings = parse_section(settings, PREFIX + "feedback.", FeedbackSettings)
    identity = config.add_api("identity", "/identity/v2.0")
    account = config.add_api("account", "/account/v1.0")
    ui = config.add_api("ui", "/ui")
    config.add_catalog_service("astakos_account", "account", "account", "v1.0")
    config.add_catalog_service("astakos_identity", "identity", "identity", "v2.0")
    config.add_root_grants(
        # Anyone may authenticate and validate an access token.
        (Allow, Everyone, P.TOKEN_VALIDATE),
        (Allow, Authenticated, P.ACCOUNT_USE),
        (Allow, ANY_SERVICE, P.SERVICE_CATALOGS),
    )
    config.add_manage_commands("synnefo_pyr.identity.commands")
    config.include("synnefo_pyr.views.identity", route_prefix=identity)
    config.include("synnefo_pyr.views.account", route_prefix=account)
    # The pre-0.14 URIs the guide still lists (/feedback, /user_catalogs...).
    config.include("synnefo_pyr.views.account.legacy")
    config.include("synnefo_pyr.views.ui", route_prefix=ui)
