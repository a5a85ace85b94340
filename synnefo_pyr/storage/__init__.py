"""Object storage (Pithos, the object guide and behaviours-object.md):
accounts, containers, objects, versions, sharing and public objects,
with the data in a content-addressed block store.

Serves ``/object-store/v1`` (``synnefo_pyr.prefix.object-store``) and the
public URLs ``/public/<token>`` (``synnefo_pyr.prefix.public``); declares
the ``pithos.diskspace`` quota resource and the storage commands.
"""
from dataclasses import dataclass

from pyramid.authorization import Allow, Authenticated

from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.settings import SettingsError, parse_section
from synnefo_pyr.storage import quotas
from synnefo_pyr.storage.blocks import make_store
from synnefo_pyr.storage.hashing import BLOCK_SIZE

PREFIX = "synnefo_pyr.storage."


@dataclass(frozen=True)
class StorageSettings:
    #: ``filesystem`` (built in) or the dotted name of a store factory.
    block_store: str = "filesystem"
    #: Where the filesystem store keeps its blocks.
    block_dir: str = "var/storage/blocks"
    #: Block size in bytes (the contract's 4 MiB; tests use smaller ones).
    block_size: int = BLOCK_SIZE
    #: The most one request may upload (bytes; 5 GiB).
    max_upload: int = 5 * 1024 ** 3
    #: ``block-gc`` leaves alone blocks written or refreshed this recently (seconds).
    gc_grace: int = 86400

    def __post_init__(self):
        if self.block_size <= 0 or self.max_upload <= 0 or self.gc_grace < 0:
            raise SettingsError(f"{PREFIX}block_size, max_upload and gc_grace must be positive")


def includeme(config):
    settings = parse_section(config.get_settings(), PREFIX, StorageSettings)
    registry = config.registry
    registry.storage_settings = settings
    registry.block_store = make_store(settings)
    prefix = config.add_api("object-store", "/object-store/v1")
    public = config.add_api("public", "/public")
    config.add_catalog_service("pithos_object-store", "object-store", "object-store", "v1")
    # The top level lists, for any user, the accounts that share with it.
    config.add_root_grants((Allow, Authenticated, P.STORAGE_READ))
    config.add_quota_resources(quotas.SPEC)
    config.add_manage_commands("synnefo_pyr.storage.commands")
    # Object names may end in .json or .xml: no format suffix there.
    config.add_verbatim_prefix(prefix or "/")
    config.add_verbatim_prefix(public or "/")
    config.include("synnefo_pyr.views.storage", route_prefix=prefix)
    config.include("synnefo_pyr.views.storage.include_public", route_prefix=public)
