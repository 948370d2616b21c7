"""Nearest active stories of an article, by centroid similarity, in a time window.

Stories live in rows of one float32 matrix that is updated in place when a centroid moves
(faiss's flat indexes cannot update a row without an O(n) removal); ``faiss.knn`` searches
it exactly by inner product. Stories that fell out of the time window are evicted, so the
matrix holds only active stories and the cost per article stays flat as the archive grows.

>>> index = StoryIndex(dim=2)
>>> index.put("a", np.array([1, 0], np.float32), last=0.0, window_days=7)
>>> index.put("b", np.array([0, 1], np.float32), last=0.0, window_days=7)
>>> [sid for sid, _ in index.search(np.array([0.9, 0.1], np.float32), 1, moment=DAY)]
['a']
>>> index.search(np.array([0.9, 0.1], np.float32), 1, moment=30 * DAY)
[]
"""

from __future__ import annotations

import numpy as np

from storyline.stories.similarity import DAY

try:  # faiss does the exact search; numpy is the fallback
    import faiss

    # One query at a time is latency-bound: OpenMP's worker threads only wait for each
    # other. On a busy 2-core machine a search of 12,000 centroids took 6.8 ms with two
    # threads and 0.42 ms with one (docs/results/stories.md).
    faiss.omp_set_num_threads(1)
except ImportError:  # pragma: no cover - faiss-cpu is a dependency
    faiss = None


class StoryIndex:
    """Active story centroids, searchable by inner product and filtered by time window."""

    def __init__(self, dim: int, capacity: int = 1024) -> None:
        self.dim = dim
        self.matrix = np.zeros((capacity, dim), dtype=np.float32)
        self.ids: list[str | None] = [None] * capacity
        self.last = np.full(capacity, np.nan)  # POSIX seconds of the story's last article
        self.window = np.zeros(capacity)  # seconds a story stays open after its last article
        self.slot_of: dict[str, int] = {}
        self.free: list[int] = []
        self.used = 0  # rows in use or freed: the high-water mark

    def __len__(self) -> int:
        return len(self.slot_of)

    def put(self, story_id: str, centroid: np.ndarray, *, last: float | None,
            window_days: float) -> None:
        """Add the story, or move its row to a new centroid."""
        slot = self.slot_of.get(story_id)
        if slot is None:
            slot = self._allocate()
            self.slot_of[story_id] = slot
            self.ids[slot] = story_id
        self.matrix[slot] = centroid
        self.last[slot] = np.nan if last is None else last
        self.window[slot] = window_days * DAY

    def remove(self, story_id: str) -> None:
        slot = self.slot_of.pop(story_id, None)
        if slot is None:
            return
        self.matrix[slot] = 0.0
        self.ids[slot] = None
        self.last[slot] = np.nan
        self.free.append(slot)

    def search(self, vector: np.ndarray, k: int, *, moment: float | None
               ) -> list[tuple[str, float]]:
        """The ``k`` stories open at ``moment`` most similar to ``vector``, best first.

        Undated articles (``moment`` None) and undated stories are never out of window.
        """
        n = self.used
        if n == 0 or not self.slot_of:
            return []
        want = min(k, len(self.slot_of))
        fetch = min(n, max(2 * want, want + 8))
        while True:
            scores, slots = _knn(vector, self.matrix[:n], fetch)
            hits = []
            for score, slot in zip(scores, slots, strict=True):
                if slot < 0 or self.ids[slot] is None or not self._open(slot, moment):
                    continue
                hits.append((self.ids[slot], float(score)))
                if len(hits) == want:
                    return hits
            if fetch >= n:
                return hits
            fetch = min(n, fetch * 4)

    def nearest_among(self, vector: np.ndarray, story_ids: list[str], k: int) -> list[str]:
        """The ``k`` of ``story_ids`` (those still indexed) most similar to ``vector``.

        >>> index = StoryIndex(dim=2)
        >>> index.put("a", np.array([1, 0], np.float32), last=None, window_days=7)
        >>> index.put("b", np.array([0, 1], np.float32), last=None, window_days=7)
        >>> index.nearest_among(np.array([0.2, 0.9], np.float32), ["a", "b", "gone"], 1)
        ['b']
        """
        slots = [self.slot_of[s] for s in story_ids if s in self.slot_of]
        if not slots:
            return []
        sims = self.matrix[slots] @ vector
        order = np.argsort(-sims, kind="stable")[:k]
        return [self.ids[slots[i]] for i in order]

    def evict(self, moment: float) -> list[str]:
        """Drop stories closed before ``moment``; returns their ids."""
        n = self.used
        closed = np.flatnonzero(self.last[:n] + self.window[:n] < moment)  # NaN: never closed
        gone = [self.ids[s] for s in closed if self.ids[s] is not None]
        for story_id in gone:
            self.remove(story_id)
        return gone

    def _open(self, slot: int, moment: float | None) -> bool:
        last = self.last[slot]
        if moment is None or np.isnan(last):
            return True
        return moment <= last + self.window[slot]

    def _allocate(self) -> int:
        if self.free:
            return self.free.pop()
        if self.used == len(self.ids):
            grow = len(self.ids)
            self.matrix = np.vstack([self.matrix, np.zeros((grow, self.dim), np.float32)])
            self.ids.extend([None] * grow)
            self.last = np.concatenate([self.last, np.full(grow, np.nan)])
            self.window = np.concatenate([self.window, np.zeros(grow)])
        slot = self.used
        self.used += 1
        return slot


def _knn(vector: np.ndarray, matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-``k`` rows of ``matrix`` by inner product with ``vector``."""
    query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
    if faiss is not None:
        scores, slots = faiss.knn(query, matrix, k, metric=faiss.METRIC_INNER_PRODUCT)
        return scores[0], slots[0]
    sims = matrix @ query[0]
    top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
    top = top[np.argsort(-sims[top], kind="stable")]
    return sims[top], top
