"""Analyses stored with their articles (the store's ``analyses`` table, read and written
by ``Store.load_analyses`` / ``save_analyses``), recomputed only when ``pipeline.VERSION``
changes.

A row holds ``data`` (zlib-compressed JSON of the Analysis) and ``vectors`` (float32: one
row per sentence, then the article's vector).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import asdict

import numpy as np

from storyline.analyze import vectors
from storyline.analyze.pipeline import VERSION, AnalyzedArticle, analyze
from storyline.model import Analysis, Article, Entity, NumberMention, Quote, Sentence, TimeExpr


def encode(done: AnalyzedArticle, version: str | None = None) -> dict:
    """The ``analyses`` row of one analyzed article (``version``: the row's, when it is not
    the analysis's own, e.g. an analysis of the article's lead)."""
    data = zlib.compress(json.dumps(asdict(done.analysis), ensure_ascii=False).encode(), 6)
    matrix = np.vstack([done.sentence_vectors.reshape(-1, vectors.DIM),
                        done.vector.reshape(1, vectors.DIM)]).astype(np.float32)
    return {"article_id": done.article.id, "version": version or done.analysis.version,
            "data": data,
            "vectors": matrix.tobytes()}


def decode(article: Article, data: bytes, blob: bytes | None) -> AnalyzedArticle:
    """An AnalyzedArticle from a stored row."""
    raw = json.loads(zlib.decompress(data))
    analysis = Analysis(
        article_id=raw["article_id"], version=raw["version"],
        sentences=[Sentence(**s) for s in raw["sentences"]],
        entities=[Entity(**e) for e in raw["entities"]],
        times=[TimeExpr(**t) for t in raw["times"]],
        quotes=[Quote(**q) for q in raw["quotes"]],
        numbers=[NumberMention(**n) for n in raw["numbers"]],
        language=raw.get("language", "en"), skipped_reason=raw.get("skipped_reason"))
    matrix = np.frombuffer(blob or b"", dtype=np.float32).reshape(-1, vectors.DIM)
    if len(matrix) == len(analysis.sentences) + 1:
        return AnalyzedArticle(article, analysis, matrix[:-1].copy(), matrix[-1].copy())
    empty = np.zeros((0, vectors.DIM), dtype=np.float32)
    return AnalyzedArticle(article, analysis, empty, np.zeros(vectors.DIM, np.float32))


def load(store, articles: Sequence[Article], *, version: str | None = None,
         ) -> dict[str, AnalyzedArticle]:
    """Stored analyses of ``articles`` whose row version is ``version`` (by default the
    current analyzer's, ``VERSION``), by article id."""
    by_id = {a.id: a for a in articles}
    return {article_id: decode(by_id[article_id], data, blob)
            for article_id, data, blob in store.load_analyses(list(by_id),
                                                              version=version or VERSION)}


def missing(store, articles: Sequence[Article], *, version: str | None = None,
            ) -> list[Article]:
    """The articles of ``articles`` without a stored analysis of ``version`` (read without
    decoding any: cheaper than ``load`` when most are there)."""
    have = store.analyzed_ids([a.id for a in articles], version=version or VERSION)
    return [a for a in articles if a.id not in have]


def save(store, done: Sequence[AnalyzedArticle], *, version: str | None = None) -> None:
    """Store (or replace) the analyses of ``done``; their articles must be in the store."""
    store.save_analyses([encode(d, version) for d in done])


def analyze_stored(store, articles: Sequence[Article], *, version: str | None = None,
                   **options) -> list[AnalyzedArticle]:
    """Analyses of stored ``articles``: cached ones of row ``version`` are loaded, the rest
    analyzed in one batch and saved under it (the order of the result is the order given).
    """
    cached = load(store, articles, version=version)
    if options.get("with_vectors", True):  # rows saved without vectors do not serve here
        cached = {k: v for k, v in cached.items()
                  if len(v.sentence_vectors) == len(v.analysis.sentences)}
    todo = [a for a in articles if a.id not in cached]
    fresh = analyze(todo, **options) if todo else []
    save(store, [f for f in fresh if f.analysis.version == VERSION], version=version)
    cached.update({f.article.id: f for f in fresh})
    return [cached[a.id] for a in articles]
