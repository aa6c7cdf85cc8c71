"""Near-copies of one article: MinHash signatures, LSH band keys, and grouping.

A story is an article and its republished copies — a changed headline, a paragraph
dropped or moved, words substituted, a byline and boilerplate added. Two texts are
compared by their sets of :data:`SHINGLE_WORDS`-word shingles:

1. :func:`signature` turns a text into a MinHash of its shingles (Broder, "On the
   resemblance and containment of documents", 1997): :data:`NUM_PERM` independent
   hash functions, and for each the smallest value over the shingles. The share of equal
   positions between two signatures estimates the Jaccard similarity of the two sets.
2. :func:`band_keys` cuts the signature into :data:`BANDS` bands of :data:`ROWS` values
   and hashes each band into one 64-bit key (locality-sensitive hashing, Indyk and Motwani
   1998; Leskovec, Rajaraman and Ullman, "Mining of Massive Datasets", ch. 3). Two texts
   of Jaccard similarity ``s`` share at least one key with probability
   ``1 - (1 - s**ROWS)**BANDS`` (:func:`candidate_probability`): the candidates.
3. :func:`is_near_copy` verifies a candidate: the estimated containment of the smaller
   shingle set in the larger (:func:`containment`) must reach :data:`THRESHOLD`, and the
   estimated Jaccard similarity :data:`MIN_JACCARD`.

The hashing is our own numpy implementation of MinHash (``datasketch``'s algorithm with
different hash functions): words are hashed by tabulation hashing over their UTF-8 bytes,
shingles by mixing three word hashes, and the permutations are ``a * x + b`` modulo
2**32 on the mixed 32-bit shingle hashes. The seeds are fixed, so a signature is the same
in every process and run — which storing signatures needs. Changing any parameter below
changes the signatures: stored ones must then be recomputed (``stories rebuild``), which
:data:`SIGNATURE_VERSION` lets the archive detect.

Nothing here touches a database.
"""

from __future__ import annotations

import math
import struct
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: hash functions in a signature; the estimate of a similarity ``s`` has standard
#: deviation ``sqrt(s * (1 - s) / NUM_PERM)`` (0.04 at s = 0.3)
NUM_PERM = 128
#: words per shingle: 3 keeps a copy with one substituted word in four sentences above a
#: Jaccard similarity of about 0.4, while articles on the same topic share few 3-word runs
SHINGLE_WORDS = 3
#: rows (signature values) per LSH band: at 3, a random pair of unrelated articles
#: (similarity ~0.01) shares a band key with probability ~4e-5, a few candidates per
#: article in an archive of a million
ROWS = 3
#: LSH bands: BANDS * ROWS <= NUM_PERM; with ROWS = 3, a pair at similarity 0.3 becomes a
#: candidate with probability 0.68, at 0.4 with 0.94, at 0.5 with 0.996
BANDS = 42
#: a candidate is a near-copy when the estimated containment of its smaller shingle set in
#: the larger reaches this (for equal sizes, a Jaccard similarity of 0.25)...
THRESHOLD = 0.4
#: ...and the estimated Jaccard similarity reaches this, so that a short text is not
#: judged contained in a long one on a couple of chance collisions
MIN_JACCARD = 0.12
#: texts of fewer words have no signature: too short to tell a copy from a coincidence
MIN_WORDS = 40
#: the version of the scheme above; stored with each signature
SIGNATURE_VERSION = 1

_SEED = 20261203
_MAX_WORD_BYTES = 32  # tabulation positions; longer words reuse them cyclically

_rng = np.random.default_rng(_SEED)
#: tabulation table: a random 64-bit value per (position in word, byte)
_TABLE: npt.NDArray[np.uint64] = _rng.integers(
    0, 2**64 - 1, size=(_MAX_WORD_BYTES, 256), dtype=np.uint64, endpoint=True)
_TABLE_FLAT = _TABLE.ravel()
#: the permutations a * x + b (mod 2**32), a odd
_PERM_A: npt.NDArray[np.uint32] = (
    _rng.integers(0, 2**32 - 1, size=NUM_PERM, dtype=np.uint32, endpoint=True) | np.uint32(1)
)[:, None]
_PERM_B: npt.NDArray[np.uint32] = _rng.integers(
    0, 2**32 - 1, size=NUM_PERM, dtype=np.uint32, endpoint=True)[:, None]
#: multipliers combining the word hashes of a shingle, and the values of a band
_COMBINE: npt.NDArray[np.uint64] = _rng.integers(
    1, 2**64 - 1, size=max(SHINGLE_WORDS, ROWS + 1), dtype=np.uint64, endpoint=True) | np.uint64(1)

_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_HEADER = struct.Struct("<BBHI")  # version, shingle words, number of values, shingles

#: the bytes that belong to words: ASCII letters and digits, and every byte of a non-ASCII
#: character (UTF-8 bytes >= 0x80) but the punctuation handled in :func:`_word_bytes`
_WORD_BYTE = np.array(
    [chr(byte).isalnum() if byte < 128 else True for byte in range(256)], dtype=bool)


def _mix64(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The splitmix64 finaliser, element-wise: spreads every input bit over the output."""
    values = values ^ (values >> np.uint64(30))
    values = values * _MIX1
    values = values ^ (values >> np.uint64(27))
    values = values * _MIX2
    return values ^ (values >> np.uint64(31))


def _word_bytes(data: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Which bytes of UTF-8 ``data`` belong to words. Punctuation and spaces do not:
    ASCII ones, U+00A0 to U+00BF (no-break space, guillemets...) and U+2000 to U+207F
    (dashes, curly quotes, ellipsis...)."""
    in_word = _WORD_BYTE[data]
    lead, second = data[:-1], data[1:]
    general = np.flatnonzero((lead == 0xE2) & ((second == 0x80) | (second == 0x81)))
    latin = np.flatnonzero((lead == 0xC2) & (second >= 0xA0) & (second <= 0xBF))
    for offset in range(3):  # U+2000 to U+207F are three bytes long
        in_word[np.minimum(general + offset, data.size - 1)] = False
    for offset in range(2):  # U+00A0 to U+00BF two
        in_word[latin + offset] = False
    return in_word


def _word_hashes(text: str) -> npt.NDArray[np.uint64]:
    """A 64-bit tabulation hash of each word of ``text`` (lower-cased), over its UTF-8
    bytes, computed for all words at once."""
    data = np.frombuffer(text.lower().encode("utf-8"), dtype=np.uint8)
    if data.size == 0:
        return np.zeros(0, dtype=np.uint64)
    in_word = _word_bytes(data) if not text.isascii() else _WORD_BYTE[data]
    begins = in_word.copy()
    begins[1:] &= ~in_word[:-1]
    starts = np.flatnonzero(begins)
    if starts.size == 0:
        return np.zeros(0, dtype=np.uint64)
    word_index = np.cumsum(begins)
    word_index -= 1
    position = np.arange(data.size)
    position -= starts[np.maximum(word_index, 0)]
    # the row of the table for the position, the column for the byte, in one flat index
    position %= _MAX_WORD_BYTES
    position *= 256
    position += data
    values = _TABLE_FLAT[position]
    values[~in_word] = 0
    return np.bitwise_xor.reduceat(values, starts)


def shingle_hashes(text: str) -> npt.NDArray[np.uint32] | None:
    """The 32-bit hashes of the :data:`SHINGLE_WORDS`-word shingles of ``text``, in text
    order (a shingle that recurs, recurs); ``None`` when it has fewer than
    :data:`MIN_WORDS` words."""
    hashes = _word_hashes(text)
    if hashes.size < MIN_WORDS:
        return None
    count = hashes.size - SHINGLE_WORDS + 1
    with np.errstate(over="ignore"):
        combined = hashes[:count] * _COMBINE[0]
        for offset in range(1, SHINGLE_WORDS):
            combined += hashes[offset:offset + count] * _COMBINE[offset]
        mixed = _mix64(combined)
    mixed >>= np.uint64(32)
    return mixed.astype(np.uint32)


@dataclass(frozen=True, slots=True)
class Signature:
    """The MinHash of one text.

    Attributes:
        values: :data:`NUM_PERM` unsigned 32-bit minima, one per hash function.
        shingles: how many distinct shingles the text has (for containment).
    """

    values: npt.NDArray[np.uint32]
    shingles: int

    def to_bytes(self) -> bytes:
        """A compact, portable form (little-endian), read back by :meth:`from_bytes`."""
        header = _HEADER.pack(SIGNATURE_VERSION, SHINGLE_WORDS, self.values.size, self.shingles)
        return header + self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        """The signature :meth:`to_bytes` wrote.

        Raises:
            ValueError: ``data`` is not a signature of the current
                :data:`SIGNATURE_VERSION` (recompute it, e.g. with ``stories rebuild``).
        """
        if len(data) < _HEADER.size:
            raise ValueError("This is not a near-copy signature: it is too short.")
        version, shingle_words, size, shingles = _HEADER.unpack_from(data)
        if version != SIGNATURE_VERSION or shingle_words != SHINGLE_WORDS or size != NUM_PERM:
            raise ValueError(
                f"This signature was made by another scheme (version {version}); "
                "recompute it with `viral-archive stories rebuild`.")
        if len(data) != _HEADER.size + 4 * size:
            raise ValueError("This near-copy signature is truncated.")
        values = np.frombuffer(data, dtype="<u4", offset=_HEADER.size).astype(np.uint32)
        return cls(values=values, shingles=shingles)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Signature) and self.shingles == other.shingles
                and bool(np.array_equal(self.values, other.values)))

    def __hash__(self) -> int:
        return hash((self.shingles, self.values.tobytes()))


def signature(text: str) -> Signature | None:
    """The MinHash signature of ``text``; ``None`` when it has fewer than
    :data:`MIN_WORDS` words (such a text is never a near-copy of another)."""
    shingles = shingle_hashes(text)
    if shingles is None:
        return None
    permuted = _PERM_A * shingles[None, :]
    permuted += _PERM_B  # in place: a temporary this size costs more than the arithmetic
    values = permuted.min(axis=1)
    # a recurring shingle changes no minimum; the count is of distinct ones
    return Signature(values=values, shingles=len(set(shingles.tolist())))


def band_keys(sig: Signature) -> list[int]:
    """The :data:`BANDS` LSH keys of ``sig``: signed 64-bit integers (they fit a SQL
    ``BIGINT``), the band's index folded in so that equal values in different bands
    give different keys. Two signatures are candidates when they share a key."""
    return [int(key) for key in band_keys_of([sig])[0]]


def band_keys_of(signatures: Sequence[Signature]) -> npt.NDArray[np.int64]:
    """:func:`band_keys` of many signatures at once: one row of :data:`BANDS` keys each."""
    if not signatures:
        return np.zeros((0, BANDS), dtype=np.int64)
    values = np.stack([sig.values[:BANDS * ROWS] for sig in signatures]).astype(np.uint64)
    rows = values.reshape(len(signatures), BANDS, ROWS)
    with np.errstate(over="ignore"):
        combined = np.broadcast_to(np.arange(BANDS, dtype=np.uint64) * _COMBINE[ROWS],
                                   (len(signatures), BANDS)).copy()
        for row in range(ROWS):
            combined += rows[:, :, row] * _COMBINE[row]
        keys = _mix64(combined)
    return keys.view(np.int64)


def pairs_sharing_a_key(keys: npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    """The pairs of rows of ``keys`` (as :func:`band_keys_of` gives) that share at least
    one key: the candidate pairs among these signatures, ``(i, j)`` with ``i < j``."""
    flat = keys.ravel()
    owners = np.repeat(np.arange(keys.shape[0]), keys.shape[1])
    order = np.argsort(flat, kind="stable")
    flat, owners = flat[order], owners[order]
    _, starts, counts = np.unique(flat, return_index=True, return_counts=True)
    pairs: set[tuple[int, int]] = set()
    for start, count in zip(starts[counts > 1].tolist(), counts[counts > 1].tolist(),
                            strict=True):
        members = sorted(set(owners[start:start + count].tolist()))
        pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    return sorted(pairs)


def jaccard(a: Signature, b: Signature) -> float:
    """The estimated Jaccard similarity of the two texts' shingle sets."""
    return float(np.count_nonzero(a.values == b.values)) / NUM_PERM


def containment(a: Signature, b: Signature) -> float:
    """The estimated share of the smaller shingle set found in the larger one (at most 1):
    a trimmed copy is contained in its original even when their Jaccard similarity is low.

    From the Jaccard estimate ``j``: ``|A ∩ B| = j * (|A| + |B|) / (1 + j)``."""
    j = jaccard(a, b)
    common = j * (a.shingles + b.shingles) / (1 + j)
    return min(1.0, common / min(a.shingles, b.shingles))


def similarity(a: Signature, b: Signature) -> float:
    """How near a copy one text is of the other, 0 to 1: the :func:`containment`, or 0
    when the Jaccard estimate is below :data:`MIN_JACCARD`."""
    if jaccard(a, b) < MIN_JACCARD:
        return 0.0
    return containment(a, b)


def is_near_copy(a: Signature, b: Signature) -> bool:
    """True when the two texts are near-copies: :func:`similarity` reaches :data:`THRESHOLD`."""
    return similarity(a, b) >= THRESHOLD


def candidate_probability(s: float, *, bands: int = BANDS, rows: int = ROWS) -> float:
    """The probability that two texts of Jaccard similarity ``s`` share a band key (the
    LSH S-curve)."""
    return 1.0 - (1.0 - s ** rows) ** bands


def s_curve_midpoint(*, bands: int = BANDS, rows: int = ROWS) -> float:
    """The similarity where the S-curve is steepest, about ``(1 / bands) ** (1 / rows)``."""
    return math.pow(1.0 / bands, 1.0 / rows)


class _Groups:
    """Union-find over item indices; the group of an item is its smallest member."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def group_signatures(signatures: Sequence[Signature | None]) -> list[int]:
    """Groups of near-copies among ``signatures``: for each, the index of the first member
    of its group (itself when alone; a ``None`` signature is always alone).

    Candidates share a band key; a candidate pair verified by :func:`is_near_copy` joins
    the two groups (transitively: a chain of near-copies is one group) — the same rule
    the archive applies article by article.
    """
    groups = _Groups(len(signatures))
    buckets: defaultdict[int, list[int]] = defaultdict(list)
    for index, sig in enumerate(signatures):
        if sig is None:
            continue
        checked: set[int] = set()
        for key in band_keys(sig):
            bucket = buckets[key]
            for other in bucket:
                if other in checked:
                    continue
                checked.add(other)
                other_sig = signatures[other]
                if other_sig is not None and groups.find(other) != groups.find(index) \
                        and is_near_copy(sig, other_sig):
                    groups.union(index, other)
            bucket.append(index)
    return [groups.find(index) for index in range(len(signatures))]


def group_texts(texts: Iterable[str]) -> list[int]:
    """:func:`group_signatures` of the texts' signatures: for each text, the index of the
    first text of its story."""
    return group_signatures([signature(text) for text in texts])
