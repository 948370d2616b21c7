"""Figures the outlets of a story dispute (18 killed vs 25 killed), for the summary.

A summary never states such a figure alone: the sentence enters it together with a sentence
stating each other value (``counter_statements``), or not at all. Figures are read per
candidate sentence on first use (``CandidateFigures``): most candidates are never asked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from storyline.digest.candidates import Pool
from storyline.digest.disagreements import (
    COUNTED_EVENTS,
    Figure,
    figures_by_sentence,
    mentions_counted_event,
)


class CandidateFigures:
    """Figures of each candidate, read on first use (most candidates are never asked)."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self._cache: dict[int, list[Figure]] = {}

    def __len__(self) -> int:
        return len(self.pool.candidates)

    def __getitem__(self, i: int) -> list[Figure]:
        if i not in self._cache:
            c = self.pool.candidates[i]
            figs = figures_by_sentence(self.pool.analyzed[c.article], {c.row}).get(c.row, [])
            self._cache[i] = [f for f in figs if c.start <= f.start < c.end]
        return self._cache[i]


def contested_figures(pool: Pool, figures: Sequence[list[Figure]],
                      ) -> dict[tuple, dict[float, list[int]]]:
    """Quantities stated with different values by different articles: key -> value -> cands
    (``figures``: each candidate's figures, as ``CandidateFigures`` reads them)."""
    table: dict[tuple, dict[float, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, c in enumerate(pool.candidates):
        if not mentions_counted_event(c.text):
            continue  # no word for a counted event: no disputed figure (and no need to read)
        for f in figures[i]:
            if f.key is not None and f.key[0] in COUNTED_EVENTS:
                table[f.key][f.value].append(i)
    out = {}
    for key, by_value in table.items():
        if len(by_value) < 2:
            continue
        articles = {int(pool.article_of[i]) for ids in by_value.values() for i in ids}
        if len(articles) >= 2:
            out[key] = by_value
    return out


def counter_statements(figures: Sequence[list[Figure]], importance: np.ndarray, k: int,
                       chosen: Sequence[int], contested: dict[tuple, dict[float, list[int]]],
                       allowed: np.ndarray | None = None,
                       prefer: np.ndarray | None = None) -> list[int]:
    """For each contested figure of ``k``, the best sentence stating each other value.

    Values the summary already states (in ``chosen``) need no new sentence; with ``allowed``,
    a value stated only by sentences that may not be picked (an update summary: the reader
    has read them) needs none either. With ``prefer`` (sentences that stand alone), the
    best of those, when one states the value.
    """
    extra: list[int] = []
    for f in figures[k]:
        by_value = contested.get(f.key) if f.key is not None else None
        if not by_value:
            continue
        stated = {g.value for i in [*chosen, *extra, k] for g in figures[i]
                  if g.key == f.key}
        for value, ids in by_value.items():
            if allowed is not None:
                ids = [i for i in ids if allowed[i]]
            if value in stated or not ids:
                continue
            if prefer is not None:
                ids = [i for i in ids if prefer[i]] or ids
            best = max(ids, key=lambda i: importance[i])
            extra.append(best)
            stated |= {g.value for g in figures[best] if g.key == f.key}
    return extra
