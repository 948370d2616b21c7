"""``storyline watch`` sharing an SQLite store with other writers: it waits for a writer that
holds the lock (and says so), runs beside an ``ingest``, and the file stays whole
(``PRAGMA integrity_check``), every article stored once."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import threading
import time

import pytest
from test_reliability_store import hold_write_lock
from test_watch import CLI, PAGE, Site, rss

from storyline.ingest import urls

ENV = {**os.environ, urls.ALLOW_PRIVATE_ENV: "1"}


@pytest.fixture
def site():
    def answer(handler, path):
        if path == "/feed.xml":
            items = [(f"e{n}", f"{made.base}/p/e{n}.html", f"Summary {n}.") for n in range(12)]
            return 200, {"Content-Type": "application/rss+xml"}, rss("Feed", items)
        if path.startswith("/p/"):
            key = path[3:-5]
            body = (f"Report {key}: the council of district {key} voted on the budget for "
                    f"project {key}, which covers roads and schools in the {key} area.")
            return 200, {"Content-Type": "text/html"}, \
                PAGE.format(title=f"Report {key}", body=body).encode()
        return 404, {}, b""

    made = Site(answer)
    yield made
    made.close()


def check_file(db) -> tuple[int, int]:
    """(articles, distinct urls or texts) after ``integrity_check`` says the file is whole."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT coalesce(url, text_hash)) FROM articles").fetchone()
        running = conn.execute("SELECT count(*) FROM ingest_runs WHERE status != 'finished'"
                               ).fetchone()[0]
    assert running == 0
    return count, distinct


def test_watch_waits_for_a_writer_holding_the_lock_and_says_so(tmp_path, site):
    db = tmp_path / "s.db"
    subprocess.run([*CLI, "sources", "--db", str(db)], capture_output=True, timeout=60)
    ready, release = threading.Event(), threading.Event()
    holder = hold_write_lock(db, ready, release)
    assert ready.wait(10)
    watch = subprocess.Popen([*CLI, "watch", f"{site.base}/feed.xml", "--db", str(db),
                              "--once", "--delay", "0", "--no-stories"],
                             stderr=subprocess.PIPE, text=True, env=ENV)
    first = watch.stderr.readline()  # the lock is held until watch says it waits
    time.sleep(2)  # and a while longer: past one attempt at the lock
    release.set()
    rest = watch.communicate(timeout=120)[1]
    holder.join()
    assert watch.returncode == 0, first + rest
    assert first.startswith("storyline: another process is writing to the store; waiting")
    assert "locked" not in rest and "Traceback" not in rest
    assert "12 new: ingested 12" in rest
    assert check_file(db) == (12, 12)


def test_watch_and_ingest_at_once_leave_a_whole_file_each_article_once(tmp_path, site):
    db = tmp_path / "s.db"
    lines = tmp_path / "a.jsonl"
    lines.write_text("".join(json.dumps({"text": f"Article {i}: the harbour works of "
                                         f"pier {i} went on through the night."}) + "\n"
                             for i in range(2000)))
    # Four batches of 500 (a transaction each) while the watch stores its entries.
    ingest = subprocess.Popen([*CLI, "ingest", str(lines), "--db", str(db), "--no-stories"],
                              stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=ENV)
    watch = subprocess.Popen([*CLI, "watch", f"{site.base}/feed.xml", "--db", str(db),
                              "--once", "--delay", "0", "--no-stories"],
                             stderr=subprocess.PIPE, text=True, env=ENV)
    out, ingest_err = ingest.communicate(timeout=300)
    watch_err = watch.communicate(timeout=300)[1]
    assert ingest.returncode == 0 and watch.returncode == 0, ingest_err + watch_err
    for said in (ingest_err, watch_err):
        assert "locked" not in said and "Traceback" not in said
    assert out.startswith("ingested 2000,")
    assert check_file(db) == (2012, 2012)
