"""The block and top hashes, with the contract's worked values (M0.10)."""
import hashlib

import pytest

from synnefo_pyr.storage import hashing

BS = 4194304
H0 = "299285fc41a44cdb038b9fdaf494c76ca9d0c866672b2b266c1a0c17dda60a05"


def test_empty_object():
    assert hashing.hashes_of(b"") == [hashing.EMPTY_HASH]
    assert hashing.EMPTY_HASH == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert hashing.top_hash([hashing.EMPTY_HASH]) == hashing.EMPTY_HASH


@pytest.mark.parametrize("data", [b"abc", b"abc\0\0"])
def test_trailing_nuls_are_stripped(data):
    expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert hashing.hashes_of(data, BS) == [expected]
    assert hashing.top_hash([expected]) == expected


def test_two_blocks():
    hashes = hashing.hashes_of(b"a" * BS + b"b", BS)
    assert hashes == [H0, "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"]
    assert hashing.top_hash(hashes) == "565546ad93383e225e7cf808fb4d527a54dec54826a5c34a24c1f19a03c62583"


def test_three_blocks_padded_to_four():
    hashes = hashing.hashes_of(b"a" * BS + b"b" * BS + b"c", BS)
    assert hashes == [H0, "61d678b48de600e6922df82ac9fb5d208d19e98064d0d1d5c14a2ee50481c593",
                      "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6"]
    left = hashlib.sha256(bytes.fromhex(hashes[0]) + bytes.fromhex(hashes[1])).hexdigest()
    right = hashlib.sha256(bytes.fromhex(hashes[2]) + b"\0" * 32).hexdigest()
    assert left == "e4d33e4e00c9543fbcff33efeaf85fb4ab4182eb3b09baea2545f4de90cdc1f2"
    assert right == "898184a7d6a032c38817722d914121832084222eb30943d7ae635fc479d1a859"
    assert hashing.top_hash(hashes) == "e747b499f8f09ea48c537050c3492c984d867b410639bd5867603e259278f746"


def test_a_block_of_zeros_hashes_like_the_empty_string():
    assert hashing.hashes_of(b"\0" * BS, BS) == [hashing.EMPTY_HASH]


def test_is_hash_and_block_count():
    assert hashing.is_hash(H0) and not hashing.is_hash(H0.upper()) and not hashing.is_hash("ab")
    assert [hashing.block_count(n, 4) for n in (0, 1, 4, 5, 8)] == [1, 1, 1, 2, 2]
