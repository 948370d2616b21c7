"""The analysis shared among worker processes (``analyze(..., workers=N)``).

Each worker is a spawned process that loads spaCy and the sentence encoder once, runs both
on one thread, and analyzes chunks of articles (text analysis and vectors together). The
pool is kept for later calls in the same process and shut down at exit (:class:`KeptPool`,
also the pool of story features, ``storyline.stories.parallel``).
"""

from __future__ import annotations

import atexit
import math
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from storyline.model import Analysis, Article


class KeptPool:
    """A pool of spawned worker processes, started on first use, each prepared once by
    ``initializer`` (loading models), kept for later calls of the same size and stopped at
    exit.

    >>> kept = KeptPool(one_thread)
    >>> kept.running(2)
    False
    """

    def __init__(self, initializer: Callable[[], None]) -> None:
        self._initializer = initializer
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._size = 0
        atexit.register(self.shutdown)

    def get(self, workers: int, *, method: str = "spawn") -> ProcessPoolExecutor:
        """The pool of ``workers`` processes (one of another size is stopped first), started
        by ``method`` when it is not running yet.

        Spawn by default, not fork: the parent may hold threads (onnxruntime, torch, a
        server's) that a fork would copy in a locked state. ``"fork"`` is for a caller that
        knows this process runs one thread and no model's thread pool (:func:`start`).
        """
        with self._lock:
            if self._pool is None or self._size != workers:
                if self._pool is not None:
                    self._pool.shutdown(cancel_futures=True)
                import multiprocessing

                self._pool = ProcessPoolExecutor(
                    max_workers=workers, mp_context=multiprocessing.get_context(method),
                    initializer=self._initializer)
                self._size = workers
            return self._pool

    def running(self, workers: int) -> bool:
        """Whether a pool of ``workers`` processes is started."""
        with self._lock:
            return self._pool is not None and self._size == workers

    def shutdown(self) -> None:
        """Stop the worker processes (the next ``get`` starts them again)."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
            self._pool, self._size = None, 0


def one_thread() -> None:
    """Set a fresh worker's libraries to one thread each: the workers are the parallelism."""
    os.environ["OMP_NUM_THREADS"] = "1"
    from storyline.analyze import vectors

    vectors.set_threads(1)
    if vectors.backend() == "torch":
        import torch

        torch.set_num_threads(1)


def _init_worker() -> None:
    """Load the models of a fresh worker, on one thread."""
    from storyline.analyze import vectors
    from storyline.analyze.nlp import nlp

    one_thread()
    nlp()
    vectors.load()


_POOL = KeptPool(_init_worker)


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
    return _POOL.get(workers)


def can_fork() -> bool:
    """Whether workers may be forked from this process now: the platform forks, this
    process runs one thread and holds no encoder (whose thread pool a fork would copy in
    whatever state it was)."""
    import multiprocessing

    from storyline.analyze import vectors

    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1 and not vectors.loaded())


def start(workers: int) -> None:
    """Prepare the pool of ``workers`` processes: forked now from this process when
    :func:`can_fork` (after loading the parser here, so each worker inherits it instead of
    importing spaCy and loading it again: ~0.9 s less before the first result on 2 cores),
    else spawned at its first task. Call before this process starts any thread.
    """
    if running(workers):
        return
    method = "spawn"
    if can_fork():
        from storyline.analyze.nlp import nlp

        nlp()
        method = "fork"
    executor = _POOL.get(workers, method=method)
    if method == "fork":
        # A fork pool forks every worker when its first task is submitted (before its
        # manager thread starts): now, while this process is one thread.
        executor.submit(os.getpid)


def running(workers: int) -> bool:
    """Whether a pool of ``workers`` processes is already started in this process."""
    return _POOL.running(workers)


def shutdown() -> None:
    """Stop the worker processes (they are started again when needed)."""
    _POOL.shutdown()


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
