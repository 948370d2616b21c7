"""The analysis a first digest waits for: a big story's on one process per idle core.

A digest not stored yet needs the full analysis of every member (``analyze.pipeline``),
~0.5 CPU-s an article. From ``pipeline.PARALLEL_FROM`` articles to analyze, and when the
other cores are idle, the work is shared among one process per core (~1.7x less wall on 2
cores for 100 articles; a busy core makes the workers cost ~3 CPU-s for nothing:
docs/results/speed.md, section 5). Workers started here are stopped when the analysis is
done: a one-off digest does not keep ~1.7 GB a worker alive (in a server, say).

>>> from storyline.model import Article
>>> [a.analysis.sentences[0].text for a in analyze_members([Article(id="a", text="Rain fell.")])]
['Rain fell.']
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from storyline.analyze.pipeline import AnalyzedArticle, analyze, default_workers, workers_for
from storyline.model import Article


def idle_workers() -> int:
    """Processes worth starting now for one job: one per core when the other cores are idle
    (1-minute load average at most cores - 1), else 1. ``digests_ahead``'s background worker
    starts on the same rule."""
    cores = default_workers()
    try:
        busy = os.getloadavg()[0]
    except OSError:  # no load average on this platform
        busy = 0.0
    return cores if cores >= 2 and busy <= cores - 1 else 1


def analyze_members(articles: Sequence[Article], *, store=None) -> list[AnalyzedArticle]:
    """The analyses of a story's ``articles`` (in order); with ``store``, those it holds are
    read from it and the others saved to it (``analyze.cache.analyze_stored``)."""
    from storyline.analyze import cache
    from storyline.analyze import workers as pool

    articles = list(articles)
    todo = cache.missing(store, articles) if store is not None else articles
    workers = workers_for(len(todo), idle_workers()) if len(todo) > 1 else 1
    started = workers > 1 and not pool.running(workers)
    try:
        if store is not None:
            return cache.analyze_stored(store, articles, workers=workers)
        return analyze(articles, workers=workers)
    finally:
        if started:
            pool.shutdown()
