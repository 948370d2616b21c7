"""How alike an article and a story are: sentence vectors, TF-IDF words and entities, time.

>>> round(sparse_cosine(np.array([1, 2], np.int32), np.array([1, 1], np.float32),
...               np.array([2, 3], np.int32), np.array([1, 1], np.float32)), 6)
0.5
>>> time_gap_days(10 * DAY, 0.0, 5 * DAY), time_gap_days(None, 0.0, 5 * DAY)
(5.0, None)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from storyline.stories.features import STATEMENT_SCALE
from storyline.stories.frequencies import DocumentFrequencies

DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class Weights:
    """The blend: a linear score whose three similarity weights sum to 1.

    The form (and the sign and rough size of each term) comes from a logistic model of
    "article belongs to story" fitted on DUC 2003 and Multi-News; the values were then set
    on the same data by grid search over a few round numbers (docs/results/stories.md).
    Sentence vectors of the lead weigh least: on web pages (Multi-News) the lead is often
    boilerplate, and they separate events of one topic (TDT) worse than words and names.
    """

    dense: float = 0.12  # sentence vectors of title and lead
    words: float = 0.45  # TF-IDF over words
    entities: float = 0.43  # TF-IDF over named entities
    per_day: float = 0.02  # each day between the article and the story's span
    # Beyond two weeks a gap says little more: the penalty stops growing (0.28), so a
    # follow-up weeks later joins on strong word and name overlap alone.
    max_gap_days: float = 14.0
    undated: float = 0.09  # no dates to compare: less evidence, so more similarity needed
    per_log_size: float = 0.04  # big stories look like everything a little
    # Statements: the cosine of the closest pair of sentence vectors between an article's
    # first sentences and the story's latest ones. A statement both report (the same toll,
    # quote or announcement: near-paraphrases score 0.6-0.95) adds evidence beyond
    # ``statement_floor``; when not even one pair reaches ``statement_gap`` (0.4: sentences
    # of one topic score 0.4-0.6), the two only share names and words: evidence against.
    # Measured on DUC 2003 / Multi-News / pooled / demo: 0.876 / 0.824 / 0.831 / 0.875
    # without statements, 0.895 / 0.823 / 0.840 / 0.948 with (docs/results/stories.md).
    statements: float = 0.3
    statement_floor: float = 0.5
    unrelated_statements: float = 0.5
    statement_gap: float = 0.4


@dataclass(slots=True)
class Weighted:
    """A sparse TF-IDF vector, L2-normalized (sorted ids)."""

    ids: np.ndarray
    weights: np.ndarray

    @classmethod
    def of(cls, ids: np.ndarray, tf: np.ndarray, df: DocumentFrequencies) -> Weighted:
        if len(ids) == 0:
            return cls(ids, tf)
        w = tf * df.idf(ids)
        norm = float(np.sqrt(np.dot(w, w)))
        return cls(ids, (w / norm).astype(np.float32) if norm else w)


def sparse_cosine(a_ids: np.ndarray, a_w: np.ndarray, b_ids: np.ndarray, b_w: np.ndarray
                  ) -> float:
    """Cosine of two sparse vectors with sorted, unique ids."""
    if len(a_ids) == 0 or len(b_ids) == 0:
        return 0.0
    _, ia, ib = np.intersect1d(a_ids, b_ids, assume_unique=True, return_indices=True)
    if len(ia) == 0:
        return 0.0
    dot = float(np.dot(a_w[ia], b_w[ib]))
    na = float(np.sqrt(np.dot(a_w, a_w)))
    nb = float(np.sqrt(np.dot(b_w, b_w)))
    return dot / (na * nb) if na and nb else 0.0


def weighted_cosine(a: Weighted, b: Weighted) -> float:
    """Cosine of two normalized TF-IDF vectors."""
    return sorted_dot(a.ids, a.weights, b.ids, b.weights)


def sorted_dot(a_ids: np.ndarray, a_w: np.ndarray, b_ids: np.ndarray, b_w: np.ndarray
               ) -> float:
    """Dot product of two sparse vectors with sorted unique ids (``a`` the shorter, ideally).

    >>> sorted_dot(np.array([1, 5], np.int32), np.array([2, 3], np.float32),
    ...            np.array([0, 5, 9], np.int32), np.array([1, 4, 1], np.float32))
    12.0
    """
    if len(a_ids) == 0 or len(b_ids) == 0:
        return 0.0
    at = np.searchsorted(b_ids, a_ids)
    at[at == len(b_ids)] = 0
    hit = b_ids[at] == a_ids
    return float(np.dot(a_w[hit], b_w[at[hit]]))


def time_gap_days(moment: float | None, first: float | None, last: float | None
                  ) -> float | None:
    """Days between ``moment`` and the span [first, last]; None when either is undated."""
    if moment is None or first is None or last is None:
        return None
    if moment > last:
        return (moment - last) / DAY
    if moment < first:
        return (first - moment) / DAY
    return 0.0


def span_gap_days(a_first, a_last, b_first, b_last) -> float | None:
    """Days between two spans (0 when they overlap; None when either is undated)."""
    if None in (a_first, a_last, b_first, b_last):
        return None
    return max(0.0, max(a_first, b_first) - min(a_last, b_last)) / DAY


def statement_overlap(a: np.ndarray, b: np.ndarray) -> float:
    """The cosine of the closest pair of statements: rows of two matrices of quantized
    (int8, :func:`storyline.stories.features.quantize`) normalized sentence vectors; ``a``
    may be given already converted to float32.

    >>> from storyline.stories.features import quantize
    >>> a = quantize(np.array([[1, 0], [0, 1]]))
    >>> round(statement_overlap(a, quantize(np.array([[0.6, 0.8]]))), 2)
    0.8
    >>> statement_overlap(a, np.zeros((0, 2), np.int8))
    0.0
    """
    if len(a) == 0 or len(b) == 0:
        return 0.0
    dot = np.asarray(a, np.float32) @ b.astype(np.float32).T
    return float(dot.max()) / (STATEMENT_SCALE * STATEMENT_SCALE)


def blend(dense: float, words: float, entities: float, gap: float | None, size: int,
          weights: Weights, statements: float | None = None) -> float:
    """The score of an article (or story) against a story of ``size`` articles.

    ``statements``: :func:`statement_overlap`, or None when either side has none.
    """
    score = weights.dense * dense + weights.words * words + weights.entities * entities
    if gap is None:
        score -= weights.undated
    else:
        score -= weights.per_day * min(gap, weights.max_gap_days)
    return score - weights.per_log_size * math.log(max(size, 1)) + statement_term(
        statements, weights)


def statement_term(statements: float | None, weights: Weights) -> float:
    """What the closest pair of statements adds to (or takes off) a score.

    >>> w = Weights()
    >>> statement_term(None, w), round(statement_term(0.9, w), 2), statement_term(0.3, w) < 0
    (0.0, 0.12, True)
    """
    if statements is None:
        return 0.0
    return (weights.statements * max(0.0, statements - weights.statement_floor)
            - weights.unrelated_statements * max(0.0, weights.statement_gap - statements))


def most_from_statements(weights: Weights) -> float:
    """The most :func:`statement_term` can add."""
    return weights.statements * (1.0 - weights.statement_floor)


def upper_bound(dense: float, weights: Weights) -> float:
    """The most ``blend`` can give for this dense similarity (all other evidence at 1)."""
    return weights.dense * dense + weights.words + weights.entities + most_from_statements(weights)


__all__ = ["DAY", "Weighted", "Weights", "blend", "most_from_statements", "sparse_cosine",
           "span_gap_days", "statement_overlap", "statement_term", "time_gap_days",
           "upper_bound", "weighted_cosine"]
