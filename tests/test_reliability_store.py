"""Regression tests for what a concurrency probe broke in the store (issue 17, failures 1, 5
and 10): every writer sees what the others stored, a second writer waits (and says so)
instead of failing, write transactions stay short, and a killed run is marked."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from storyline.ingest.records import make_article
from storyline.ingest.runner import Ingestor, IngestReport, ingest_paths, publication_order
from storyline.store import open_store, schema
from storyline.store.database import StoreBusy
from storyline.stories import make_assigner

DEMO = Path(__file__).resolve().parents[1] / "storyline" / "demo" / "articles.jsonl"
CLI = [sys.executable, "-c", "from storyline.cli import main; main()"]


EVENTS = ("veloria-drustan-ceasefire", "lake-harmon-flood", "quillon-data-breach")


def demo_articles():
    """Three events of the demo corpus (35 articles), in publication order."""
    rows = [json.loads(line) for line in DEMO.read_text().splitlines() if line.strip()]
    return publication_order([make_article(r, "demo") for r in rows if r["event"] in EVENTS])


def writer_parts():
    """Three batches, the last with a near copy of an article of the second."""
    articles = demo_articles()
    parts = [articles[:12], articles[12:24], articles[24:]]
    copied = parts[1][5]
    copy = make_article({"text": near_copy(copied.text), "source": "Copycat Daily",
                         "url": "https://copycat.example/1", "published": "2025-03-20"}, "x")
    parts[2] = [*parts[2], copy]
    return parts, copied, copy


@pytest.fixture(scope="module")
def one_writer(tmp_path_factory):
    """The stories one writer makes of ``writer_parts`` (the reference for several writers)."""
    single = open_store(f"sqlite:///{tmp_path_factory.mktemp('one') / 'single.db'}")
    one = Ingestor(single, make_assigner(single))
    for part in writer_parts()[0]:
        one.store_articles(part, IngestReport())
    yield consistent_stories(single)
    single.close()


def near_copy(text: str, seed: int = 5) -> str:
    """One word in 50 changed: word-shingle Jaccard about 0.89."""
    rng = random.Random(seed)
    words = text.split(" ")
    for start in range(0, len(words), 50):
        words[start + rng.randrange(min(50, len(words) - start))] = "changed"
    return " ".join(words)


def consistent_stories(store) -> set[frozenset[str]]:
    """Every story's size and sources as its member articles give them; the partition."""
    s, m, a = schema.stories, schema.memberships, schema.articles
    with store.engine.connect() as conn:
        outlets: dict[str, Counter] = {}
        for story_id, source in conn.execute(
                select(m.c.story_id, a.c.source).select_from(m.join(a, a.c.id == m.c.article_id))):
            outlets.setdefault(story_id, Counter())[source] += 1
        rows = conn.execute(select(s.c.id, s.c.size, s.c.sources)
                            .where(s.c.merged_into.is_(None))).all()
    for story_id, size, sources in rows:
        members = outlets.get(story_id, Counter())
        assert size == sum(members.values()), story_id
        assert sorted(sources) == sorted(members), story_id
    return {frozenset(st.articles) for st in store.list_stories()}


def test_cli_and_api_writers_in_turn_leave_the_store_as_one_writer_would(store_url, one_writer):
    """Failure 1: the API's ingestor kept stories and the near-duplicate index from its first
    request; after a CLI ingest it rewrote sizes and sources, and stored a near copy of a
    CLI article as an original."""
    parts, copied, copy = writer_parts()
    api_store, cli_store = open_store(store_url), open_store(store_url)
    api = Ingestor(api_store, make_assigner(api_store))  # lives as long as the server
    api.store_articles(parts[0], IngestReport())
    cli = Ingestor(cli_store, make_assigner(cli_store))  # a `storyline ingest` run
    cli.store_articles(parts[1], IngestReport())
    report = IngestReport()
    api.store_articles(parts[2], report)
    assert report.duplicate_kinds == {"near": 1}
    assert api_store.get_article(copy.id).duplicate_of == copied.id
    assert consistent_stories(api_store) == one_writer
    api_store.close()
    cli_store.close()


def test_write_transactions_stay_short_while_stories_are_analyzed(tmp_path, monkeypatch):
    """Failure 5's cause: a 500-article batch held SQLite's write lock ~3 minutes, because
    the story analysis ran inside the transaction."""
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    held: list[float] = []
    begin = store.begin

    def timed_begin():
        class Timed:
            def __enter__(self):
                self.context = begin()
                self.started = time.monotonic()
                return self.context.__enter__()

            def __exit__(self, *exc):
                try:
                    return self.context.__exit__(*exc)
                finally:
                    held.append(time.monotonic() - self.started)
        return Timed()

    monkeypatch.setattr(store, "begin", timed_begin)
    assigner = make_assigner(store)
    started = time.monotonic()
    Ingestor(store, assigner).store_articles(demo_articles(), IngestReport())
    total = time.monotonic() - started
    assert store.count_stories() > 0
    # The analysis of 35 articles takes seconds; the writes take a fraction of that.
    assert max(held) < 0.35 * total, (max(held), total)


def hold_write_lock(db: Path, ready: threading.Event, release: threading.Event,
                    most: float = 60.0) -> threading.Thread:
    """Hold SQLite's write lock from another connection until ``release`` (or ``most`` s)."""
    def hold():
        conn = sqlite3.connect(db, timeout=30, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        ready.set()
        release.wait(most)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return thread


def test_a_second_sqlite_writer_waits_says_so_and_completes(tmp_path):
    """Failure 5: a second writer failed with 'database is locked' when the first held the
    lock longer than the driver's wait; now it waits, and says so."""
    db = tmp_path / "s.db"
    open_store(f"sqlite:///{db}").close()
    source = tmp_path / "a.jsonl"
    source.write_text("".join(json.dumps({"text": f"Article {i} on the harbour works."}) + "\n"
                              for i in range(20)))
    ready, release = threading.Event(), threading.Event()
    holder = hold_write_lock(db, ready, release)
    ready.wait(10)
    run = subprocess.Popen([*CLI, "ingest", str(source), "--db", f"sqlite:///{db}",
                            "--no-stories"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    first = run.stderr.readline()  # the lock is held until the writer says it waits
    time.sleep(3)  # and a while longer: past one attempt at the lock
    release.set()
    stdout, rest = run.communicate(timeout=120)
    holder.join()
    stderr = first + rest
    assert run.returncode == 0, stderr
    assert first.startswith("storyline: another process is writing to the store; waiting")
    assert "locked" not in stderr and "Traceback" not in stderr
    assert stdout.startswith("ingested 20,")


def test_a_writer_that_waits_too_long_gives_up_with_one_line(tmp_path):
    db = tmp_path / "s.db"
    store = open_store(f"sqlite:///{db}")
    store.write_wait = 1.0
    told = []
    store.on_wait = told.append
    ready, release = threading.Event(), threading.Event()
    holder = hold_write_lock(db, ready, release)
    ready.wait(10)
    report = IngestReport()
    with pytest.raises(StoreBusy, match="is busy: another process has held its write lock"):
        Ingestor(store).store_articles([make_article({"text": "Rain fell."}, "x")], report)
    release.set()
    holder.join()
    assert told == ["another process is writing to the store; waiting for it to finish"]
    assert report.ingested == 0


def test_a_postgresql_writer_waits_for_another(pg_url):
    from sqlalchemy import text

    from storyline.store.writers import _INGEST_LOCK

    store, other = open_store(pg_url), open_store(pg_url)
    told = []
    store.on_wait = told.append
    ready = threading.Event()

    def hold():
        with other.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _INGEST_LOCK})
            ready.set()
            time.sleep(2)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    ready.wait(10)
    report = IngestReport()
    Ingestor(store).store_articles([make_article({"text": "Rain fell."}, "x")], report)
    holder.join()
    assert report.ingested == 1 and len(told) == 1
    store.write_wait = 0.5
    ready.clear()
    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    ready.wait(10)
    with pytest.raises(StoreBusy):
        Ingestor(store).store_articles([make_article({"text": "Snow fell."}, "y")], report)
    holder.join()
    store.close()
    other.close()


def test_a_killed_run_is_marked_interrupted_by_the_next(store_url, tmp_path):
    """Failure 10: a killed run's finished_at stayed empty forever."""
    script = ("import os, sys\nfrom storyline.store import open_store\n"
              "store = open_store(sys.argv[1])\nstore.start_run(['killed.jsonl'])\n"
              "os._exit(0)\n")  # dies without finishing the run
    subprocess.run([sys.executable, "-c", script, store_url], check=True, timeout=60)
    store = open_store(store_url)
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "Rain fell on the harbour."}) + "\n")
    ingest_paths(store, [path])
    runs = schema.ingest_runs
    with store.engine.connect() as conn:
        rows = conn.execute(select(runs.c.inputs, runs.c.status, runs.c.finished_at)
                            .order_by(runs.c.id)).all()
    assert [(r.inputs, r.status) for r in rows] == [
        (["killed.jsonl"], "interrupted"), ([str(path)], "finished")]
    assert all(r.finished_at is not None for r in rows)
    store.close()


def test_a_live_run_is_not_marked(store_url):
    store, other = open_store(store_url), open_store(store_url)
    running = store.start_run(["live.jsonl"])
    other.finish_run(other.start_run(["b.jsonl"]), ingested=0, duplicates=0,
                     already_present=0, skipped=0, skip_reasons={})
    runs = schema.ingest_runs
    with store.engine.connect() as conn:
        status = conn.execute(select(runs.c.status).where(runs.c.id == running)).scalar()
    assert status == "running"
    store.finish_run(running, ingested=0, duplicates=0, already_present=0, skipped=0,
                     skip_reasons={})
    store.close()
    other.close()


def test_story_prefix_lookup_takes_underscore_and_percent_literally(store):
    from sqlalchemy import insert

    with store.begin() as conn:
        conn.execute(insert(schema.stories), [
            {"id": i, "title": i, "size": 0, "sources": [], "entities": []}
            for i in ("a_1x", "ab1y", "c%2z", "cd2w")])
    assert store.get_story("a_").id == "a_1x"
    assert store.get_story("c%").id == "c%2z"
    assert store.get_story("a") is None  # two stories start with "a"
    assert store.list_articles(offset=10**24) == [] and store.list_stories(offset=10**24) == []
