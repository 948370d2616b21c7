"""A shared PostgreSQL store under load: two `storyline ingest` processes write (with an
overlap: the same articles given to both) while a reader reads all the time. Counts match,
nobody sees an error, no article is stored twice or half, every original is in one story.

Skips with the reason when no PostgreSQL server answers (see ``conftest.pg_server``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storyline.ingest.records import make_article
from storyline.store import open_store, schema

pytestmark = pytest.mark.postgres

CLI = [sys.executable, "-c", "from storyline.cli import main; main()"]
DEMO = Path(__file__).resolve().parents[1] / "storyline" / "demo" / "articles.jsonl"
# One event each (about eight articles): the writers' time goes to loading models, and the
# reader overlaps both.
FIRST = ("alvarez-embezzlement-trial",)
SECOND = ("eastbridge-closure",)


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_two_writers_and_a_reader_on_postgresql(pg_url, tmp_path):
    rows = [json.loads(line) for line in DEMO.read_text().splitlines() if line.strip()]
    first = [r for r in rows if r["event"] in FIRST]
    second = [r for r in rows if r["event"] in SECOND]
    shared = second[:3]  # given to both writers: stored once
    inputs = [write(tmp_path / "a.jsonl", first + shared), write(tmp_path / "b.jsonl", second)]
    store = open_store(pg_url)  # migrated before the writers start

    seen: list[int] = []
    problems: list[str] = []
    done = threading.Event()

    def reader() -> None:
        reading = open_store(pg_url)
        while not done.is_set():
            try:
                count = reading.count_articles()
                for story in reading.list_stories():
                    assert story.articles, f"story {story.id} without articles"
                seen.append(count)
            except Exception as exc:  # noqa: BLE001 - what the reader met is the result
                problems.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.05)
        reading.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        writers = [subprocess.Popen([*CLI, "ingest", str(p), "--db", pg_url],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for p in inputs]
        outputs = [w.communicate(timeout=300) for w in writers]
    finally:
        done.set()
        thread.join(timeout=60)
    for writer, (_, stderr) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, stderr
        assert "Traceback" not in stderr
    assert problems == []
    assert seen == sorted(seen), "the reader saw the article count go down"

    ids = {make_article(r, "demo").id for r in first + second}
    a, m = schema.articles, schema.memberships
    with store.engine.connect() as conn:
        stored = Counter(r[0] for r in conn.execute(select(a.c.id)))
        originals = {r[0] for r in conn.execute(select(a.c.id).where(a.c.duplicate_of.is_(None)))}
        members = Counter(r[0] for r in conn.execute(select(m.c.article_id)))
        blank = conn.execute(select(func.count()).select_from(a)
                             .where((a.c.text == "") | a.c.text_hash.is_(None))).scalar()
    assert set(stored) == ids and max(stored.values()) == 1
    assert seen[-1] <= len(ids) and store.count_articles() == len(ids)
    assert blank == 0
    assert set(members) == originals and max(members.values()) == 1
    reported = sum(int(out.split()[1].rstrip(",")) + int(out.split()[3].rstrip(","))
                   for out, _ in outputs)
    assert reported == len(ids), [out for out, _ in outputs]  # ingested + duplicates
    for story in store.list_stories():
        assert set(story.articles) <= originals
    store.close()
