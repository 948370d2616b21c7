"""Analyze articles in batches: spaCy ``nlp.pipe`` once, then every reader of the Doc.

>>> from storyline.model import Article
>>> [done] = analyze([Article(text="Kerry met Lavrov in Geneva. They talked.", id="a1")])
>>> [s.text for s in done.analysis.sentences]
['Kerry met Lavrov in Geneva.', 'They talked.']
>>> done.sentence_vectors.shape
(2, 384)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyline.analyze import vectors
from storyline.analyze.nlp import MAX_CHARS, nlp
from storyline.model import Analysis, Article, Entity, Sentence

VERSION = "1"
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}


@dataclass(slots=True)
class AnalyzedArticle:
    """An article with its analysis and vectors (one row per sentence, and the article's)."""

    article: Article
    analysis: Analysis
    sentence_vectors: np.ndarray
    vector: np.ndarray


def analyze(articles: Sequence[Article], *, with_vectors: bool = True,
            batch_size: int = 32) -> list[AnalyzedArticle]:
    """Analyze ``articles`` in batches (the order of the result is the order given)."""
    texts = [a.text[:MAX_CHARS] for a in articles]
    docs = nlp().pipe(texts, batch_size=batch_size)
    analyses = [_read_doc(article, doc) for article, doc in zip(articles, docs, strict=True)]
    if not with_vectors:
        empty = np.zeros((0, vectors.DIM), dtype=np.float32)
        return [AnalyzedArticle(a, an, empty, np.zeros(vectors.DIM, np.float32))
                for a, an in zip(articles, analyses, strict=True)]
    all_sentences = [s.text for an in analyses for s in an.sentences]
    matrix = vectors.embed(all_sentences)
    out, row = [], 0
    for article, analysis in zip(articles, analyses, strict=True):
        n = len(analysis.sentences)
        sent_vecs = matrix[row:row + n]
        row += n
        out.append(AnalyzedArticle(article, analysis, sent_vecs, _article_vector(sent_vecs)))
    return out


def _article_vector(sentence_vectors: np.ndarray) -> np.ndarray:
    """Mean of the lead sentences' vectors, normalized: the lead says what the article is about."""
    if len(sentence_vectors) == 0:
        return np.zeros(vectors.DIM, dtype=np.float32)
    lead = sentence_vectors[:5].mean(axis=0)
    norm = float(np.linalg.norm(lead))
    return (lead / norm if norm else lead).astype(np.float32)


def _read_doc(article: Article, doc) -> Analysis:
    sentences = []
    for sent in doc.sents:
        text = sent.text.strip()
        if not text:
            continue
        start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        sentences.append(Sentence(len(sentences), start, start + len(text), text))
    entities = [
        Entity(ent.text, ent.label_, ent.start_char, ent.end_char, ent.text)
        for ent in doc.ents if ent.label_ in ENTITY_LABELS
    ]
    return Analysis(article_id=article.id, version=VERSION, sentences=sentences,
                    entities=entities)
