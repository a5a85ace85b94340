"""The built-in block store: one file per block under a directory.

``<root>/<h[0:2]>/<h[2:4]>/<hash>``. A block is written to a temporary file
in its final directory, flushed to disk (fsync), then renamed over its final
name: a rename is atomic, so several processes (on one machine, or on
several sharing the directory) may write the same block at once without
locks, and a reader never sees half a block. A block's modification time
says when it was last written or refreshed; the garbage collector only
removes blocks older than its grace period, and moves a doomed block aside
(another atomic rename) before looking at it a last time, so that a writer
refreshing it at that moment simply writes it again.
"""
import os
import time
import uuid

from synnefo_pyr import errors
from synnefo_pyr.storage.hashing import EMPTY_HASH, is_hash


class FilesystemBlockStore:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        os.makedirs(self.root, exist_ok=True)

    def path(self, hash):
        return os.path.join(self.root, hash[:2], hash[2:4], hash)

    def put(self, hash, data):
        if hash == EMPTY_HASH:
            return
        path = self.path(hash)
        if self._refresh(path):
            return
        directory = os.path.dirname(path)
        os.makedirs(directory, exist_ok=True)
        temporary = os.path.join(directory, f".{hash}.{uuid.uuid4().hex}.tmp")
        try:
            with open(temporary, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
            raise
        _fsync_directory(directory)

    def get(self, hash):
        if hash == EMPTY_HASH:
            return b""
        try:
            with open(self.path(hash), "rb") as block:
                return block.read()
        except FileNotFoundError:
            raise errors.Unavailable(f"Block {hash} is missing from the block store") from None

    def has_many(self, hashes):
        present = set()
        for hash in set(hashes):
            if hash == EMPTY_HASH or self._refresh(self.path(hash)):
                present.add(hash)
        return present

    @staticmethod
    def _refresh(path):
        """Touch an existing block; False when there is none (or the
        collector just moved it aside)."""
        try:
            os.utime(path)
            return True
        except FileNotFoundError:
            return False

    # --- garbage collection ---------------------------------------------

    def sweep_candidates(self, older_than):
        """Hashes of the blocks not written nor refreshed for ``older_than`` seconds."""
        limit = time.time() - older_than
        for top in sorted(os.listdir(self.root)):
            top_dir = os.path.join(self.root, top)
            if not os.path.isdir(top_dir):
                continue
            for sub in sorted(os.listdir(top_dir)):
                sub_dir = os.path.join(top_dir, sub)
                if not os.path.isdir(sub_dir):
                    continue
                with os.scandir(sub_dir) as entries:
                    for entry in entries:
                        if is_hash(entry.name):
                            try:
                                if entry.stat().st_mtime < limit:
                                    yield entry.name
                            except FileNotFoundError:
                                pass

    def remove_if_stale(self, hash, older_than):
        """Remove the block unless it was refreshed within ``older_than``
        seconds; True if it was removed."""
        path = self.path(hash)
        doomed = f"{path}.{uuid.uuid4().hex}.gc"
        try:
            os.rename(path, doomed)
        except FileNotFoundError:
            return False
        # A writer that refreshed the block before the rename made it young:
        # put it back. One that comes after finds no file and writes it anew.
        if os.stat(doomed).st_mtime >= time.time() - older_than:
            try:
                os.link(doomed, path)
            except FileExistsError:
                pass
            os.unlink(doomed)
            return False
        os.unlink(doomed)
        return True


def _fsync_directory(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
