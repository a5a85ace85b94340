"""The block garbage collector: blocks no version references go, safely
while the service writes.

1. Hashmaps no version uses are deleted (one transaction). A version's
   hashmap is a foreign key: a copy that is about to reference a map makes
   that delete fail instead of leaving the copy without its blocks.
2. Then, in the block store, blocks older than the grace period that no
   remaining hashmap lists are removed; the store re-checks each block's
   age as it removes it (``remove_if_stale``). Every upload refreshes the
   blocks it stores or finds, so a block an upload is about to reference is
   young and stays.
"""
from sqlalchemy import delete, exists, select

from synnefo_pyr.storage.models import HashMap, MapBlock, Version

BATCH = 500


def delete_orphan_maps(dbsession):
    orphan = ~exists().where(Version.map_key == HashMap.key)
    keys = list(dbsession.scalars(select(HashMap.key).where(orphan)))
    for start in range(0, len(keys), BATCH):
        chunk = keys[start:start + BATCH]
        dbsession.execute(delete(MapBlock).where(MapBlock.map_key.in_(chunk)))
        dbsession.execute(delete(HashMap).where(HashMap.key.in_(chunk), orphan))
    return len(keys)


def referenced(dbsession, hashes):
    return set(dbsession.scalars(select(MapBlock.block).distinct().where(MapBlock.block.in_(list(hashes)))))


def collect_blocks(session_scope, store, grace, dry_run=False):
    """Remove the unreferenced blocks older than ``grace`` seconds;
    ``session_scope()`` opens a transaction. Returns ``(removed, kept)``."""
    removed = kept = 0
    candidates = list(store.sweep_candidates(grace))
    for start in range(0, len(candidates), BATCH):
        chunk = candidates[start:start + BATCH]
        with session_scope() as dbsession:
            used = referenced(dbsession, chunk)
        for block in chunk:
            if block in used:
                kept += 1
            elif dry_run or store.remove_if_stale(block, grace):
                removed += 1
            else:
                kept += 1
    return removed, kept
