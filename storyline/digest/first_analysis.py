"""The analysis a first digest waits for: a big story's read from its leads, on one process
per idle core.

A digest not stored yet needs the analysis of every member (``analyze.pipeline``), ~5 ms a
sentence on one core: ~50 s for 100 long articles. Analyses stored ahead are read whole;
when the text still to analyze is long, only each article's lead is analyzed
(:func:`analyze_members`). When the other cores are idle, the work is shared among one
process per core, from ``DigestSettings.forked_workers_from`` articles to analyze where the
workers can be forked from this process (they inherit its parser), else from
``pipeline.PARALLEL_FROM`` (a busy core makes the workers cost ~3 CPU-s for nothing:
docs/results/speed.md, sections 5 and 7). Workers started
here are stopped when the analysis is done: a one-off digest does not keep ~1.7 GB a worker
alive (in a server, say).

>>> from storyline.model import Article
>>> [a.analysis.sentences[0].text for a in analyze_members([Article(id="a", text="Rain fell.")])]
['Rain fell.']
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import replace

from storyline.analyze import cache
from storyline.analyze import workers as pool
from storyline.analyze.lead import cut_analysis, lead_end
from storyline.analyze.pipeline import (
    PARALLEL_FROM,
    VERSION,
    AnalyzedArticle,
    analyze,
    default_workers,
)
from storyline.digest.settings import SETTINGS
from storyline.model import Article


def idle_workers() -> int:
    """Processes worth starting now for one job: one per core when the other cores are idle
    (at most cores - 1 busy, :func:`busy_cores`), else 1. ``digests_ahead``'s background
    worker starts on the same rule."""
    cores = default_workers()
    return cores if cores >= 2 and busy_cores() <= cores - 1 else 1


def busy_cores(window: float = 0.05) -> float:
    """How many cores are busy now: read over ``window`` seconds from ``/proc/stat`` where
    there is one, else the 1-minute load average.

    The load average lags: for a minute after ``storyline ingest`` has used both cores it
    still reads ~1.5, and the ``show`` that follows would analyze on one process though
    both are idle (6.6 s instead of ~4.8 s for a 100-article story's first digest).

    >>> 0.0 <= busy_cores() <= (os.cpu_count() or 1) + 1e-9 or os.name != "posix"
    True
    """
    first = _cpu_times()
    if first is not None:
        time.sleep(window)
        second = _cpu_times()
        if second is not None and second[0] > first[0]:
            total, idle = second[0] - first[0], second[1] - first[1]
            return (os.cpu_count() or 1) * (total - idle) / total
    try:
        return os.getloadavg()[0]
    except OSError:  # no load average on this platform
        return 0.0


def _cpu_times() -> tuple[int, int] | None:
    """(all, idle) clock ticks of every core since boot (Linux), else None."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(t) for t in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (sum(ticks), ticks[3] + ticks[4]) if len(ticks) >= 5 else None  # idle + iowait


def lead_sentences(articles: Sequence[Article]) -> int | None:
    """How many first sentences of each of ``articles`` to analyze: all (None) unless their
    texts are long together (``DigestSettings.lead_from_chars``); then the most of
    ``lead_ladder`` that keeps them within ``lead_budget`` sentences, else its least.

    >>> long = [Article(id=str(i), text="x" * 5_000) for i in range(100)]
    >>> lead_sentences(long[:10]), lead_sentences(long[:80]), lead_sentences(long)
    (None, 8, 6)
    >>> lead_sentences(long * 3)
    4
    """
    chars = sum(len(a.text or "") for a in articles)
    if chars <= SETTINGS.lead_from_chars:
        return None
    fits = [n for n in SETTINGS.lead_ladder if n * len(articles) <= SETTINGS.lead_budget]
    return max(fits, default=min(SETTINGS.lead_ladder))


def analyze_members(articles: Sequence[Article], *, store=None) -> list[AnalyzedArticle]:
    """The analyses a digest of a story's ``articles`` reads (in order); with ``store``,
    those it holds are read from it and the others saved to it.

    Stored analyses of whole articles are read whole (a digest written ahead,
    ``serve.digests_ahead``, reads every sentence). The articles still to analyze are read
    whole too, unless their texts are long together (:func:`lead_sentences`): then only
    each one's lead is analyzed (``analyze.lead``; marked ``lead``), so the first digest of
    a big story is ready in seconds rather than a minute (docs/results/speed.md).
    """
    articles = list(articles)
    stored = {}
    if store is not None:
        stored = {k: v for k, v in cache.load(store, articles).items()
                  if len(v.sentence_vectors) == len(v.analysis.sentences)}
    todo = [a for a in articles if a.id not in stored]
    sentences = lead_sentences(todo)
    if sentences is None:
        stored.update((d.article.id, d) for d in _analyze(todo, store, VERSION))
    else:
        stored.update(_longer_leads(store, todo, sentences))
        todo = [a for a in todo if a.id not in stored]
        ends = {a.id: lead_end(a.text or "", sentences) for a in todo}
        leads = [a if ends[a.id] >= len(a.text or "") else replace(a, text=a.text[:ends[a.id]])
                 for a in todo]
        originals = {a.id: a for a in todo}
        for found in _analyze(leads, store, f"{VERSION}-lead{sentences}"):
            whole = originals[found.article.id]  # offsets of the lead index the whole text
            stored[whole.id] = AnalyzedArticle(whole, found.analysis, found.sentence_vectors,
                                               found.vector, lead=sentences)
    return [stored[a.id] for a in articles]


def _longer_leads(store, articles: list[Article], sentences: int) -> dict[str, AnalyzedArticle]:
    """Stored analyses of longer leads of ``articles`` (a rung up the ladder: the story was
    smaller when they were read), cut to their first ``sentences``, by article id."""
    found: dict[str, AnalyzedArticle] = {}
    for longer in sorted(n for n in SETTINGS.lead_ladder if n > sentences):
        if store is None or len(found) == len(articles):
            break
        rest = [a for a in articles if a.id not in found]
        for article_id, done in cache.load(store, rest, version=f"{VERSION}-lead{longer}").items():
            found[article_id] = replace(cut_analysis(done, sentences), lead=sentences)
    return found


def _analyze(articles: list[Article], store, version: str) -> list[AnalyzedArticle]:
    """Analyses of ``articles`` (cached under row ``version`` with ``store``), on one process
    per idle core when there are many."""
    if not articles:
        return []
    todo = cache.missing(store, articles, version=version) if store is not None else articles
    # A forked worker inherits the parser this process loads anyway: it costs ~0.2 s, not
    # the ~2.5 CPU-s of a spawned one, so sharing pays from a few articles on.
    many = SETTINGS.forked_workers_from if pool.can_fork() else PARALLEL_FROM
    workers = idle_workers() if len(todo) >= max(2, many) else 1
    started = workers > 1 and not pool.running(workers)
    if started:
        pool.start(workers)
    if workers > 1:
        # While the workers analyze, this process loads what composing the digest reads
        # with (scikit-learn, the parser for denials, the stemmer): ~1.5 s it would wait
        # for afterwards. (Analyzing a share here instead was slower: 3.6-3.8 s against
        # 3.3 s for 100 leads, this process's encoder threads contending with the worker.)
        threading.Thread(target=_load_for_compose, daemon=True).start()
    try:
        if store is not None:
            return cache.analyze_stored(store, articles, workers=workers, version=version)
        return analyze(articles, workers=workers)
    finally:
        if started:
            pool.shutdown()


def _load_for_compose() -> None:
    import storyline.digest.compose  # noqa: F401 - scikit-learn and the digest's modules
    from storyline.analyze.nlp import nlp
    from storyline.text.stems import stem

    nlp()
    stem("warming")
