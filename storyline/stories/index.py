"""Nearest active stories of an article, by centroid similarity, in a time window.

Stories live in rows of one float32 matrix that is updated in place when a centroid moves
(faiss's flat indexes cannot update a row without an O(n) removal). With few open stories
the matrix is searched exactly by one BLAS matrix-vector product. With many, a scan of the
float32 rows (18 MB at 12,000 stories) runs at the speed of main memory, so each row also
keeps a binary code, the signs of ``CODE_BITS`` random projections of its centroid (SimHash:
96 bytes instead of 1,536). faiss's Hamming search over the codes, which stay in the CPU
cache, shortlists about ``SHORTLIST`` rows per query and only those are scored exactly. Stories
that fell out of the time window are evicted, so the matrix holds only active stories.

>>> index = StoryIndex(dim=2)
>>> index.put("a", np.array([1, 0], np.float32), last=0.0, window_days=7)
>>> index.put("b", np.array([0, 1], np.float32), last=0.0, window_days=7)
>>> [sid for sid, _ in index.search(np.array([0.9, 0.1], np.float32), 1, moment=DAY)]
['a']
>>> index.search(np.array([0.9, 0.1], np.float32), 1, moment=30 * DAY)
[]
"""

from __future__ import annotations

import functools

import faiss
import numpy as np

from storyline.stories.similarity import DAY

# One query at a time is latency-bound: OpenMP's worker threads only wait for each other
# (on a busy 2-core machine a faiss search of 12,000 rows took 6.8 ms with two threads and
# 0.42 ms with one; docs/results/stories.md).
faiss.omp_set_num_threads(1)

# Up to this many rows the exact product is as cheap as the Hamming search: every search
# on the evaluation sets (at most a few hundred open stories) is exact.
EXACT_UP_TO = 2048
# Bits per code and rows re-scored exactly per query. On 12,000 centroids made of real
# sentence vectors the shortlist held 99.8% of the exact 32 nearest and the nearest every time
# (benchmarks/stories.py --shortlist-check); with the shortlist forced on the evaluation sets,
# 96 rows gave the same stories as the exact search (docs/results/stories.md).
CODE_BITS = 768
SHORTLIST = 256
_PROJECTION_SEED = 20261201


class StoryIndex:
    """Active story centroids, searchable by inner product and filtered by time window."""

    def __init__(self, dim: int, capacity: int = 1024) -> None:
        self.dim = dim
        self.matrix = np.zeros((capacity, dim), dtype=np.float32)
        self.codes = np.zeros((capacity, CODE_BITS // 8), dtype=np.uint8)
        # Codes are made when a shortlist needs them, for all rows that moved since: one
        # product per search instead of one per centroid update, and none while search is exact.
        self.coded = np.zeros(capacity, dtype=bool)
        self.projection = _projection(dim)
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
        self.coded[slot] = False
        self.last[slot] = np.nan if last is None else last
        self.window[slot] = window_days * DAY

    def code(self, vectors: np.ndarray) -> np.ndarray:
        """Binary codes of vectors (rows): which side of each random hyperplane they lie on."""
        return np.packbits(vectors @ self.projection > 0, axis=-1)

    def remove(self, story_id: str) -> None:
        slot = self.slot_of.pop(story_id, None)
        if slot is None:
            return
        self.matrix[slot] = 0.0
        self.coded[slot] = False
        self.ids[slot] = None
        self.last[slot] = np.nan
        self.free.append(slot)

    def search(self, vector: np.ndarray, k: int, *, moment: float | None,
               exact: bool = False) -> list[tuple[str, float]]:
        """The ``k`` stories open at ``moment`` most similar to ``vector``, best first.

        Undated articles (``moment`` None) and undated stories are never out of window.
        ``exact``: score every row, however many (what the shortlist is measured against).
        """
        n = self.used
        if n == 0 or not self.slot_of:
            return []
        want = min(k, len(self.slot_of))
        fetch = min(n, max(2 * want, want + 8))
        query = np.ascontiguousarray(vector, dtype=np.float32)
        scan_all = exact or n <= EXACT_UP_TO
        shortlist = None
        while True:
            if scan_all:
                scores, slots = _top(self.matrix[:n] @ query, fetch)
            else:
                if shortlist is None or len(shortlist) < min(n, 4 * fetch):
                    shortlist = self._shortlist(query, min(n, max(SHORTLIST, 4 * fetch)))
                scores, slots = _top(self.matrix[shortlist] @ query, fetch)
                slots = shortlist[slots]
            hits = []
            is_open = self._open(slots, moment)
            for score, slot in zip(scores[is_open], slots[is_open], strict=True):
                if self.ids[slot] is None:
                    continue
                hits.append((self.ids[slot], float(score)))
                if len(hits) == want:
                    return hits
            if fetch >= n:
                return hits
            fetch = min(n, fetch * 4)

    def _shortlist(self, query: np.ndarray, size: int) -> np.ndarray:
        """Rows (ascending) whose codes are within the ``size``-th smallest Hamming distance
        of the query's.

        Every row tied at that distance is kept, so the shortlist depends only on the
        centroids, never on which slot a story happens to occupy: a clusterer reloaded from
        the store (slots handed out in another order) decides exactly as the one that ran.
        """
        n = self.used
        stale = np.flatnonzero(~self.coded[:n])
        if len(stale):
            self.codes[stale] = self.code(self.matrix[stale])
            self.coded[stale] = True
        if size >= n:
            return np.arange(n)
        codes = np.ascontiguousarray(self.codes[:n])
        code = np.ascontiguousarray(self.code(query))
        distances = np.empty(n, dtype=np.int32)
        faiss.hammings(faiss.swig_ptr(code), faiss.swig_ptr(codes), 1, n, codes.shape[1],
                       faiss.swig_ptr(distances))
        cut = np.partition(distances, size - 1)[size - 1]
        # In row order, the rows to re-score are also read from memory front to back
        return np.flatnonzero(distances <= cut)

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

    def _open(self, slots: np.ndarray, moment: float | None) -> np.ndarray:
        """Which of ``slots`` hold a story open at ``moment`` (undated: always open)."""
        if moment is None:
            return np.ones(len(slots), dtype=bool)
        last = self.last[slots]
        return np.isnan(last) | (moment <= last + self.window[slots])

    def _allocate(self) -> int:
        if self.free:
            return self.free.pop()
        if self.used == len(self.ids):
            grow = len(self.ids)
            self.matrix = np.vstack([self.matrix, np.zeros((grow, self.dim), np.float32)])
            self.codes = np.vstack([self.codes, np.zeros((grow, self.codes.shape[1]), np.uint8)])
            self.coded = np.concatenate([self.coded, np.zeros(grow, bool)])
            self.ids.extend([None] * grow)
            self.last = np.concatenate([self.last, np.full(grow, np.nan)])
            self.window = np.concatenate([self.window, np.zeros(grow)])
        slot = self.used
        self.used += 1
        return slot


@functools.cache
def _projection(dim: int) -> np.ndarray:
    """The random hyperplanes of the codes: fixed, so a reloaded index codes alike."""
    return np.random.default_rng(_PROJECTION_SEED).standard_normal(
        (dim, CODE_BITS)).astype(np.float32)


def _top(sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest of ``sims`` (scores and positions), best first; equal scores among
    those kept are ordered by position."""
    if k < len(sims):
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.lexsort((top, -sims[top]))]
    else:
        top = np.lexsort((np.arange(len(sims)), -sims))
    return sims[top], top
