"""Stories formed by ``ingest``: one story per article, the CLI contract, crash safety.

Uses the fictional demo corpus that ships with the package (it labels each article's event).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.evaluate.bcubed import bcubed, clusters_of
from storyline.ingest.runner import ingest_paths
from storyline.store import open_store
from storyline.stories import make_assigner

DEMO = Path(__file__).resolve().parents[1] / "storyline" / "demo" / "articles.jsonl"
EVENTS = ("lake-harmon-flood", "quillon-data-breach", "port-calloway-marathon")


def demo_rows(events=EVENTS, per_event: int | None = None) -> list[dict]:
    if not DEMO.is_file():
        pytest.skip(f"demo corpus not found at {DEMO}")
    rows = [json.loads(line) for line in DEMO.read_text().splitlines() if line.strip()]
    out, seen = [], Counter()
    for row in rows:
        if events and row["event"] not in events:
            continue
        if per_event and seen[row["event"]] >= per_event:
            continue
        seen[row["event"]] += 1
        out.append(row)
    return out


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def memberships(store) -> dict[str, str]:
    return {aid: s.id for s in store.list_stories() for aid in s.articles}


def test_every_original_article_belongs_to_exactly_one_story(store, tmp_path):
    rows = demo_rows(per_event=3)
    path = write_jsonl(tmp_path / "a.jsonl", rows + [dict(rows[0], url=rows[0]["url"] + "?copy")])
    report = ingest_paths(store, [path], assigner=make_assigner(store))
    assert report.duplicates >= 1
    originals = {r.article.id for r in store.list_articles(include_duplicates=False, limit=None)}
    counts = Counter(aid for s in store.list_stories() for aid in s.articles)
    assert set(counts) == originals
    assert set(counts.values()) == {1}
    assert store.unassigned_article_ids() == []
    # re-ingesting changes nothing
    before = clusters_of(memberships(store))
    ingest_paths(store, [path], assigner=make_assigner(store))
    assert clusters_of(memberships(store)) == before
    # a second run's new articles join the stories of the first (state loaded from the store)
    more = [r for r in demo_rows(per_event=5) if r not in rows]
    ingest_paths(store, [write_jsonl(tmp_path / "b.jsonl", more)], assigner=make_assigner(store))
    by_url = {r["url"]: r["event"] for r in rows + more}
    gold = {row.article.id: by_url[row.article.url]
            for row in store.list_articles(include_duplicates=False, limit=None)}
    assert bcubed(memberships(store), gold).f1 >= 0.8


def test_show_cites_an_article_without_outlet_by_its_id(tmp_path):
    db = f"sqlite:///{tmp_path / 's.db'}"
    text = tmp_path / "report.txt"
    text.write_text("Heavy rain flooded the old town of Passau on Sunday, officials said. "
                    "\"The water rose faster than ever,\" Mayor Jurgen Dupper told reporters. "
                    "At least 200 residents were moved to shelters.\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(text), "--db", db]).exit_code == 0
    [story] = json.loads(runner.invoke(app, ["stories", "--db", db, "--format", "json"]).stdout)
    [article_id] = story["articles"]
    result = runner.invoke(app, ["show", story["id"], "--db", db])
    assert result.exit_code == 0, result.output
    summary = result.stdout.split("summary", 1)[1].split("\n\n", 1)[0]
    assert f"[{article_id}]" in summary
    assert "()" not in result.stdout


def test_stories_json_and_show(tmp_path):
    db = f"sqlite:///{tmp_path / 's.db'}"
    path = write_jsonl(tmp_path / "a.jsonl", demo_rows(per_event=3))
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(path), "--db", db])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["stories", "--db", db, "--format", "json"])
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert isinstance(listed, list) and listed
    for story in listed:
        assert {"id", "title", "articles", "sources", "first_published",
                "last_published"} <= set(story)
        assert story["title"] and story["articles"] and story["sources"]
        assert story["first_published"] <= story["last_published"]
    biggest = max(listed, key=lambda s: len(s["articles"]))
    result = runner.invoke(app, ["show", biggest["id"][:8], "--db", db, "--no-summary"])
    assert result.exit_code == 0, result.output
    assert biggest["title"][:30] in " ".join(result.stdout.split())
    for article_id in biggest["articles"]:
        assert article_id in result.stdout
    result = runner.invoke(app, ["show", "zzzz-no-such-story", "--db", db])
    assert result.exit_code == 2
    assert "no such story" in result.output


@pytest.mark.slow
def test_demo_corpus_stories_match_its_events(tmp_path):
    rows = demo_rows(events=None)
    store = open_store(f"sqlite:///{tmp_path / 'demo.db'}")
    ingest_paths(store, [write_jsonl(tmp_path / "demo.jsonl", rows)],
                 assigner=make_assigner(store))
    by_url = {r["url"]: r["event"] for r in rows}
    gold = {row.article.id: by_url[row.article.url]
            for row in store.list_articles(include_duplicates=False, limit=None)}
    scores = bcubed(memberships(store), gold)
    assert scores.f1 >= 0.85, scores


# -- crash safety ---------------------------------------------------------------------------

_INGEST = """
import sys
from pathlib import Path
from storyline.ingest import runner
from storyline.stories import make_assigner
from storyline.store import open_store
runner.Ingestor.__init__.__defaults__ = (None, 3)  # small batches: many commits to die between
store = open_store(sys.argv[1])
runner.ingest_paths(store, [Path(sys.argv[2])], assigner=make_assigner(store))
"""


def _committed(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM memberships").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_killed_and_restarted_ingest_ends_with_the_same_stories(tmp_path):
    rows = demo_rows(events=None, per_event=2)
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

    def run(db: Path, kill_after: int | None = None) -> None:
        proc = subprocess.Popen([sys.executable, "-c", _INGEST, f"sqlite:///{db}", str(path)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if kill_after is None:
            _, stderr = proc.communicate(timeout=300)
            assert proc.returncode == 0, stderr.decode()[-2000:]
            return
        deadline = time.monotonic() + 300
        while _committed(db) < kill_after and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    whole, crashed = tmp_path / "whole.db", tmp_path / "crashed.db"
    run(whole)
    run(crashed, kill_after=len(rows) // 2)
    partial = _committed(crashed)
    assert 0 < partial < len(rows), "the run was meant to die midway"
    run(crashed)
    a, b = open_store(f"sqlite:///{whole}"), open_store(f"sqlite:///{crashed}")
    assert clusters_of(memberships(a)) == clusters_of(memberships(b))
    assert [s.title for s in a.list_stories(order="size")] == [
        s.title for s in b.list_stories(order="size")]
