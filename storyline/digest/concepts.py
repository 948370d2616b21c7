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

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storyline.text.stems import porter_stem

_TOKEN = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*")
_NUMBER = re.compile(r"^\d")

FEATURES = ("bias", "df_share", "log_df", "log_tf", "first_position", "mean_position",
            "in_title", "outlet_share", "one_stop_word", "number", "single_article")


def tokens(text: str) -> list[str]:
    """Lowercased Porter stems of the words of ``text`` (stop words kept).

    >>> tokens("Floods hit the towns")
    ['flood', 'hit', 'the', 'town']
    """
    return [porter_stem(t) if t not in ENGLISH_STOP_WORDS else t
            for t in _TOKEN.findall(text.lower())]


def sentence_concepts(text: str) -> list[str]:
    """The concepts of a sentence in order of appearance (each once)."""
    words = _TOKEN.findall(text.lower())
    stems = [porter_stem(w) if w not in ENGLISH_STOP_WORDS else w for w in words]
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
    occ_concept: list[int] = []
    occ_article: list[int] = []
    occ_position: list[int] = []
    of_sentence: list[list[int]] = []
    for article, position, text in sentences:
        ids = [index.setdefault(name, len(index)) for name in sentence_concepts(text)]
        occ_concept += ids
        occ_article += [article] * len(ids)
        occ_position += [position] * len(ids)
        of_sentence.append(ids)
    names = list(index)
    m = len(names)
    concept = np.asarray(occ_concept, np.int64)
    article_of = np.asarray(occ_article, np.int64)
    inverse = 1.0 / (1.0 + np.asarray(occ_position, np.float64))
    tf = np.bincount(concept, minlength=m).astype(np.float64)
    pairs = np.unique(concept * (len(titles) + n_articles + 1) + article_of) if m else concept
    df = np.bincount(pairs // (len(titles) + n_articles + 1), minlength=m).astype(np.float64)
    first = np.zeros(m)
    np.maximum.at(first, concept, inverse)  # 1 / (1 + earliest position)
    mean_position = np.bincount(concept, weights=inverse, minlength=m) / np.maximum(tf, 1)
    title_concepts = {c for title in titles if title for c in sentence_concepts(title)}
    n = max(1, n_articles)
    known_outlets = any(outlets)
    if known_outlets:
        outlet_id = {o: i for i, o in enumerate(sorted({o for o in outlets if o}))}
        outlet_of = np.asarray([outlet_id.get(outlets[a], -1) if a < len(outlets) else -1
                                for a in range(n_articles)] or [-1], np.int64)
        outlet_count = len(outlet_id)
        occ_outlet = outlet_of[article_of] if m else article_of
        named = occ_outlet >= 0
        keyed = np.unique(concept[named] * (outlet_count + 1) + occ_outlet[named])
        sources = np.maximum(np.bincount(keyed // (outlet_count + 1), minlength=m), 1)
    else:  # no outlet named: each article counts as its own
        outlet_count, sources = n, df
    stop = np.asarray([any(w in ENGLISH_STOP_WORDS for w in name.split(" ", 1))
                       for name in names], np.float64)
    number = np.asarray([any(_NUMBER.match(w) for w in name.split(" ", 1)) for name in names],
                        np.float64)
    in_title = np.asarray([name in title_concepts for name in names], np.float64)
    rows = np.column_stack([
        np.ones(m), df / n, np.log1p(df), np.log1p(tf), first, mean_position, in_title,
        sources / max(1, outlet_count), stop, number,
        np.full(m, 1.0 if n_articles <= 1 else 0.0),
    ]) if m else np.zeros((0, len(FEATURES)))
    coef = np.asarray(coefficients, np.float64)
    weights = 1.0 / (1.0 + np.exp(-(rows @ coef))) if len(names) else np.zeros(0)
    if n_articles > 1 and len(names):
        weights = np.where(tf < 2, 0.0, weights)
    return ConceptTable(names, rows, weights, of_sentence)
