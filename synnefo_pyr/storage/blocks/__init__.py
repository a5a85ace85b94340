"""The block store: content-addressed blocks behind a narrow interface.

A store keeps each block once, under its hash, as first received (trailing
NULs stripped, ``hashing.strip``); readers pad what they get back with zeros
to the block's length. The interface is what the object service needs and
what a distributed store (RADOS, S3) can give:

``put(hash, data)``
    Keep ``data`` under ``hash``; keeping a block again only refreshes it.
``get(hash)``
    The stored bytes; raises ``errors.Unavailable`` for a block it lacks.
``has_many(hashes)``
    The subset of ``hashes`` it holds, refreshing each (so that the garbage
    collector leaves a block alone that an upload is about to reference).

The empty block (``hashing.EMPTY_HASH``) is never stored: it is always
present and reads as ``b""``.

A store that can be garbage-collected also offers ``sweep_candidates(older_than)``
(hashes of blocks not refreshed for that many seconds) and
``remove_if_stale(hash, older_than)``.
"""
from synnefo_pyr.settings import SettingsError


def make_store(settings):
    """The store the settings name: ``filesystem`` (built in) or the dotted
    name of a factory taking the ``StorageSettings``."""
    name = settings.block_store
    if name == "filesystem":
        from synnefo_pyr.storage.blocks.filesystem import FilesystemBlockStore

        return FilesystemBlockStore(settings.block_dir)
    module, _, attr = name.rpartition(".")
    if not module:
        raise SettingsError(f"synnefo_pyr.storage.block_store: unknown store {name!r}")
    import importlib

    try:
        return getattr(importlib.import_module(module), attr)(settings)
    except (ImportError, AttributeError) as exc:
        raise SettingsError(f"synnefo_pyr.storage.block_store: {exc}") from None
