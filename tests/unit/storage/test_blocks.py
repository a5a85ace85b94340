"""The filesystem block store: atomic writes, refresh, stale removal."""
import os
import time

import pytest

from synnefo_pyr import errors
from synnefo_pyr.storage.blocks.filesystem import FilesystemBlockStore
from synnefo_pyr.storage.hashing import EMPTY_HASH, block_hash


def test_put_get_has_many(tmp_path):
    store = FilesystemBlockStore(tmp_path)
    h = block_hash(b"hello")
    store.put(h, b"hello")
    store.put(h, b"hello")  # again: only refreshed
    assert store.get(h) == b"hello"
    assert store.has_many([h, EMPTY_HASH, "0" * 64]) == {h, EMPTY_HASH}
    assert store.get(EMPTY_HASH) == b""
    with pytest.raises(errors.Unavailable):
        store.get("1" * 64)
    # Nothing but the block itself is left behind.
    files = [f for _, _, names in os.walk(tmp_path) for f in names]
    assert files == [h]


def test_stale_blocks_are_removed_fresh_ones_kept(tmp_path):
    store = FilesystemBlockStore(tmp_path)
    old, young = block_hash(b"old"), block_hash(b"young")
    store.put(old, b"old")
    store.put(young, b"young")
    past = time.time() - 1000
    os.utime(store.path(old), (past, past))
    assert list(store.sweep_candidates(older_than=100)) == [old]
    assert store.remove_if_stale(young, older_than=100) is False
    assert store.remove_if_stale(old, older_than=100) is True
    assert store.has_many([old, young]) == {young}
