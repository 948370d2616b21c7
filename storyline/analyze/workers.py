"""The analysis shared among worker processes (``analyze(..., workers=N)``).

Each worker is a spawned process that loads spaCy and the sentence encoder once, runs both
on one thread, and analyzes chunks of articles (text analysis and vectors together). The
pool is kept for later calls in the same process and shut down at exit.
"""

from __future__ import annotations

import atexit
import math
import os
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from storyline.model import Analysis, Article

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def _init_worker() -> None:
    """Load the models of a fresh worker, one thread each (the workers are the parallelism)."""
    os.environ["OMP_NUM_THREADS"] = "1"
    from storyline.analyze import vectors
    from storyline.analyze.nlp import nlp

    vectors.set_threads(1)
    if vectors.backend() == "torch":
        import torch

        torch.set_num_threads(1)
    nlp()
    vectors.load()


def _work(articles: list[Article], with_vectors: bool,
          batch_size: int) -> list[tuple[Analysis, np.ndarray, np.ndarray]]:
    """The full analysis of one chunk, in a worker (articles stay with the caller)."""
    from storyline.analyze.pipeline import analyze

    return [(d.analysis, d.sentence_vectors, d.vector)
            for d in analyze(articles, with_vectors=with_vectors, batch_size=batch_size)]


def analyze_chunk(articles: list[Article]) -> list[tuple[Analysis, np.ndarray, np.ndarray]]:
    """``(analysis, sentence vectors, vector)`` of each article, with vectors: the task to
    submit to ``pool(n)`` for analyses wanted later (see ``storyline.serve.digests_ahead``)."""
    return _work(articles, True, 32)


def pool(workers: int) -> ProcessPoolExecutor:
    """The process pool of ``workers`` workers (started on first use, then reused)."""
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size != workers:
            if _pool is not None:
                _pool.shutdown(cancel_futures=True)
            import multiprocessing

            # spawn, not fork: the parent may hold threads (onnxruntime, torch) that a fork
            # would copy in a locked state.
            _pool = ProcessPoolExecutor(max_workers=workers,
                                        mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_init_worker)
            _pool_size = workers
        return _pool


def shutdown() -> None:
    """Stop the worker processes (they are started again when needed)."""
    global _pool, _pool_size
    with _lock:
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
        _pool, _pool_size = None, 0


atexit.register(shutdown)


def analyze_parallel(articles: Sequence[Article], *, workers: int, with_vectors: bool = True,
                     batch_size: int = 32):
    """``pipeline.analyze`` over ``workers`` processes (the order of the result is the order
    given). Chunks are small enough that each worker gets several: the faster one takes
    more."""
    articles = list(articles)
    size = max(1, min(batch_size, math.ceil(len(articles) / (workers * 4))))
    chunks = [articles[i:i + size] for i in range(0, len(articles), size)]
    return [done for chunk in analyze_groups_parallel(chunks, workers=workers,
                                                      with_vectors=with_vectors,
                                                      batch_size=batch_size)
            for done in chunk]


def analyze_groups_parallel(groups: Iterable[Sequence[Article]], *, workers: int,
                            with_vectors: bool = True, batch_size: int = 32):
    """``pipeline.analyze`` of each group, in order, over ``workers`` processes.

    Groups are handed out as they are read and a few are kept in flight, so the workers
    analyze the next groups while the caller uses the current one (a summary, a score);
    memory holds only the groups in flight.
    """
    from storyline.analyze.pipeline import AnalyzedArticle

    executor = pool(workers)
    in_flight: deque = deque()

    def result(group, future) -> list[AnalyzedArticle]:
        return [AnalyzedArticle(article, analysis, sentence_vectors, vector)
                for article, (analysis, sentence_vectors, vector)
                in zip(group, future.result(), strict=True)]

    for group in groups:
        group = list(group)
        in_flight.append((group, executor.submit(_work, group, with_vectors, batch_size)))
        if len(in_flight) > 4 * workers:
            yield result(*in_flight.popleft())
    while in_flight:
        yield result(*in_flight.popleft())
