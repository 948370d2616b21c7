"""Snippets of one pile, grouped by topic in bulk before the online decision sees them.

A pile (``--format lines``: one sentence or two per line, gathered by a reader about one
subject) gives story detection almost nothing to decide an event on: no date, no outlet, a
dozen words. The online decision, trained on whole articles, rightly opens a story for
nearly every line (22 stories for the 23 lines of the seed pile). Snippets of one pile are
therefore grouped together first, by average-link clustering on the similarity of their
sentence vectors, words and names (then a group of a few lines joins the nearest larger
group when they are alike enough: a line or two carry too little to be a topic of their
own), and each group becomes one story (its first snippet goes
through the normal decision, so a group can still join a story of whole articles).

Average link, not the online pass: one sentence against one sentence is noisy (cosines of
0.05 to 0.6 within one topic), and only the mean over many pairs separates topics.
``storyline eval snippets`` measures it on piles built from labelled clusters (one sentence
per article); the threshold (``Params.pile_threshold``) was chosen on the tuning topics of
DUC 2003 only.

>>> import numpy as np
>>> average_link_groups(np.array([[1, .5, 0], [.5, 1, 0], [0, 0, 1]]), threshold=.3)
[[0, 1], [2]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.spatial.distance import squareform

from storyline.stories.features import ENTITY_FEATURES, WORD_FEATURES, ArticleFeatures
from storyline.stories.frequencies import DocumentFrequencies
from storyline.stories.params import Params
from storyline.stories.similarity import Weighted

SNIPPET_SENTENCES = 4  # a few sentences (a line of a pile has no title)
SNIPPET_WORDS = 60  # distinct words: a short paragraph at most
_DEFAULTS = Params(decision=None)  # the pile settings only (no model loaded for them)


def is_snippet(features: ArticleFeatures) -> bool:
    """A line of a pile short enough to need grouping (the rest are articles)."""
    return (features.pile is not None and len(features.statements) <= SNIPPET_SENTENCES
            and len(features.word_ids) <= SNIPPET_WORDS)


def pile_groups(features: Sequence[ArticleFeatures], params: Params | None = None
                ) -> list[list[int]]:
    """Indexes of ``features`` grouped: snippets of one pile by topic, everything else alone
    (``params``: the stage's settings, ``pile_*``).

    Groups are listed by their first member, in the order given.
    """
    params = params or _DEFAULTS
    by_pile: dict[str, list[int]] = {}
    for i, f in enumerate(features):
        if is_snippet(f):
            by_pile.setdefault(f.pile, []).append(i)
    group_of: dict[int, list[int]] = {}
    for members in by_pile.values():
        sims = similarity([features[i] for i in members], params)
        groups = attach_small_groups(sims, average_link_groups(sims, params.pile_threshold),
                                     params.pile_small, params.pile_attach)
        for group in groups:
            indexes = [members[j] for j in group]
            group_of[indexes[0]] = indexes
    taken = {i for g in group_of.values() for i in g}
    return [group_of[i] if i in group_of else [i] for i in range(len(features))
            if i in group_of or i not in taken]


def similarity(features: Sequence[ArticleFeatures], params: Params | None = None
               ) -> np.ndarray:
    """Pairwise similarity of snippets: vector cosine plus shares of word and name cosines,
    the terms weighed by inverse document frequency within the pile."""
    params = params or _DEFAULTS
    dense = np.stack([f.vector for f in features]).astype(np.float64)
    return (dense @ dense.T
            + params.pile_word_share * _tfidf_cosines(
                [(f.word_ids, f.word_tf) for f in features], WORD_FEATURES)
            + params.pile_name_share * _tfidf_cosines(
                [(f.entity_ids, f.entity_tf) for f in features], ENTITY_FEATURES))


def average_link_groups(sims: np.ndarray, threshold: float) -> list[list[int]]:
    """Groups whose parts keep a mean pairwise similarity of at least ``threshold``."""
    n = len(sims)
    if n < 2:
        return [[i] for i in range(n)]
    top = float(sims.max())
    distances = np.maximum(0.0, top - sims)
    np.fill_diagonal(distances, 0.0)
    labels = fcluster(linkage(squareform(distances, checks=False), "average"),
                      top - threshold, "distance")
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return sorted(groups.values())


def attach_small_groups(sims: np.ndarray, groups: list[list[int]], small: int,
                        attach: float) -> list[list[int]]:
    """``groups`` after each group of at most ``small`` members joined the larger group it
    is closest to (mean pairwise similarity), where that mean is at least ``attach``; the
    closest such pair first, until none is left. Listed by first member.

    >>> sims = np.array([[1, .5, .5, .2], [.5, 1, .5, .2], [.5, .5, 1, .1], [.2, .2, .1, 1]])
    >>> attach_small_groups(sims, [[0, 1, 2], [3]], small=1, attach=.15)
    [[0, 1, 2, 3]]
    >>> attach_small_groups(sims, [[0, 1, 2], [3]], small=1, attach=.2)
    [[0, 1, 2], [3]]
    """
    groups = [list(g) for g in groups]
    while True:
        best: tuple[float, int, int] | None = None
        for i, group in enumerate(groups):
            if len(group) > small:
                continue
            for j, other in enumerate(groups):
                if len(other) > len(group):
                    mean = float(sims[np.ix_(group, other)].mean())
                    if mean >= attach and (best is None or mean > best[0]):
                        best = (mean, i, j)
        if best is None:
            return sorted(sorted(g) for g in groups)
        _, i, j = best
        groups[j] += groups[i]
        del groups[i]


def _tfidf_cosines(rows: list[tuple[np.ndarray, np.ndarray]], n_features: int) -> np.ndarray:
    """Cosines of the rows' TF-IDF vectors, the document frequencies counted within the pile
    (story detection's ``DocumentFrequencies`` and ``Weighted``)."""
    df = DocumentFrequencies(n_features)
    for ids, _ in rows:
        df.add(ids)
    vectors = [Weighted.of(ids, tf, df) for ids, tf in rows]
    indptr = np.cumsum([0] + [len(v.ids) for v in vectors])
    matrix = csr_matrix((np.concatenate([v.weights for v in vectors]).astype(np.float64),
                         np.concatenate([v.ids for v in vectors]), indptr),
                        shape=(len(rows), n_features))
    return (matrix @ matrix.T).toarray()


__all__ = ["SNIPPET_SENTENCES", "SNIPPET_WORDS", "attach_small_groups", "average_link_groups",
           "is_snippet", "pile_groups", "similarity"]
