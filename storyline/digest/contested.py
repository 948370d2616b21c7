"""Figures the outlets of a story dispute (18 killed vs 25 killed on one day), for the summary.

A summary never states such a figure alone: the sentence enters it together with a sentence
stating each other value of that day (``counter_statements``), or not at all. A count that
changed from one day to the next is no dispute: the digest tells it as its evolution.
Candidates' figures are read on first use (``CandidateFigures``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from storyline.digest.candidates import Pool
from storyline.digest.disagreements import (
    Figure,
    disputes,
    figures_by_sentence,
    read_figures,
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


def contested_figures(pool: Pool) -> dict[tuple, dict[float, list[int]]]:
    """The disputes the digest reports (``disagreements.number_disagreements``: one
    quantity, one day, values that differ between outlets), each as value -> the candidates
    stating it. A count that changed from day to day is no dispute (issue 15): it is told as
    its evolution in its own section, and the summary may state its latest or first value
    alone."""
    at: dict[tuple[int, int], list[int]] = defaultdict(list)  # (article, row) -> candidates
    for i, c in enumerate(pool.candidates):
        at[(c.article, c.row)].append(i)
    out: dict[tuple, dict[float, list[int]]] = {}
    for quantity, day, disputed in disputes(pool.analyzed, read_figures(pool.analyzed)):
        by_value: dict[float, list[int]] = defaultdict(list)
        for r in disputed:
            for i in at.get((r.article, r.sentence), []):
                c = pool.candidates[i]
                if c.start <= r.figure.start < c.end and i not in by_value[r.figure.value]:
                    by_value[r.figure.value].append(i)
        if sum(1 for ids in by_value.values() if ids) >= 2:
            out[(quantity, day)] = dict(by_value)
    return out


def counter_statements(importance: np.ndarray, k: int, chosen: Sequence[int],
                       contested: dict[tuple, dict[float, list[int]]],
                       allowed: np.ndarray | None = None,
                       prefer: np.ndarray | None = None) -> list[int]:
    """For each dispute ``k`` takes part in, the best sentence stating each other value.

    Values the summary already states (in ``chosen``) need no new sentence; with ``allowed``,
    a value stated only by sentences that may not be picked (an update summary: the reader
    has read them) needs none either. With ``prefer`` (sentences that stand alone), the
    best of those, when one states the value.
    """
    extra: list[int] = []
    for by_value in contested.values():
        if not any(k in ids for ids in by_value.values()):
            continue
        have = {*chosen, *extra, k}
        stated = {v for v, ids in by_value.items() if have.intersection(ids)}
        for value, ids in by_value.items():
            if allowed is not None:
                ids = [i for i in ids if allowed[i]]
            if value in stated or not ids:
                continue
            if prefer is not None:
                ids = [i for i in ids if prefer[i]] or ids
            best = max(ids, key=lambda i: importance[i])
            extra.append(best)
            stated |= {v for v, others in by_value.items() if best in others}
    return extra
