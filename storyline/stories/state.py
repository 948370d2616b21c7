"""A story's running state: what online assignment compares new articles with.

Sums rather than means, so adding an article or merging two stories is exact addition, and
a state saved to the store and loaded again is bit-for-bit the state that was saved (float32
throughout): a restarted ingest then decides exactly as an uninterrupted one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from storyline.stories import members as kept
from storyline.stories.features import ArticleFeatures
from storyline.stories.moments import posix

MAX_STORY_WORDS = 400  # a story's strongest words (by TF-IDF) are enough to recognise it
MAX_STORY_ENTITIES = 120
# The statements of a story's latest articles (about two): what a new report of the same
# running event repeats. 32 scored as 64 or 128 on DUC 2003 at a quarter of the memory.
MAX_STORY_STATEMENTS = 32


@dataclass(slots=True)
class StoryState:
    """Running sums over a story's articles."""

    id: str
    vector_sum: np.ndarray  # float32 sum of member vectors
    size: int = 0
    first: float | None = None  # publication times, POSIX seconds (None: undated)
    last: float | None = None
    word_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    word_tf: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    entity_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    entity_tf: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    entity_names: dict[int, str] = field(default_factory=dict)
    sources: Counter = field(default_factory=Counter)
    title: str = ""
    title_vector: np.ndarray | None = None
    title_is_headline: bool = False
    merged_into: str | None = None
    # TF-IDF weights of word_ids / entity_ids (L2-normalized) as of the story's last change:
    # computed once per change, not once per comparison.
    word_w: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    entity_w: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    # int8 rows: sentence vectors of the latest articles' first sentences, newest last
    statements: np.ndarray | None = None
    # While the story is small, its members' features (storyline.stories.members): what a
    # split needs, since sums cannot be taken apart. None once the story outgrew the limit.
    members: list[ArticleFeatures] | None = field(default_factory=list)

    def reweigh(self, word_idf, entity_idf) -> None:
        """Recompute the TF-IDF weights with the current document frequencies."""
        self.word_w = _normalized(self.word_tf * word_idf(self.word_ids))
        self.entity_w = _normalized(self.entity_tf * entity_idf(self.entity_ids))

    @property
    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.vector_sum))
        return self.vector_sum / norm if norm else self.vector_sum

    @classmethod
    def found(cls, article: ArticleFeatures) -> StoryState:
        """A new story opened by ``article``; its id derives from the article's."""
        sid = hashlib.sha1(f"story:{article.id}".encode()).hexdigest()[:16]
        state = cls(sid, np.zeros_like(article.vector))
        return state

    @staticmethod
    def found_by_split(story_id: str, first_member: str) -> str:
        """The id of the story split off ``story_id``, starting with ``first_member``."""
        return hashlib.sha1(f"split:{story_id}:{first_member}".encode()).hexdigest()[:16]

    def add(self, article: ArticleFeatures) -> None:
        """Count ``article`` in the sums (the caller prunes the word lists)."""
        self.vector_sum += article.vector
        self.size += 1
        self._span(posix(article.published))
        self._add_terms(article.word_ids, article.word_tf, article.entity_ids,
                        article.entity_tf, article.entity_names)
        if article.source:
            self.sources[article.source] += 1
        self._keep_statements(article.statements)
        self._keep_members([kept.trimmed(article)])

    def _keep_members(self, more: list[ArticleFeatures] | None) -> None:
        if self.members is None or more is None or self.size > kept.MEMBER_LIMIT:
            self.members = None  # established: no longer split, members not kept
        else:
            self.members.extend(more)

    def _span(self, moment: float | None) -> None:
        """Widen [first, last] to cover ``moment`` (None: undated, nothing to widen)."""
        if moment is not None:
            self.first = moment if self.first is None else min(self.first, moment)
            self.last = moment if self.last is None else max(self.last, moment)

    def _add_terms(self, word_ids: np.ndarray, word_tf: np.ndarray, entity_ids: np.ndarray,
                   entity_tf: np.ndarray, names: dict[int, str]) -> None:
        """Sum in words and entities; each entity keeps its longest name."""
        self.word_ids, self.word_tf = add_sparse(self.word_ids, self.word_tf, word_ids, word_tf)
        self.entity_ids, self.entity_tf = add_sparse(self.entity_ids, self.entity_tf,
                                                     entity_ids, entity_tf)
        for key, name in names.items():
            if len(name) > len(self.entity_names.get(key, "")):
                self.entity_names[key] = name

    def _keep_statements(self, rows: np.ndarray) -> None:
        if len(rows) == 0:
            return
        if self.statements is None or len(self.statements) == 0:
            self.statements = rows[-MAX_STORY_STATEMENTS:].copy()
        else:
            both = np.concatenate([self.statements, rows])
            self.statements = both[-MAX_STORY_STATEMENTS:]

    def absorb(self, other: StoryState) -> None:
        """Fold ``other`` into this story (a merge)."""
        self.vector_sum += other.vector_sum
        self.size += other.size
        self._span(other.first)
        self._span(other.last)
        self._add_terms(other.word_ids, other.word_tf, other.entity_ids, other.entity_tf,
                        other.entity_names)
        self.sources.update(other.sources)
        if other.statements is not None:
            self._keep_statements(other.statements)
        self._keep_members(other.members)

    def prune(self, word_idf: np.ndarray, entity_idf: np.ndarray) -> None:
        """Keep only the strongest words and entities (weights given by the current IDF)."""
        self.word_ids, self.word_tf = _top(self.word_ids, self.word_tf, word_idf,
                                           MAX_STORY_WORDS)
        kept_ids, self.entity_tf = _top(self.entity_ids, self.entity_tf, entity_idf,
                                        MAX_STORY_ENTITIES)
        if len(kept_ids) < len(self.entity_ids):
            keep = set(kept_ids.tolist())
            self.entity_names = {k: v for k, v in self.entity_names.items() if k in keep}
        self.entity_ids = kept_ids

    # -- storage ----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        data = {
            "v": _b64(self.vector_sum), "n": self.size, "f": self.first, "l": self.last,
            "wi": _b64(self.word_ids), "wt": _b64(self.word_tf),
            "ei": _b64(self.entity_ids), "et": _b64(self.entity_tf),
            "names": {str(k): v for k, v in self.entity_names.items()},
            "src": dict(self.sources), "title": self.title,
            "tv": _b64(self.title_vector) if self.title_vector is not None else None,
            "th": self.title_is_headline,
            "ww": _b64(self.word_w), "ew": _b64(self.entity_w),
            "st": _b64(self.statements) if self.statements is not None else None,
            "m": kept.to_json(self.members) if self.members is not None else None,
        }
        return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 3)

    @classmethod
    def from_bytes(cls, story_id: str, blob: bytes, merged_into: str | None = None
                   ) -> StoryState:
        data = json.loads(zlib.decompress(blob))
        vector_sum = _array(data["v"], np.float32)
        return cls(
            id=story_id, vector_sum=vector_sum, size=int(data["n"]),
            first=data["f"], last=data["l"],
            word_ids=_array(data["wi"], np.int32), word_tf=_array(data["wt"], np.float32),
            entity_ids=_array(data["ei"], np.int32), entity_tf=_array(data["et"], np.float32),
            entity_names={int(k): v for k, v in data["names"].items()},
            sources=Counter(data["src"]), title=data["title"],
            title_vector=_array(data["tv"], np.float32) if data["tv"] else None,
            title_is_headline=bool(data["th"]), merged_into=merged_into,
            word_w=_array(data["ww"], np.float32), entity_w=_array(data["ew"], np.float32),
            # States saved before statements were kept have none: they gain them as they grow.
            statements=(_array(data["st"], np.int8).reshape(-1, len(vector_sum))
                        if data.get("st") else None),
            # States saved before members were kept have none: they cannot be split.
            members=(kept.from_json(data["m"], len(vector_sum)) if data.get("m") is not None
                     else None),
        )


def add_sparse(ids_a: np.ndarray, val_a: np.ndarray, ids_b: np.ndarray, val_b: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Sum of two sparse vectors given as sorted (ids, values).

    >>> add_sparse(np.array([1, 4], np.int32), np.array([1, 1], np.float32),
    ...            np.array([4, 9], np.int32), np.array([2, 3], np.float32))
    (array([1, 4, 9], dtype=int32), array([1., 3., 3.], dtype=float32))
    """
    if len(ids_b) == 0:
        return ids_a, val_a
    if len(ids_a) == 0:
        return ids_b.copy(), val_b.copy()
    ids = np.concatenate([ids_a, ids_b])
    vals = np.concatenate([val_a, val_b])
    unique, inverse = np.unique(ids, return_inverse=True)
    sums = np.zeros(len(unique), dtype=np.float32)
    np.add.at(sums, inverse, vals)
    return unique.astype(np.int32), sums


def _top(ids: np.ndarray, tf: np.ndarray, idf_of, keep: int) -> tuple[np.ndarray, np.ndarray]:
    if len(ids) <= keep:
        return ids, tf
    weight = tf * idf_of(ids)
    order = np.lexsort((ids, -weight))[:keep]
    order.sort()  # ids stay sorted because the input was
    return ids[order], tf[order]


def _normalized(weights: np.ndarray) -> np.ndarray:
    weights = weights.astype(np.float32)
    norm = float(np.sqrt(np.dot(weights, weights)))
    return (weights / norm).astype(np.float32) if norm else weights


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _array(text: str, dtype) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype).copy()
