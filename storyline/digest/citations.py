"""Corroboration: which articles of a story state the same thing, in whatever words.

Two sentences from different articles state the same content when their MiniLM vectors are
very close, or fairly close while sharing much of their TF-IDF-weighted vocabulary, and
they do not give different numbers for the same quantity (18 killed is not 25 killed).
A sentence's citation list is its own article followed by every other article with such a
sentence; the size of that list is the sentence's corroboration.

>>> import numpy as np
>>> dense = np.array([[1, .9, .2], [.9, 1, .2], [.2, .2, 1]], np.float32)
>>> same = same_content(dense, dense, np.array([0, 1, 2]))
>>> [sorted(np.flatnonzero(row).tolist()) for row in same]
[[1], [0], []]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from storyline.digest.settings import SETTINGS


def same_content(dense: np.ndarray, lexical: np.ndarray, article_of: np.ndarray, *,
                 conflict: Callable[[int, int], bool] | None = None) -> np.ndarray:
    """Boolean matrix: candidate i and j (of different articles) state the same content."""
    same = (dense >= SETTINGS.same_dense) | ((dense >= SETTINGS.same_dense_low)
                                             & (lexical >= SETTINGS.same_lexical))
    same &= article_of[:, None] != article_of[None, :]
    if conflict is not None:
        rows, cols = np.nonzero(np.triu(same, 1))
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            if conflict(i, j):
                same[i, j] = same[j, i] = False
    return same


def citing_articles(same: np.ndarray, article_of: np.ndarray, order: Sequence[int]
                    ) -> list[list[int]]:
    """Per candidate: its article, then the other articles reporting the same (in ``order``).

    ``order`` ranks article indexes for listing (publication order); ties keep input order.
    """
    rank = {a: r for r, a in enumerate(order)}
    out = []
    for i in range(len(article_of)):
        others = {int(a) for a in article_of[same[i]]} - {int(article_of[i])}
        out.append([int(article_of[i]), *sorted(others, key=lambda a: (rank.get(a, a), a))])
    return out


def corroboration(cited: Sequence[Sequence[int]], n_articles: int) -> np.ndarray:
    """Share of the story's other articles that report each candidate, in [0, 1]."""
    if n_articles <= 1:
        return np.zeros(len(cited), np.float32)
    return np.asarray([(len(c) - 1) / (n_articles - 1) for c in cited], np.float32)
