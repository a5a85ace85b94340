"""The block hashes and the top hash of an object (behaviours-object M0.10).

Content is cut into consecutive ``block_size`` pieces from offset 0; each
block's hash is the sha256 of the block with its trailing NUL bytes removed
(so ``abc`` and ``abc\\0\\0`` hash alike and an all-zero block hashes like the
empty string). The top hash (``X-Object-Hash``, the ETag) of one hash is
that hash; of more, the raw digests padded with all-zero 32-byte strings to
a power of two and reduced pairwise with sha256 until one is left. kamaki
computes the same hashes and compares them byte for byte.
"""
import hashlib

ALGORITHM = "sha256"
BLOCK_SIZE = 4 * 1024 * 1024
#: sha256(""): the hash of the empty block, and of any all-zero block.
EMPTY_HASH = hashlib.sha256(b"").hexdigest()
_ZERO_DIGEST = b"\0" * 32
_HEX = frozenset("0123456789abcdef")


def strip(block):
    """The block as it is hashed and stored: without trailing NULs."""
    return block.rstrip(b"\0")


def block_hash(block):
    return hashlib.sha256(strip(block)).hexdigest()


def top_hash(hashes):
    """The top hash of a list of hex block hashes."""
    if not hashes:
        return EMPTY_HASH
    if len(hashes) == 1:
        return hashes[0]
    level = [bytes.fromhex(h) for h in hashes]
    width = 1
    while width < len(level):
        width *= 2
    level += [_ZERO_DIGEST] * (width - len(level))
    while len(level) > 1:
        level = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0].hex()


def is_hash(text):
    """A block hash as the API writes it: 64 lower-case hex digits."""
    return isinstance(text, str) and len(text) == 64 and set(text) <= _HEX


def hashes_of(data, block_size=BLOCK_SIZE):
    """The hashmap of ``data`` (bytes in memory; tests and small bodies)."""
    if not data:
        return [EMPTY_HASH]
    return [block_hash(data[i:i + block_size]) for i in range(0, len(data), block_size)]


def block_count(size, block_size):
    """How many blocks an object of ``size`` bytes has (the empty one: 1)."""
    return max(1, -(-size // block_size))
