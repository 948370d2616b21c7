"""Story features on a pool of worker processes that keep their models loaded.

Story assignment runs in publication order, one article after the other, but what it reads
of an article (``features.featurize``: entities, sentence vectors, hashed words) depends on
that article alone. So ingest computes a batch's features here first, on several cores, and
then assigns the articles in order.

The articles are cut in chunks of ``features.CHUNK`` from the start, as ``featurize`` cuts
them in process, and each chunk is featurized by one call in a worker: the features are bit
for bit the in-process ones (tests/test_stories_parallel.py), so the stories are too.

One worker, or a small input while no pool is running, stays in this process: a worker
costs ~3 CPU-s to start (spaCy, the encoder, scikit-learn), more than the features of a few
dozen articles. A started pool is kept for later calls (a long ``ingest``, ``watch``) and
stopped at exit.

>>> from storyline.model import Article
>>> [f] = featurize([Article(text="Kerry met Lavrov in Geneva. They talked.", id="a")],
...                 workers=2)  # one article: in this process
>>> f.id
'a'
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool

from storyline.analyze import pipeline
from storyline.analyze.nlp import import_spacy
from storyline.analyze.workers import KeptPool, one_thread
from storyline.model import Article
from storyline.stories import features as feats
from storyline.stories.features import ArticleFeatures

# Below this many articles a new pool is not worth its start (each worker loads the models).
MIN_ARTICLES = 4 * feats.CHUNK

def default_workers() -> int:
    """The analysis pools' default (one per CPU, at most 4); ``STORYLINE_WORKERS``
    overrides.

    >>> 1 <= default_workers()
    True
    """
    wanted = os.environ.get("STORYLINE_WORKERS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    return pipeline.default_workers()


def featurize(articles: Sequence[Article], *, workers: int | None = None
              ) -> list[ArticleFeatures]:
    """``features.featurize(articles)`` on ``workers`` processes (None: ``default_workers``),
    same result, same order.

    In this process when ``workers`` is 1, when the articles fit in one chunk, or when they
    are fewer than ``MIN_ARTICLES`` and no pool of that size is running yet. A pool that
    breaks (a worker killed) is dropped and the features are computed here instead.
    """
    articles = list(articles)
    workers = default_workers() if workers is None else workers
    if workers <= 1 or len(articles) <= feats.CHUNK or (
            len(articles) < MIN_ARTICLES and not running(workers)):
        return feats.featurize(articles)
    chunks = [articles[i:i + feats.CHUNK] for i in range(0, len(articles), feats.CHUNK)]
    try:
        done = list(_POOL.get(workers).map(_work, chunks))
    except BrokenProcessPool:
        shutdown()
        return feats.featurize(articles)
    return [f for chunk in done for f in chunk]


def running(workers: int) -> bool:
    """Whether a pool of ``workers`` processes is already started in this process."""
    return _POOL.running(workers)


def shutdown() -> None:
    """Stop the worker processes (a later call starts them again)."""
    _POOL.shutdown()


def _init_worker() -> None:
    """Load a fresh worker's models, on one thread (the workers are the parallelism)."""
    import signal

    # Ctrl-C is the parent's to handle: a worker that died of it would print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    one_thread()
    import_spacy()  # without torch, as in the parent (see there)
    feats.featurize([Article(text="Models load once per worker. This is the warm-up.",
                             id="warm-up")])


_POOL = KeptPool(_init_worker)


def _work(chunk: list[Article]) -> list[ArticleFeatures]:
    """One chunk's features, in a worker (one call: the in-process call's vectors)."""
    return feats.featurize(chunk)
