"""Analyses stored with their articles (SQLite and PostgreSQL), recomputed on a new version."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from storyline.analyze import cache, pipeline
from storyline.ingest.plain import add_articles
from storyline.model import Article

ARTICLES = [
    Article(text="Kerry met Lavrov in Geneva on Friday. \"We talked,\" Kerry said.", id="c1",
            published=datetime(2016, 9, 24, tzinfo=UTC)),
    Article(text="At least 18 people were killed in Aleppo.", id="c2",
            published=datetime(2016, 9, 24, tzinfo=UTC)),
]


def test_analysis_is_stored_and_reused(store, monkeypatch):
    add_articles(store, ARTICLES, None)
    first = cache.analyze_stored(store, ARTICLES)
    assert [d.article.id for d in first] == ["c1", "c2"]

    calls = []
    real = pipeline.analyze

    def counting(articles, **kw):
        calls.append([a.id for a in articles])
        return real(articles, **kw)

    monkeypatch.setattr(cache, "analyze", counting)
    again = cache.analyze_stored(store, ARTICLES)
    assert calls == []  # everything came from the store
    for a, b in zip(first, again, strict=True):
        assert a.analysis == b.analysis
        assert np.array_equal(a.sentence_vectors, b.sentence_vectors)
        assert np.array_equal(a.vector, b.vector)
    assert again[0].analysis.times[0].value == "2016-09-23"

    # A new analyzer version makes the stored rows stale: they are recomputed and replaced.
    monkeypatch.setattr(cache, "VERSION", "test-next")
    monkeypatch.setattr(pipeline, "VERSION", "test-next")
    third = cache.analyze_stored(store, ARTICLES[:1])
    assert calls == [["c1"]]
    assert third[0].analysis.version == "test-next"
    cache.analyze_stored(store, ARTICLES[:1])
    assert calls == [["c1"]]  # saved under the new version


def test_rows_without_vectors_do_not_serve_a_vector_request(store, monkeypatch):
    add_articles(store, ARTICLES[1:], None)
    [bare] = cache.analyze_stored(store, ARTICLES[1:], with_vectors=False)
    assert bare.sentence_vectors.shape == (0, 384)
    [full] = cache.analyze_stored(store, ARTICLES[1:])
    assert full.sentence_vectors.shape == (1, 384)
