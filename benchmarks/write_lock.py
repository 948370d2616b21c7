"""How long an ingest with stories holds the store's write lock, beside the whole ingest.

Another writer (a second ``storyline ingest``, an API request) waits while one holds the lock,
so the lock should cover the writes, not the analysis. Ingests the demo corpus (85 articles,
one batch) into a fresh SQLite file with the story assigner and times every write
transaction; prints the longest, their sum, the story analysis done before the lock
(``prepare``), and the whole ingest. The same command on the code before issue 17 (analysis
inside the transaction) gives the baseline: the longest transaction is then the whole batch.

Usage::

    .venv/bin/python benchmarks/write_lock.py
"""

from __future__ import annotations

import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from storyline.cli.demo_cmd import demo_corpus_path
from storyline.ingest.runner import ingest_paths
from storyline.store import open_store
from storyline.stories import make_assigner


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    store = open_store(f"sqlite:///{folder / 'lock.db'}")
    held: list[float] = []
    begin = store.begin

    @contextmanager
    def timed():
        with begin() as conn:
            started = time.monotonic()
            try:
                yield conn
            finally:
                held.append(time.monotonic() - started)

    store.begin = timed
    assigner = make_assigner(store)
    prepared = [0.0]
    prepare = getattr(assigner, "prepare", None)
    if prepare is not None:
        def timed_prepare(articles):
            started = time.monotonic()
            prepare(articles)
            prepared[0] += time.monotonic() - started
        assigner.prepare = timed_prepare
    from storyline.stories.features import featurize

    featurize(list(_warm()))  # models loaded before timing, as in a long-running server
    started = time.monotonic()
    report = ingest_paths(store, [demo_corpus_path()], assigner=assigner)
    total = time.monotonic() - started
    print(f"{report.summary()}")
    print(f"write transactions: {len(held)}, longest {max(held):.2f} s, all {sum(held):.2f} s")
    print(f"story analysis before the lock: {prepared[0]:.2f} s; whole ingest: {total:.2f} s")


def _warm():
    from storyline.model import Article

    yield Article(text="Models load before the timing starts. Then the ingest is timed.")


if __name__ == "__main__":
    main()
