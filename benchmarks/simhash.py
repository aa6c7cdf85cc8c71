"""SimHash (Charikar 2002), the peer MinHash is measured against; benchmark code only.

A text's fingerprint is the sign of the sum, bit by bit, of its features' 64-bit hashes
(+1 for a set bit, -1 for a clear one); near-copies have fingerprints a few bits apart.
Texts within ``max_distance`` bits are grouped (transitively, like the stories): the
candidates come from the pigeonhole rule — split into ``max_distance + 1`` blocks, two
fingerprints that close agree on at least one whole block.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

BITS = 64


def fingerprint(features: Iterable[str], weights: Mapping[str, float] | None = None) -> int:
    """The 64-bit SimHash of ``features``, each occurrence counted with its weight
    (1 unless ``weights`` gives one)."""
    features = list(features)
    digests = b"".join(hashlib.blake2b(f.encode(), digest_size=8).digest() for f in features)
    if not digests:
        return 0
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8)).reshape(-1, BITS)
    signs = bits.astype(np.float64) * 2 - 1
    weight = np.array([weights.get(f, 1.0) for f in features] if weights else
                      np.ones(len(features)))
    majority = weight @ signs > 0
    return int.from_bytes(np.packbits(majority).tobytes(), "big")


def _blocks(value: int, count: int) -> list[tuple[int, int]]:
    edges = [round(i * BITS / count) for i in range(count + 1)]
    return [(i, value >> edges[i] & ((1 << (edges[i + 1] - edges[i])) - 1))
            for i in range(count)]


def group(fingerprints: Sequence[int], max_distance: int) -> list[int]:
    """A group label per fingerprint: those within ``max_distance`` bits, transitively."""
    parent = list(range(len(fingerprints)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, value in enumerate(fingerprints):
        for key in _blocks(value, max_distance + 1):
            for j in buckets[key]:
                if (value ^ fingerprints[j]).bit_count() <= max_distance:
                    parent[root(i)] = root(j)
            buckets[key].append(i)
    return [root(i) for i in range(len(fingerprints))]
