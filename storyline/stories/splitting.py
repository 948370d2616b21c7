"""Splitting a young story whose members form two groups (see :mod:`storyline.stories.members`).

These functions act on an :class:`storyline.stories.cluster.OnlineClusterer` (``clusterer``):
its document frequencies, its decision's ``split_ratio``, its index and its bookkeeping of
which article is in which story.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.stories import members as kept
from storyline.stories import title as titles
from storyline.stories.features import ArticleFeatures
from storyline.stories.moments import posix
from storyline.stories.similarity import blend, sorted_dot, statement_overlap, time_gap_days
from storyline.stories.state import MAX_STORY_WORDS, StoryState


def member_scores(clusterer, members: Sequence[ArticleFeatures]) -> np.ndarray:
    """Pairwise blended similarity of a story's members (with today's frequencies)."""
    weighed = [clusterer.weigh(m) for m in members]
    rows = [m.statements.astype(np.float32) for m in members]
    moments = [posix(m.published) for m in members]
    n = len(members)
    scores = np.full((n, n), np.nan)
    for i in range(n):
        for j in range(i + 1, n):
            (wi, ei), (wj, ej) = weighed[i], weighed[j]
            overlap = (statement_overlap(rows[i], members[j].statements)
                       if len(rows[i]) and len(rows[j]) else None)
            scores[i, j] = scores[j, i] = blend(
                float(members[i].vector @ members[j].vector),
                sorted_dot(wi.ids, wi.weights, wj.ids, wj.weights),
                sorted_dot(ei.ids, ei.weights, ej.ids, ej.weights),
                time_gap_days(moments[i], moments[j], moments[j]), 1,
                clusterer.params.weights, overlap)
    return scores


def maybe_split(clusterer, state: StoryState) -> None:
    """Split ``state`` in two when its members form two groups with little evidence
    between them (:func:`storyline.stories.members.two_groups`)."""
    ratio = clusterer.params.decision.split_ratio if clusterer.params.decision else None
    members = state.members
    if ratio is None or members is None or len(members) < 2 * kept.MIN_GROUP:
        return
    groups = kept.two_groups(member_scores(clusterer, members),
                             [posix(m.published) for m in members], ratio)
    if groups is not None:
        split(clusterer, state, [[members[k] for k in group] for group in groups])

def split(clusterer, state: StoryState, groups: list[list[ArticleFeatures]]) -> StoryState:
    """Rebuild ``state`` from its first group; the second becomes a new story (returned)."""
    keep = StoryState(state.id, np.zeros_like(state.vector_sum))
    new = StoryState(StoryState.found_by_split(state.id, groups[1][0].id),
                     np.zeros_like(state.vector_sum))
    for target, group in zip((keep, new), groups, strict=True):
        for member in sorted(group, key=lambda m: posix(m.published) or 0.0):
            target.add(member)
            titles.consider(target, member)
        if len(target.word_ids) > MAX_STORY_WORDS * 1.5:
            target.prune(clusterer.word_df.idf, clusterer.entity_df.idf)
        target.reweigh(clusterer.word_df.idf, clusterer.entity_df.idf)
    clusterer.index.remove(state.id)
    clusterer.stories.pop(state.id, None)
    clusterer._open(keep)
    clusterer._open(new)
    for member in groups[1]:
        clusterer._assigned[member.id] = new.id
        clusterer._moved.append(member.id)
    return new


__all__ = ["maybe_split", "member_scores", "split"]
