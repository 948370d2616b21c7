"""Document frequencies counted online, for IDF weights over an open-ended stream.

>>> df = DocumentFrequencies(8)
>>> df.add(np.array([1, 2], np.int32)); df.add(np.array([2], np.int32))
>>> df.documents, [round(float(x), 3) for x in df.idf(np.array([1, 2, 3], np.int32))]
(2, [1.405, 1.0, 2.099])
>>> DocumentFrequencies.from_bytes(df.to_bytes()).idf(np.array([1], np.int32)).tolist() == (
...     df.idf(np.array([1], np.int32)).tolist())
True
"""

from __future__ import annotations

import zlib

import numpy as np


class DocumentFrequencies:
    """How many articles so far contained each hashed feature (scikit-learn's smooth IDF)."""

    def __init__(self, n_features: int) -> None:
        self.counts = np.zeros(n_features, dtype=np.int32)
        self.documents = 0

    def add(self, ids: np.ndarray) -> None:
        """Count one document holding the (distinct) features ``ids``."""
        self.counts[ids] += 1
        self.documents += 1

    def idf(self, ids: np.ndarray) -> np.ndarray:
        """``ln((1 + n) / (1 + df)) + 1`` for each feature, as float32."""
        n = float(self.documents)
        return (np.log((1.0 + n) / (1.0 + self.counts[ids])) + 1.0).astype(np.float32)

    def to_bytes(self) -> bytes:
        """Compact form for the store: only the features seen, compressed."""
        ids = np.flatnonzero(self.counts).astype(np.int32)
        header = np.array([len(self.counts), self.documents, len(ids)], dtype=np.int64)
        body = header.tobytes() + ids.tobytes() + self.counts[ids].astype(np.int32).tobytes()
        return zlib.compress(body, 3)

    @classmethod
    def from_bytes(cls, data: bytes) -> DocumentFrequencies:
        body = zlib.decompress(data)
        n_features, documents, n = np.frombuffer(body[:24], dtype=np.int64).tolist()
        ids = np.frombuffer(body[24:24 + 4 * n], dtype=np.int32)
        counts = np.frombuffer(body[24 + 4 * n:24 + 8 * n], dtype=np.int32)
        out = cls(int(n_features))
        out.counts[ids] = counts
        out.documents = int(documents)
        return out
