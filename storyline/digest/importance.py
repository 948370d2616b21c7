"""Learned sentence importance (RegSum's idea): how much of a sentence a human summary says.

A small linear model predicts, from a handful of features of a candidate sentence, the share
of its word bigrams (Porter stems) that the story's human summaries contain: its ROUGE-2
precision against them. The summary adds the prediction, times the sentence's length, to its
selection objective (``SummaryConfig.learned``). The coefficients ship in
:mod:`storyline.digest.importance_weights`; they were fitted on tuning parts only
(``python -m storyline.evaluate.train_importance``).

>>> x = features(positions=[0, 5], words=[20, 20], centrality=[1.0, 0.2],
...              corroboration=[0.5, 0.0], title_share=[0.4, 0.0], df_share=[0.6, 0.1],
...              alone=[True, False], quoted=[False, True], n_articles=3)
>>> x.shape == (2, len(FEATURES)), bool(predict(x, [0, 0, 0, 1] + [0] * 8)[0] > 0)
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FEATURES = ("bias", "position", "lead", "log_words", "centrality", "corroboration",
            "title_share", "df_share", "stands_alone", "quoted", "log_articles",
            "concept_density")


def features(*, positions: Sequence[int], words: Sequence[int], centrality: Sequence[float],
             corroboration: Sequence[float], title_share: Sequence[float],
             df_share: Sequence[float], alone: Sequence[bool], quoted: Sequence[bool],
             n_articles: int, concept_density: Sequence[float] | None = None) -> np.ndarray:
    """One row per sentence, columns in :data:`FEATURES` order. ``concept_density``: the
    weight of the concepts a sentence states (:mod:`concepts`) per word (0 when not given)."""
    pos = np.asarray(positions, np.float64)
    n = len(pos)
    density = np.zeros(n) if concept_density is None else np.asarray(concept_density, float)
    return np.column_stack([
        np.ones(n), 1.0 / np.sqrt(1.0 + pos), (pos == 0).astype(np.float64),
        np.log(np.maximum(np.asarray(words, np.float64), 1.0)),
        np.asarray(centrality, np.float64), np.asarray(corroboration, np.float64),
        np.asarray(title_share, np.float64), np.asarray(df_share, np.float64),
        np.asarray(alone, np.float64), np.asarray(quoted, np.float64),
        np.full(n, np.log(max(1, n_articles))), density,
    ]) if n else np.zeros((0, len(FEATURES)))


def predict(rows: np.ndarray, coefficients: Sequence[float] | None = None) -> np.ndarray:
    """Predicted ROUGE-2 precision of each sentence (never below 0); default: the shipped
    coefficients."""
    if coefficients is None:
        from storyline.digest.importance_weights import COEFFICIENTS

        coefficients = COEFFICIENTS
    if not len(rows):
        return np.zeros(0)
    return np.clip(rows @ np.asarray(coefficients, np.float64), 0.0, None)


def pool_features(pool, centrality: np.ndarray, corroboration: np.ndarray,
                  concepts=None) -> np.ndarray:
    """:func:`features` of every candidate of a :class:`candidates.Pool`: title share (of
    its content words in some headline) and df share (mean share of articles that use each
    of its content words) come from the pool's own TF-IDF rows; concept density from
    ``concepts`` (a :class:`concepts.ConceptTable` of the pool's candidates)."""
    from storyline.digest.candidates import content_words
    from storyline.text.standalone import stands_alone

    analyzed = pool.analyzed
    title_words = {w for a in analyzed for w in content_words(a.article.title or "")}
    words_of = [set(content_words(c.text)) for c in pool.candidates]
    title_share = [len(w & title_words) / len(w) if w else 0.0 for w in words_of]
    present = (pool.tfidf > 0).astype(np.float64).tocsc()
    n_articles = max(1, len(analyzed))
    from scipy.sparse import csr_matrix

    owner = csr_matrix((np.ones(len(pool)), (pool.article_of, np.arange(len(pool)))),
                       shape=(n_articles, len(pool)))
    per_term = np.asarray(((owner @ present) > 0).sum(axis=0)).ravel() / n_articles
    counts = np.asarray(present.sum(axis=1)).ravel()
    df_share = np.asarray(present @ per_term).ravel() / np.maximum(counts, 1.0)
    return features(
        positions=[c.position for c in pool.candidates], words=[c.words for c in pool.candidates],
        centrality=centrality, corroboration=corroboration, title_share=title_share,
        df_share=df_share, alone=[stands_alone(c.text) for c in pool.candidates],
        quoted=[c.quote_only or any(q in c.text for q in "\"“”") for c in pool.candidates],
        n_articles=len(analyzed), concept_density=None if concepts is None else [
            concepts.weights[ids].sum() / max(1, c.words) if ids else 0.0
            for ids, c in zip(concepts.of_sentence, pool.candidates, strict=True)])
