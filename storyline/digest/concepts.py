"""Concepts of a story and how much each one is worth covering (ICSISumm's idea, learned weights).

A *concept* is a pair of adjacent stemmed words (a bigram) that is not made of two stop words:
"flood warn", "prime minist". A summary is good when it covers the story's important concepts,
each once (Gillick & Favre 2009): the weight of a concept is the probability that a human
summary of the story contains it, predicted by a small logistic model from what the articles
show about it (in how many articles and outlets it occurs, how early, in a headline...).
The model's coefficients ship in :mod:`storyline.digest.concept_weights`; they were fitted on
the tuning parts of DUC 2003, DUC 2006 and Multi-News only
(``python -m storyline.evaluate.train_concepts``).

>>> sentence_concepts("The prime minister resigned on Friday.")
['the prime', 'prime minist', 'minist resign', 'resign on', 'on friday']
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_TOKEN = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*")
_NUMBER = re.compile(r"^\d")

FEATURES = ("bias", "df_share", "log_df", "log_tf", "first_position", "mean_position",
            "in_title", "outlet_share", "one_stop_word", "number", "single_article")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer().stem(word)


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


def tokens(text: str) -> list[str]:
    """Lowercased Porter stems of the words of ``text`` (stop words kept).

    >>> tokens("Floods hit the towns")
    ['flood', 'hit', 'the', 'town']
    """
    return [_stem(t) if t not in ENGLISH_STOP_WORDS else t
            for t in _TOKEN.findall(text.lower())]


def sentence_concepts(text: str) -> list[str]:
    """The concepts of a sentence in order of appearance (each once)."""
    words = _TOKEN.findall(text.lower())
    stems = [_stem(w) if w not in ENGLISH_STOP_WORDS else w for w in words]
    seen: dict[str, None] = {}
    for k in range(len(words) - 1):
        if words[k] in ENGLISH_STOP_WORDS and words[k + 1] in ENGLISH_STOP_WORDS:
            continue
        seen.setdefault(f"{stems[k]} {stems[k + 1]}", None)
    return list(seen)


@dataclass(slots=True)
class ConceptTable:
    """The concepts of a story's candidate sentences, their features and weights."""

    names: list[str] = field(default_factory=list)
    features: np.ndarray = field(default_factory=lambda: np.zeros((0, len(FEATURES))))
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # Per candidate sentence: indexes of the concepts it contains.
    of_sentence: list[list[int]] = field(default_factory=list)


def concept_table(sentences: Sequence[tuple[int, int, str]], n_articles: int,
                  titles: Sequence[str] = (), outlets: Sequence[str | None] = (),
                  coefficients: Sequence[float] | None = None) -> ConceptTable:
    """Concepts of ``sentences`` = ``(article index, position in article, text)``.

    ``titles``/``outlets`` are per article (may be empty). ``coefficients`` (default: the
    shipped ones) turn features into weights; concepts seen once in a story of several
    articles get no weight (nothing corroborates them).

    >>> t = concept_table([(0, 0, "Floods hit Passau."), (1, 0, "Floods hit Passau again."),
    ...                    (1, 3, "Rain fell.")], 2)
    >>> t.names[:2], bool(t.weights[0] > t.weights[-1])
    (['flood hit', 'hit passau'], True)
    """
    if coefficients is None:
        from storyline.digest.concept_weights import COEFFICIENTS

        coefficients = COEFFICIENTS
    index: dict[str, int] = {}
    docs: dict[int, set[int]] = defaultdict(set)
    tf: dict[int, int] = defaultdict(int)
    positions: dict[int, list[int]] = defaultdict(list)
    of_sentence: list[list[int]] = []
    for article, position, text in sentences:
        ids = []
        for name in sentence_concepts(text):
            k = index.setdefault(name, len(index))
            docs[k].add(article)
            tf[k] += 1
            positions[k].append(position)
            ids.append(k)
        of_sentence.append(ids)
    names = list(index)
    title_concepts = {c for title in titles if title for c in sentence_concepts(title)}
    n = max(1, n_articles)
    outlet_count = len({o for o in outlets if o}) or 1
    rows = np.zeros((len(names), len(FEATURES)), np.float64)
    for k, name in enumerate(names):
        df = len(docs[k])
        first = min(positions[k])
        a, b = name.split(" ", 1)
        sources = len({outlets[d] for d in docs[k] if d < len(outlets) and outlets[d]}) or 1
        rows[k] = (
            1.0,
            df / n,
            math.log1p(df),
            math.log1p(tf[k]),
            1.0 / (1.0 + first),
            float(np.mean([1.0 / (1.0 + p) for p in positions[k]])),
            1.0 if name in title_concepts else 0.0,
            sources / outlet_count,
            1.0 if (a in ENGLISH_STOP_WORDS or b in ENGLISH_STOP_WORDS) else 0.0,
            1.0 if (_NUMBER.match(a) or _NUMBER.match(b)) else 0.0,
            1.0 if n_articles <= 1 else 0.0,
        )
    coef = np.asarray(coefficients, np.float64)
    weights = 1.0 / (1.0 + np.exp(-(rows @ coef))) if len(names) else np.zeros(0)
    if n_articles > 1 and len(names):
        singles = np.asarray([tf[k] < 2 for k in range(len(names))])
        weights = np.where(singles, 0.0, weights)
    return ConceptTable(names, rows, weights, of_sentence)
