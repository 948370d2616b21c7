"""Digests computed when stories change, so that reading one never waits for the models.

``storyline ingest`` (and ``demo``, and each ``watch`` poll) ends by computing the digest of
every story it changed and storing it in the digest cache (``storyline.serve.digests``: the
same table, the same stored form and version key that ``storyline show`` and the story page
read). The articles that lack a stored analysis are analyzed first, in chunks whose analyses
are stored as they finish; then each story's digest is composed from the stored analyses
and stored in its own transaction.

Crash safety: the store's mark (``storyline.store.digest_marks``) moves past these stories
only when all of them are done. A run killed halfway leaves complete rows behind (analyses
and digests are written whole or not at all) and the mark where it was: the next ingest
computes the digests still missing, and ``show`` computes any it is asked for meanwhile.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from storyline.model import Article
from storyline.serve.digests import Builder, DigestCache, default_builder, story_version
from storyline.serve.settings import SETTINGS
from storyline.store import digest_marks
from storyline.store.database import Store

log = logging.getLogger("storyline.serve")

ProgressFactory = Callable[[int | None, str], Callable[[int], None]]


@dataclass(slots=True)
class AheadReport:
    """What one pass did: stories looked at, digests stored, failures, time taken."""

    stories: int = 0  # stories changed since the mark
    built: int = 0  # digests computed and stored now
    current: int = 0  # already stored for the same members (by ``show``, a page, a run)
    failed: int = 0  # the digest could not be built (stored as failed; retried later)
    analyzed: int = 0  # articles analyzed for them
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for stderr.

        >>> AheadReport(stories=3, built=2, current=1, seconds=4.2).summary()
        'digests: 2 computed, 1 already current, of 3 changed stories (4.2 s)'
        """
        line = (f"digests: {self.built} computed, {self.current} already current, of "
                f"{self.stories} changed stories ({self.seconds:.1f} s)")
        if self.failed:
            line += f"; {self.failed} failed (shown without a summary)"
        return line


class Background:
    """Analyses started during ingest, on a worker process (the second core), for the
    digests computed at its end: pass ``submit`` as ``ingest_paths(on_fresh=...)``, then
    this object to ``compute_changed``.

    The worker starts with the first articles and analyzes while ingest assigns stories;
    at the end the chunks it has not started are taken back and analyzed here, alongside
    the chunk it finishes. Nothing is written by the worker: results are stored by
    ``compute_changed``, so a killed run loses them and nothing else.
    """

    CHUNK = 16  # articles per task: small enough to take back the tasks not started

    def __init__(self) -> None:
        self._tasks: list[tuple[list[Article], Future]] = []
        self._failed = False

    @staticmethod
    def worth_it() -> bool:
        """Whether a core is idle for the worker. Else it only adds its start-up (~2.5
        CPU-s) and the vectors it cannot share with story detection (on the demo corpus
        under load 4-6: 26 CPU-s instead of 20, and no sooner done)."""
        from storyline.digest.first_analysis import idle_workers

        return idle_workers() > 1

    def submit(self, articles: Sequence[Article]) -> None:
        """Start analyzing ``articles`` (those that turn out duplicates are dropped later)."""
        if self._failed or not articles:
            return
        from storyline.analyze import workers

        try:
            executor = workers.pool(1)
            for start in range(0, len(articles), self.CHUNK):
                chunk = list(articles[start:start + self.CHUNK])
                self._tasks.append((chunk, executor.submit(workers.analyze_chunk, chunk)))
        except Exception as exc:  # noqa: BLE001 - no worker: the analysis runs at the end
            log.warning("background analysis could not start: %s", exc)
            self._failed = True

    def collect(self) -> list:
        """The analyses finished or running; the tasks not started are cancelled (their
        articles are analyzed by ``compute_changed``). Stops the worker."""
        from storyline.analyze import workers
        from storyline.analyze.pipeline import AnalyzedArticle

        for _, future in self._tasks:
            future.cancel()  # only the ones not started
        done = []
        for chunk, future in self._tasks:
            if future.cancelled():
                continue
            try:
                results = future.result()
            except Exception as exc:  # noqa: BLE001 - those articles are analyzed here instead
                log.warning("background analysis failed: %s", exc)
                continue
            done.extend(AnalyzedArticle(article, *result)
                        for article, result in zip(chunk, results, strict=True))
        self._tasks = []
        workers.shutdown()
        return done


def prepare(store: Store, *, with_stories: bool = True) -> int:
    """Call before ingesting: the arrival number after which changed stories will owe a
    digest (see ``digest_marks.pending_since``)."""
    return digest_marks.pending_since(store, with_stories=with_stories)


def compute_changed(store: Store, since: int, *,
                    progress_factory: ProgressFactory | None = None,
                    builder: Builder | None = None,
                    background: Background | None = None) -> AheadReport:
    """Compute and store the digest of every story changed after arrival number ``since``
    whose stored digest is not for its current members; then move the store's mark.
    ``background`` holds analyses started during the ingest (see ``Background``)."""
    started = time.perf_counter()
    through = digest_marks.newest_seq(store)  # stories changed later are the next run's
    report = AheadReport()
    cache = DigestCache(store, builder or default_builder())
    owed: list[tuple[str, list[Article]]] = []
    for story_id in digest_marks.changed_after(store, since):
        report.stories += 1
        story = store.get_story(story_id)
        if story is None or not story.articles:
            continue
        found = cache.cached(story.id, story_version(story.articles))
        if found is not None and "failed" not in found:
            report.current += 1
            continue
        owed.append((story.id, [r.article for r in store.get_articles(story.articles)]))
    if background is not None:
        members = {a.id for _, arts in owed for a in arts}
        early = [d for d in background.collect() if d.article.id in members]
        _save_analyses(store, early)
        report.analyzed += len(early)
    if owed:
        report.analyzed += _analyze_missing(store, [a for _, arts in owed for a in arts],
                                           progress_factory)
        advance = progress_factory(len(owed), "digests") if progress_factory else None
        for story_id, articles in owed:
            data = cache.get(story_id, articles)
            if data is None:
                report.failed += 1
            else:
                report.built += 1
            if advance:
                advance(1)
    digest_marks.advance(store, through)
    report.seconds = time.perf_counter() - started
    return report


def _save_analyses(store: Store, done: Sequence) -> None:
    from storyline.analyze.cache import save
    from storyline.analyze.pipeline import VERSION

    save(store, [d for d in done if d.analysis.version == VERSION])


def leave_to_readers(store: Store) -> None:
    """Owe no digest for the stories changed so far (``ingest`` without ``--digests``): each is
    computed when first shown, and the next ingest does not compute them either."""
    digest_marks.advance(store, digest_marks.newest_seq(store))


def _analyze_missing(store: Store, articles: Sequence[Article],
                     progress_factory: ProgressFactory | None) -> int:
    """Analyze (and store the analyses of) the articles without a current stored analysis,
    in chunks: a run killed here keeps the chunks already done."""
    from storyline.analyze.cache import missing
    from storyline.analyze.pipeline import analyze_docs, attach_vectors

    todo = missing(store, list({a.id: a for a in articles}.values()))
    if not todo:
        return 0
    advance = progress_factory(len(todo), "analyzing for digests") if progress_factory \
        else None
    # spaCy holds the GIL, the sentence encoder (onnxruntime) lets it go: a chunk's vectors
    # are computed on a thread while the next chunk is parsed, on a second core if there is
    # one. The result is the same as one chunk after the other. The store is written from
    # this thread only (an in-memory SQLite store exists for one thread).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="digest-vectors") as pool:
        pending: Future | None = None
        # One step past the end: the last chunk's vectors are collected there.
        for start in range(0, len(todo) + SETTINGS.analysis_chunk, SETTINGS.analysis_chunk):
            chunk = todo[start:start + SETTINGS.analysis_chunk]
            analyses = analyze_docs(chunk) if chunk else []
            if pending is not None:
                done = pending.result()
                _save_analyses(store, done)
                if advance:
                    advance(len(done))
            pending = pool.submit(attach_vectors, chunk, analyses) if chunk else None
    return len(todo)
