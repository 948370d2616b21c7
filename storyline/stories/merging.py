"""Merging stories that turn out to be one: after an article joins a story, and in a sweep
over all open stories after a bulk pass.

``Merging`` is the part of :class:`storyline.stories.cluster.OnlineClusterer` that does this
(the clusterer inherits it); it changes the clusterer's open stories, index and bookkeeping.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from storyline.stories import title as titles
from storyline.stories.evidence import Evidence, shared_count, title_overlap, vector
from storyline.stories.frequencies import DocumentFrequencies
from storyline.stories.index import StoryIndex
from storyline.stories.params import Params
from storyline.stories.similarity import (
    blend,
    sorted_dot,
    span_gap_days,
    statement_overlap,
    upper_bound,
)
from storyline.stories.state import MAX_STORY_WORDS, StoryState


class Merging:
    """Story-to-story similarity and merges (see module)."""

    params: Params
    word_df: DocumentFrequencies
    entity_df: DocumentFrequencies
    stories: dict[str, StoryState]
    index: StoryIndex
    _changed: dict[str, StoryState]
    _merges: list[tuple[str, str]]
    _alias: dict[str, str]
    _open: Callable[[StoryState], None]

    def story_similarity(self, a: StoryState, b: StoryState) -> float:
        """Blended similarity of two stories (centroids, TF-IDF, gap between their spans)."""
        dense = float(np.dot(a.centroid, b.centroid))
        if upper_bound(dense, self.params.weights) < self.params.merge_threshold:
            return 0.0
        return blend(dense, sorted_dot(a.word_ids, a.word_w, b.word_ids, b.word_w),
                     sorted_dot(a.entity_ids, a.entity_w, b.entity_ids, b.entity_w),
                     span_gap_days(a.first, a.last, b.first, b.last), max(a.size, b.size),
                     self.params.weights)

    def story_evidence(self, a: StoryState, b: StoryState, similarity: float) -> Evidence:
        """What speaks for stories ``a`` and ``b`` being one (``similarity``: their blend)."""
        overlap = (statement_overlap(a.statements, b.statements)
                   if a.statements is not None and b.statements is not None
                   and len(a.statements) and len(b.statements) else None)
        small, large = (a, b) if a.size <= b.size else (b, a)
        names = shared_count(small.entity_ids, large.entity_ids)
        words = shared_count(small.word_ids, large.word_ids)
        return Evidence(float(np.dot(a.centroid, b.centroid)),
                        sorted_dot(a.word_ids, a.word_w, b.word_ids, b.word_w),
                        sorted_dot(a.entity_ids, a.entity_w, b.entity_ids, b.entity_w),
                        overlap, span_gap_days(a.first, a.last, b.first, b.last),
                        large.size, names, title_overlap(small.title, large.title),
                        similarity, similarity - self.params.floor,
                        names / len(small.entity_ids) if len(small.entity_ids) else 0.0,
                        words / len(small.word_ids) if len(small.word_ids) else 0.0)

    def _merge_neighbours(self, state: StoryState, moment: float | None,
                          near: list[str] | None = None) -> StoryState:
        """Merge ``state`` with its nearest open neighbour when the two are one story.

        ``near``: stories already found near the article that just joined ``state``. The
        neighbours of the story's new centroid are looked for among them instead of by a
        second search of the whole index: that search cost as much as the first one and
        grows with the number of open stories.
        """
        if near is None:
            hits = [sid for sid, _ in self.index.search(
                state.centroid, self.params.merge_candidates + 1, moment=moment)]
        else:
            hits = self.index.nearest_among(state.centroid, near,
                                            self.params.merge_candidates + 1)
        best, best_score = None, self.params.merge_threshold
        model = self.params.decision
        for story_id in hits:
            if story_id == state.id or story_id not in self.stories:
                continue
            other = self.stories[story_id]
            score = self.story_similarity(state, other)
            if score < self.params.merge_threshold:
                continue
            if model is not None:
                score = model.probability(vector(self.story_evidence(state, other, score)))
                if score < model.merge_bar or (best is not None and score < best_score):
                    continue
            elif score < best_score:
                continue
            best, best_score = other, score
        if best is None:
            return state
        return self.merge(state, best)

    def merge(self, a: StoryState, b: StoryState) -> StoryState:
        """Fold the smaller story into the larger (ties: the older survives)."""
        keep, gone = (a, b) if _survives(a, b) else (b, a)
        keep.absorb(gone)
        titles.refresh_after_merge(keep, gone)
        if len(keep.word_ids) > MAX_STORY_WORDS:
            keep.prune(self.word_df.idf, self.entity_df.idf)
        keep.reweigh(self.word_df.idf, self.entity_df.idf)
        gone.merged_into = keep.id
        self.index.remove(gone.id)
        self.stories.pop(gone.id, None)
        self._changed[gone.id] = gone
        self._merges.append((gone.id, keep.id))
        self._alias[gone.id] = keep.id
        self._open(keep)
        return keep

    def merge_sweep(self) -> int:
        """Check every open story against its neighbours once (after a bulk pass)."""
        merged = 0
        for story_id in sorted(self.stories, key=lambda s: (-self.stories[s].size, s)):
            state = self.stories.get(story_id)
            if state is None:
                continue
            after = self._merge_neighbours(state, state.last)
            merged += after is not state or state.merged_into is not None
        return merged


def _survives(a: StoryState, b: StoryState) -> bool:
    if a.size != b.size:
        return a.size > b.size
    a_first = a.first if a.first is not None else float("inf")
    b_first = b.first if b.first is not None else float("inf")
    if a_first != b_first:
        return a_first < b_first
    return a.id < b.id


__all__ = ["Merging"]
