"""``snf-pyr-manage account-show``, ``file-show`` and ``block-gc``."""
import os
import shutil

from synnefo_pyr.storage.hashing import hashes_of
from tests.functional.storage.conftest import BS


def test_account_show_and_file_show(alice, manage):
    alice.put("pithos/dir/f", b"a" * 100, headers={"X-Object-Sharing": "read=*"})
    alice.put("pithos/dir/f", b"b" * 10)
    shown = manage("account-show", alice.user.uuid)
    assert shown["bytes_used"] == 10 and [c["name"] for c in shown["containers"]] == ["pithos", "trash"]
    assert shown["containers"][0]["count"] == 1 and shown["containers"][0]["bytes"] == 10
    info = manage("file-show", f"{alice.user.uuid}/pithos/dir/f")
    assert [v["state"] for v in info["versions"]] == ["history", "current"]
    assert info["hashmap"] == hashes_of(b"b" * 10, BS) and info["sharing"] == "read=*"
    assert "No object" in manage("file-show", f"{alice.user.uuid}/pithos/nope", expect=1)
    assert "No account" in manage("account-show", "nobody", expect=1)


def test_block_gc_removes_only_unreferenced_blocks(alice, manage, registry):
    store = registry.block_store
    # The session's store still holds the blocks of earlier tests, whose
    # rows are gone: start from an empty one, so that what is counted is ours.
    shutil.rmtree(store.root, ignore_errors=True)
    os.makedirs(store.root, exist_ok=True)
    keep, drop = b"k" * BS, b"d" * BS
    alice.put("pithos/keep", keep)
    alice.put("pithos/drop", drop)
    alice.delete("pithos/drop", params="until=99999999999")
    stray = alice.post("pithos", b"s" * BS, params="update",
                       headers={"Content-Type": "application/octet-stream"}).json[0]
    # Young blocks survive whatever references them.
    first = manage("block-gc")
    assert first["blocks_removed"] == 0 and first["maps_removed"] == 1  # the purged object's map
    for h in hashes_of(keep, BS) + hashes_of(drop, BS) + [stray]:
        os.utime(store.path(h), (1, 1))
    assert manage("block-gc", "--dry-run")["blocks_removed"] == 2
    result = manage("block-gc", "--grace", "60")
    assert result["blocks_removed"] == 2
    assert store.has_many(hashes_of(keep, BS) + hashes_of(drop, BS) + [stray]) == set(hashes_of(keep, BS))
    assert alice.get("pithos/keep").body == keep
