"""Digests computed when stories change: ``storyline ingest`` stores the digest of every
story it changed, ``show`` then reads it without loading a model, and a run stopped while
computing them leaves the store consistent and the rest for the next run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, update
from test_serve_support import fill, geneva_digest
from test_show_stored import PROBE

from storyline.ingest.plain import add_articles
from storyline.model import Article, Digest
from storyline.serve import digests_ahead
from storyline.serve.digests import DigestCache, story_version
from storyline.store import digest_marks, open_store, schema

DEMO = Path(__file__).resolve().parents[1] / "storyline" / "demo" / "articles.jsonl"
EVENTS = ("eastbridge-closure", "harmon-corp-earnings")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, timeout=600, check=False)


def _demo_articles(tmp_path: Path) -> tuple[Path, Path]:
    """Two events of the demo corpus; the last article of the first held back."""
    rows = [json.loads(line) for line in DEMO.read_text().splitlines()]
    chosen = [r for r in rows if r["event"] in EVENTS]
    late = max((r for r in chosen if r["event"] == EVENTS[0]), key=lambda r: r["published"])
    first, second = tmp_path / "first.jsonl", tmp_path / "late.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in chosen if r is not late))
    second.write_text(json.dumps(late) + "\n")
    return first, second


def _stored(store) -> dict[str, tuple[str, object]]:
    d = schema.digests
    with store.engine.connect() as conn:
        return {sid: (version, at) for sid, version, at
                in conn.execute(select(d.c.story_id, d.c.version, d.c.computed_at))}


@pytest.mark.slow
def test_ingest_stores_the_digests_of_the_stories_it_changed(tmp_path, sqlite_url):
    first, late = _demo_articles(tmp_path)
    done = _cli("ingest", str(first), "--db", sqlite_url, "--digests")
    assert done.returncode == 0, done.stderr
    store = open_store(sqlite_url)
    stories = store.list_stories()
    assert len(stories) >= 2
    stored = _stored(store)
    for story in stories:  # every story: a digest for exactly its members
        assert stored[story.id][0] == story_version(story.articles)
    assert f"digests: {len(stories)} computed" in done.stderr

    biggest = max(stories, key=lambda s: len(s.articles))
    shown = _cli("show", biggest.id, "--db", sqlite_url)
    assert shown.returncode == 0, shown.stderr
    assert "LOADED []" in shown.stderr, shown.stderr  # read, not built
    assert "summary" in shown.stdout

    again = _cli("ingest", str(late), "--db", sqlite_url, "--digests")
    assert again.returncode == 0, again.stderr
    after = _stored(store)
    changed = [s for s in store.list_stories() if stored.get(s.id) != after.get(s.id)]
    assert len(changed) == 1  # only the story that gained the article was computed again
    assert after[changed[0].id][0] == story_version(changed[0].articles)
    assert "digests: 1 computed" in again.stderr


def _flood_digest(story_id: str) -> Digest:
    return Digest(story_id, summary=[])


def test_a_run_stopped_midway_leaves_the_rest_to_the_next(store_url):
    store = fill(store_url)
    with store.begin() as conn:  # as story assignment stamps them (Geneva changed last)
        s = schema.stories
        conn.execute(update(s).where(s.c.id == "s-geneva").values(updated_seq=4))
        conn.execute(update(s).where(s.c.id == "s-floods").values(updated_seq=3))
    digest_marks.advance(store, 2)  # an earlier run computed what changed up to seq 2
    since = digests_ahead.prepare(store)
    assert since == 2
    calls: list[str] = []

    def stopped(store_, story_id):
        calls.append(story_id)
        if story_id == "s-floods":
            raise KeyboardInterrupt  # the process is stopped while computing this one
        return geneva_digest(store_, story_id)

    with pytest.raises(KeyboardInterrupt):
        digests_ahead.compute_changed(store, since, builder=stopped)
    assert calls == ["s-geneva", "s-floods"]
    cache = DigestCache(store)
    geneva = store.get_story("s-geneva")
    assert cache.cached("s-geneva", story_version(geneva.articles)) is not None
    assert "s-floods" not in _stored(store)
    assert digest_marks.mark(store) == 2  # not moved past the stories still owed

    calls.clear()

    def working(store_, story_id):
        calls.append(story_id)
        return geneva_digest(store_, story_id) if story_id == "s-geneva" \
            else _flood_digest(story_id)

    report = digests_ahead.compute_changed(store, digests_ahead.prepare(store),
                                           builder=working)
    assert calls == ["s-floods"]  # Geneva's stored digest is current: not computed again
    assert (report.built, report.current, report.failed) == (1, 1, 0)
    assert digest_marks.mark(store) == 4
    nothing = digests_ahead.compute_changed(store, digests_ahead.prepare(store),
                                            builder=working)
    assert nothing.stories == 0 and calls == ["s-floods"]


def test_the_mark_follows_an_emptied_store_and_unassigned_articles(store_url):
    store = fill(store_url)  # four articles, seq 1..4, all in stories
    assert digests_ahead.prepare(store) == 4  # never computed ahead: from now on
    digest_marks.advance(store, 4)
    add_articles(store, [Article("A new article without a story yet.", id="n1")], run_id=None)
    assert digests_ahead.prepare(store) == 4  # its story will change after seq 4
    assert digests_ahead.prepare(store, with_stories=True) == 4
    with store.begin() as conn:  # the store emptied (demo --fresh) and refilled
        for table in (schema.memberships, schema.stories, schema.articles):
            conn.execute(table.delete())
    add_articles(store, [Article("Another one.", id="n2")], run_id=None)
    assert digests_ahead.prepare(store) == 0  # n2 (seq 1) lacks a story: owed from 0
    add_articles(store, [Article("And a third.", id="n3")], run_id=None)
    digests_ahead.leave_to_readers(store)  # ingest without --digests: owed by no later run
    assert digest_marks.mark(store) == 2
    assert digests_ahead.prepare(store, with_stories=False) == 2


def test_analyses_started_during_ingest_are_the_ones_stored(sqlite_url, monkeypatch):
    """Analyses begun on a worker while ingest assigns stories are stored as the digests'
    (equal to analyzing here); the chunks the worker had not started are done here."""
    from storyline.analyze import cache
    from storyline.analyze.pipeline import analyze

    store = fill(sqlite_url)
    with store.begin() as conn:
        conn.execute(update(schema.stories).values(updated_seq=4))
    digest_marks.advance(store, 2)
    since = digests_ahead.prepare(store)
    members = [r.article for r in store.get_articles(["a1", "a2", "a3", "b1"])]
    monkeypatch.setattr(digests_ahead.Background, "CHUNK", 1)
    background = digests_ahead.Background()
    background.submit(members)
    report = digests_ahead.compute_changed(
        store, since, background=background,
        builder=lambda s, sid: geneva_digest(s, sid) if sid == "s-geneva"
        else _flood_digest(sid))
    assert (report.built, report.analyzed) == (2, 4)
    stored = cache.load(store, members)
    for here in analyze(members):
        assert stored[here.article.id].analysis == here.analysis
        assert stored[here.article.id].sentence_vectors.shape == here.sentence_vectors.shape


@pytest.mark.slow
def test_ingest_killed_while_computing_digests_then_run_again(tmp_path):
    """SIGKILL once some digests are stored: the store is intact, and the next ingest of
    the same input stores nothing twice and computes only the digests still missing."""
    import signal
    import sqlite3
    import time

    db = tmp_path / "store.db"
    url = f"sqlite:///{db}"

    def digests_stored() -> int:
        try:
            with sqlite3.connect(db, timeout=1) as conn:
                return conn.execute("SELECT count(*) FROM digests").fetchone()[0]
        except sqlite3.Error:
            return 0

    proc = subprocess.Popen([sys.executable, "-c", PROBE, "ingest", str(DEMO), "--db", url,
                             "--digests"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while digests_stored() < 2 and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_with = digests_stored()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    again = _cli("ingest", str(DEMO), "--db", url, "--digests")
    assert again.returncode == 0, again.stderr
    store = open_store(url)
    stories = store.list_stories()
    stored = _stored(store)
    assert all(stored[s.id][0] == story_version(s.articles) for s in stories)
    assert 2 <= killed_with < len(stories)  # killed midway (9 stories, 2 done)
    assert f"digests: {len(stories) - killed_with} computed, {killed_with} already " \
           "current" in again.stderr, again.stderr
    assert "ingested 0, duplicates 0" in again.stdout
