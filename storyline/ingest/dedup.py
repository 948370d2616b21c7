"""Exact and near-duplicate recognition.

Exact: the same normalized text (case, punctuation and spacing ignored). Near: MinHash
LSH over word 3-shingles with estimated Jaccard similarity >= 0.8, which catches the
same wire story republished by another site with a changed line or two.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
THRESHOLD = 0.8
SHINGLE = 3
MIN_SHINGLES = 8  # shorter texts are too small for a trustworthy near-duplicate call

_WORD = re.compile(r"\w+", re.UNICODE)
_SCHEME = MinHash(num_perm=1).scheme  # stored signatures must be read back the same way


def normalize(text: str) -> str:
    """Lower-case words joined by single spaces.

    >>> normalize("  Hello,   WORLD!\\n")
    'hello world'
    """
    return " ".join(_WORD.findall(text.lower()))


def text_hash(text: str) -> str:
    """Hash of the normalized text: equal for texts that differ only in case and punctuation."""
    return hashlib.sha1(normalize(text).encode("utf-8")).hexdigest()


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i:i + SHINGLE]).encode("utf-8")
            for i in range(max(0, len(words) - SHINGLE + 1))}


def signatures(texts: list[str]) -> list[LeanMinHash | None]:
    """MinHash signatures (None where a text is too short to compare)."""
    sets = [shingles(t) for t in texts]
    usable = [i for i, s in enumerate(sets) if len(s) >= MIN_SHINGLES]
    out: list[LeanMinHash | None] = [None] * len(texts)
    if usable:
        hashes = MinHash.bulk([list(sets[i]) for i in usable], num_perm=NUM_PERM)
        for i, mh in zip(usable, hashes, strict=True):
            out[i] = LeanMinHash(mh)
    return out


def to_bytes(signature: LeanMinHash) -> bytes:
    return np.asarray(signature.hashvalues, dtype=np.uint64).tobytes()


def from_bytes(data: bytes) -> LeanMinHash:
    values = np.frombuffer(data, dtype=np.uint64)
    return LeanMinHash(seed=1, hashvalues=values, scheme=_SCHEME)


class NearDuplicateIndex:
    """An LSH index of original articles' signatures.

    >>> index = NearDuplicateIndex()
    >>> text = " ".join(f"word{i}" for i in range(60))
    >>> a, b = signatures([text, text + " extra"])
    >>> index.add("a", a)
    >>> index.find(b)
    'a'
    """

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._signatures: dict[str, LeanMinHash] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, key: str, signature: LeanMinHash) -> None:
        if key not in self._signatures:
            self._lsh.insert(key, signature)
            self._signatures[key] = signature

    def find(self, signature: LeanMinHash) -> str | None:
        """The most similar indexed article with Jaccard >= THRESHOLD, if any."""
        best, best_score = None, THRESHOLD
        for key in self._lsh.query(signature):
            score = signature.jaccard(self._signatures[key])
            if score >= best_score:
                best, best_score = key, score
        return best
