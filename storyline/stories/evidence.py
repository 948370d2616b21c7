"""The evidence that an article (or a story) belongs to a story, as numbers a model weighs.

For one (article, candidate story) pair it gathers what the clusterer already has: the
sentence-vector cosine of the lead and the story's centroid, the TF-IDF cosines over words
and over named entities, how many distinct names the two share, the closest pair of
statements (sentence vectors), the days between the article and the story's span, the
story's size, how many of the headline's words the story's title has, the blended score and
its margin over the next-best candidate. :func:`vector` turns that into the fixed-length
row the learned decision (:mod:`storyline.stories.decision`) reads.

>>> e = Evidence(dense=0.6, words=0.4, entities=0.5, statements=0.8, gap_days=1.0,
...              size=3, shared_entities=4, title_words=0.5, blend=0.3, margin=0.2)
>>> vector(e).shape == (len(FEATURES),)
True
>>> float(dict(zip(FEATURES, vector(e)))["one_shared_name"])
0.0
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

FEATURES = (
    "dense", "words", "entities", "statements", "no_statements", "gap", "log_gap", "undated",
    "log_size", "log_shared_names", "one_shared_name", "no_shared_name", "title_words",
    "blend", "margin", "words_x_entities", "statements_x_words", "dense_x_words",
    "names_known", "words_known",
)
GAP_CAP_DAYS = 30.0
_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset(
    "the and for with that this from after over into about than have has had will would "
    "are was were been its his her their they them says said say new more not but who".split()
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What speaks for (and against) one article joining one story."""

    dense: float  # cosine of the article's lead vector and the story's centroid
    words: float  # TF-IDF cosine over words
    entities: float  # TF-IDF cosine over named entities
    statements: float | None  # closest pair of statement vectors; None: one side has none
    gap_days: float | None  # days between the article and the story's span; None: undated
    size: int  # articles in the story
    shared_entities: int  # distinct names the two have in common
    title_words: float  # share of the headline's content words in the story's title
    blend: float  # the blended similarity (``similarity.blend``) the candidates are ranked by
    margin: float  # blend minus the best blend of the other candidates (or of the floor)
    # Novelty, as first-story detection measures it: the share of the article's names and
    # words the story already has (a new event on a known subject brings new names).
    names_known: float = 0.0
    words_known: float = 0.0


def vector(e: Evidence) -> np.ndarray:
    """The row the decision model reads, in the order of :data:`FEATURES`."""
    statements = 0.0 if e.statements is None else e.statements
    gap = 0.0 if e.gap_days is None else min(e.gap_days, GAP_CAP_DAYS)
    return np.array([
        e.dense, e.words, e.entities, statements, float(e.statements is None),
        gap / GAP_CAP_DAYS, math.log1p(gap), float(e.gap_days is None),
        math.log(max(e.size, 1)), math.log1p(e.shared_entities),
        float(e.shared_entities == 1), float(e.shared_entities == 0), e.title_words,
        e.blend, max(-1.0, min(1.0, e.margin)), math.sqrt(max(e.words, 0.0) * max(e.entities, 0.0)),
        statements * e.words, e.dense * e.words, e.names_known, e.words_known,
    ], np.float64)


def shared_count(a_ids: np.ndarray, b_ids: np.ndarray) -> int:
    """How many ids two sorted unique id arrays have in common.

    >>> shared_count(np.array([1, 4, 9]), np.array([4, 9, 12]))
    2
    """
    if len(a_ids) == 0 or len(b_ids) == 0:
        return 0
    at = np.searchsorted(b_ids, a_ids)
    at[at == len(b_ids)] = 0
    return int(np.count_nonzero(b_ids[at] == a_ids))


def title_overlap(headline: str, title: str) -> float:
    """The share of ``headline``'s content words that ``title`` also has (0 when none).

    >>> title_overlap("Flood kills 18 in Redfern town", "Redfern flood toll rises")
    0.5
    """
    words = {w for w in _WORD.findall(headline.lower()) if w not in _STOP}
    if not words:
        return 0.0
    return len(words & set(_WORD.findall(title.lower()))) / len(words)


__all__ = ["FEATURES", "Evidence", "shared_count", "title_overlap", "vector"]
