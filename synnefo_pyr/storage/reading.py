"""Data out: the bytes of one or more objects (a manifest's parts) read
block by block from the store, for any byte range, without holding more
than a block in memory. The iterable follows WebOb's ``app_iter_range``
protocol."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    hashes: tuple
    size: int


class BlockReader:
    """The concatenated bytes of ``segments``; iterating yields them all,
    ``app_iter_range(start, stop)`` a range."""

    def __init__(self, store, block_size, segments):
        self.store = store
        self.block_size = block_size
        self.segments = [s for s in segments if s.size > 0]
        self.size = sum(s.size for s in self.segments)

    def __iter__(self):
        return self.app_iter_range(0, self.size)

    def app_iter_range(self, start, stop):
        stop = self.size if stop is None else min(stop, self.size)
        base = 0
        for segment in self.segments:
            seg_start, seg_stop = max(start - base, 0), min(stop - base, segment.size)
            if seg_start < seg_stop:
                yield from self._segment_range(segment, seg_start, seg_stop)
            base += segment.size
            if base >= stop:
                break

    def _segment_range(self, segment, start, stop):
        bs = self.block_size
        for index in range(start // bs, (stop - 1) // bs + 1):
            block_start = index * bs
            length = min(bs, segment.size - block_start)
            data = self.store.get(segment.hashes[index])
            if len(data) < length:
                data += b"\0" * (length - len(data))
            lo, hi = max(start - block_start, 0), min(stop - block_start, length)
            yield data[lo:hi] if (lo, hi) != (0, len(data)) else data

    def read_all(self):
        return b"".join(self)
