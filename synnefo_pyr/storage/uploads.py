"""Data in: a stream cut into blocks, each hashed and stored as it
arrives, so memory stays at one block whatever the size; and partial
updates that patch the blocks of an existing object (M23, M29)."""
import hashlib
from dataclasses import dataclass

from synnefo_pyr import errors
from synnefo_pyr.storage import hashing


@dataclass
class Stored:
    hashes: list
    size: int
    md5: str = ""


def _read_block(read, block_size, remaining):
    """Up to ``block_size`` bytes (fewer only at the end of the stream)."""
    parts, have = [], 0
    want = block_size if remaining is None else min(block_size, remaining)
    while have < want:
        piece = read(want - have)
        if not piece:
            break
        parts.append(piece)
        have += len(piece)
    return b"".join(parts)


def store_stream(store, read, block_size, *, length=None, max_size, md5=False):
    """Read ``length`` bytes (or to the end when None) with ``read(n)`` and
    store them as blocks. A body longer than ``max_size`` is 400 "Maximum
    size is reached"; one shorter than ``length`` is 400."""
    if length is not None and length > max_size:
        raise errors.Invalid("Maximum size is reached")
    digest = hashlib.md5() if md5 else None
    hashes, size = [], 0
    while True:
        remaining = None if length is None else length - size
        if remaining == 0:
            break
        block = _read_block(read, block_size, remaining)
        if not block:
            break
        size += len(block)
        if size > max_size:
            raise errors.Invalid("Maximum size is reached")
        if digest is not None:
            digest.update(block)
        stripped = hashing.strip(block)
        h = hashing.block_hash(stripped)
        store.put(h, stripped)
        hashes.append(h)
    if length is not None and size < length:
        raise errors.Invalid("Request body is shorter than its Content-Length")
    return Stored(hashes or [hashing.EMPTY_HASH], size, digest.hexdigest() if digest else "")


def store_bytes(store, data, block_size):
    """Store an in-memory body (a block POST, M12); its hashes."""
    hashes = []
    for offset in range(0, len(data), block_size):
        stripped = hashing.strip(data[offset:offset + block_size])
        h = hashing.block_hash(stripped)
        store.put(h, stripped)
        hashes.append(h)
    return hashes


def _block(store, hashes, index, size, block_size):
    """Block ``index`` of an object, padded with zeros to its length."""
    if index >= len(hashes):
        return b""
    length = min(block_size, size - index * block_size)
    data = store.get(hashes[index])
    return data[:length] + b"\0" * (length - len(data)) if len(data) < length else data[:length]


def patch(store, block_size, hashes, size, offset, chunks):
    """Write the bytes of ``chunks`` (an iterable of bytes) at ``offset``
    of the object ``(hashes, size)``; returns the new ``(hashes, size)``."""
    hashes = list(hashes) if size else []
    position = offset
    pending = b""
    index = position // block_size

    def flush(index, start, data):
        old = _block(store, hashes, index, size, block_size)
        new = old[:start] + data + old[start + len(data):]
        stripped = hashing.strip(new)
        h = hashing.block_hash(stripped)
        store.put(h, stripped)
        if index < len(hashes):
            hashes[index] = h
        else:
            hashes.append(h)

    start = position % block_size
    for chunk in chunks:
        pending += chunk
        while len(pending) >= block_size - start:
            take = block_size - start
            flush(index, start, pending[:take])
            pending = pending[take:]
            position += take
            index, start = index + 1, 0
    if pending:
        flush(index, start, pending)
        position += len(pending)
    new_size = max(size, position)
    return hashes or [hashing.EMPTY_HASH], new_size


def truncate(store, block_size, hashes, size, new_size):
    """The object cut to ``new_size`` bytes (re-hashing its last block)."""
    if new_size >= size:
        return list(hashes), size
    if new_size == 0:
        return [hashing.EMPTY_HASH], 0
    count = hashing.block_count(new_size, block_size)
    kept = list(hashes[:count])
    tail = new_size - (count - 1) * block_size
    last = _block(store, hashes, count - 1, size, block_size)[:tail]
    stripped = hashing.strip(last)
    h = hashing.block_hash(stripped)
    store.put(h, stripped)
    kept[-1] = h
    return kept, new_size
