"""SIGKILL in the middle of a large ingest, then run it again: every article exactly once."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

TOTAL = 20_000
COPY_EVERY = 100  # every 100th article repeats an earlier text under another url
CLI = [sys.executable, "-c", "from storyline.cli import main; main()"]


def write_articles(path: Path) -> tuple[int, int]:
    rng = random.Random(2016)
    vocab = [f"t{i}" for i in range(5000)]
    texts = []
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(TOTAL):
            if i % COPY_EVERY == COPY_EVERY - 1:
                body = texts[rng.randrange(len(texts))]
            else:
                body = " ".join(rng.choice(vocab) for _ in range(60))
                texts.append(body)
            handle.write(json.dumps({
                "url": f"https://outlet{i % 5}.example/{i}", "source": f"Outlet {i % 5}",
                "text": body, "published": f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}",
            }) + "\n")
    return TOTAL, len(texts)


def count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:  # not created yet, or the schema is being written
        return 0


def test_sigkill_mid_ingest_then_rerun_stores_every_article_once(tmp_path):
    source = tmp_path / "big.jsonl"
    total, distinct = write_articles(source)
    db = tmp_path / "store.db"
    command = [*CLI, "ingest", str(source), "--db", f"sqlite:///{db}", "--no-stories"]

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 45
    committed = 0
    try:
        while time.monotonic() < deadline and process.poll() is None:
            committed = count(db)
            if committed > 0:
                break
            time.sleep(0.02)
        assert process.poll() is None, "the ingest finished before it could be killed"
        assert committed > 0, "no batch was committed within 45 s"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    at_kill = count(db)
    assert 0 < at_kill < total

    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    summary = done.stdout.strip().splitlines()[-1]
    numbers = re.match(r"ingested (\d+), duplicates (\d+), skipped 0; (\d+) already in the store",
                       summary)
    assert numbers, summary
    ingested, duplicates, already = map(int, numbers.groups())
    assert already == at_kill and ingested + duplicates + already == total

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT id, url, text_hash, duplicate_of FROM articles").fetchall()
        assert len(rows) == total
        assert len({r[0] for r in rows}) == total
        assert len({r[1] for r in rows}) == total
        originals = [r for r in rows if r[3] is None]
        assert len(originals) == distinct
        assert len({r[2] for r in originals}) == distinct  # no text stored twice as original
        ids = {r[0] for r in rows}
        assert all(r[3] in ids for r in rows if r[3] is not None)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        seqs = [r[0] for r in conn.execute("SELECT seq FROM articles")]
        assert len(set(seqs)) == total
    finally:
        conn.close()


@pytest.mark.parametrize("timeout_s", [60])
def test_two_ingests_at_once_store_each_article_once(tmp_path, timeout_s):
    """Two processes ingesting overlapping inputs into one SQLite file at the same time."""
    rng = random.Random(7)
    vocab = [f"v{i}" for i in range(3000)]
    texts = [" ".join(rng.choice(vocab) for _ in range(50)) for _ in range(3000)]
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for path, part in ((a, range(0, 2000)), (b, range(1000, 3000))):
        with open(path, "w", encoding="utf-8") as handle:
            for i in part:
                handle.write(json.dumps({"url": f"https://x.example/{i}", "text": texts[i]}) + "\n")
    db = tmp_path / "store.db"
    runs = [subprocess.Popen([*CLI, "ingest", str(p), "--db", f"sqlite:///{db}", "--no-stories"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for p in (a, b)]
    for run in runs:
        _, stderr = run.communicate(timeout=timeout_s)
        assert run.returncode == 0, stderr
        assert "Traceback" not in stderr
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone() == (
            3000, 3000)
    finally:
        conn.close()


def test_sigkill_mid_ingest_on_postgresql(pg_url, tmp_path):
    """The same on PostgreSQL: the killed client's open transaction is rolled back."""
    from sqlalchemy import create_engine, text

    from storyline.store.database import normalize_db_url

    source = tmp_path / "big.jsonl"
    total, distinct = write_articles(source)
    engine = create_engine(normalize_db_url(pg_url))

    def stored() -> int:
        try:
            with engine.connect() as conn:
                return conn.execute(text("SELECT count(*) FROM articles")).scalar()
        except Exception:  # noqa: BLE001 - the schema is not there yet
            return 0

    command = [*CLI, "ingest", str(source), "--db", pg_url, "--no-stories"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 45
    try:
        while time.monotonic() < deadline and process.poll() is None and stored() == 0:
            time.sleep(0.05)
        assert process.poll() is None, "the ingest finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
    time.sleep(1)  # a COMMIT the client sent just before dying still completes on the server
    at_kill = stored()
    assert 0 < at_kill < total

    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert f"{at_kill} already in the store" in done.stdout
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT count(*), count(DISTINCT url), count(DISTINCT seq), "
            "count(*) FILTER (WHERE duplicate_of IS NULL) FROM articles")).one()
    engine.dispose()
    assert tuple(row) == (total, total, total, distinct)
