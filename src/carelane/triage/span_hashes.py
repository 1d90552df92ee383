"""Hashes of any span of a text's character codes, each in O(1), from prefix sums.

A polynomial hash whose base is invertible modulo 2^64: with
G[i] = sum(codes[j] * B^-j for j < i), the hash of codes[a:b] is B^(b-1) * (G[b] - G[a]),
which is sum(codes[j] * B^(b-1-j)): it depends on the span's characters alone, not on
where the span is, so a word hashes the same in any post and on its own (`text_hash`).
All arithmetic is uint64 and wraps; hashes are the same in every process.
"""

import numpy as np
from numpy.typing import NDArray

BASE = np.uint64(0x100000001B3)  # FNV's 64-bit prime, as the polynomial's base
_INVERSE = np.uint64(0xCE965057AFF6957B)  # BASE * _INVERSE == 1 modulo 2**64


def codes_of(text: str) -> NDArray[np.uint64]:
    """The text's code points, as the hashes read them."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(
        np.uint64
    )


class SpanHashes:
    """The hash of any span of `codes`."""

    def __init__(self, codes: NDArray[np.uint64]) -> None:
        count = len(codes) + 1
        self.powers = np.cumprod(np.full(count, BASE, dtype=np.uint64)) * _INVERSE  # B^i
        inverses = np.cumprod(np.full(count, _INVERSE, dtype=np.uint64)) * BASE  # B^-i
        self.prefix = np.zeros(count, dtype=np.uint64)
        np.cumsum(codes * inverses[:-1], out=self.prefix[1:])

    def of(self, starts: NDArray[np.int64], ends: NDArray[np.int64]) -> NDArray[np.uint64]:
        """The hashes of the spans codes[starts[k]:ends[k]] (each at least one long)."""
        hashes: NDArray[np.uint64] = self.powers[ends - 1] * (
            self.prefix[ends] - self.prefix[starts]
        )
        return hashes

    def all_of_length(self, n: int) -> NDArray[np.uint64]:
        """The hashes of every span of `n` codes, by start."""
        hashes: NDArray[np.uint64] = self.powers[n - 1 : -1] * (self.prefix[n:] - self.prefix[:-n])
        return hashes


def text_hash(text: str) -> int:
    """The hash a span holding exactly `text` has."""
    return int(SpanHashes(codes_of(text)).of(np.array([0]), np.array([len(text)]))[0])
