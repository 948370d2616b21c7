"""``storyline dates`` and ``storyline quotes`` through the installed command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ARTICLES = [
    {"id": "a1", "published": "2016-09-24",
     "text": "The convoy was hit on Friday. \"We will not stop,\" Jan Egeland told reporters. "
             "Talks resume next week."},
    {"id": "a2", "published": "2017-01-02T08:00:00Z",
     "text": "The attack happened on December 28, police said."},
    {"id": "a3", "text": "It opened on 5 May 2015 and closed on Friday."},
]


def run(*args: str) -> subprocess.CompletedProcess:
    command = Path(sys.executable).parent / "storyline"  # the installed console script
    return subprocess.run([str(command), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def articles_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "articles.jsonl"
    # A malformed line in the middle: reported on stderr, the rest still analyzed.
    lines = [json.dumps(a) for a in ARTICLES]
    path.write_text("\n".join([*lines[:2], "{oops", lines[2]]) + "\n", encoding="utf-8")
    return path


def expected(article_id: str, expression: str, value) -> dict:
    text = next(a["text"] for a in ARTICLES if a["id"] == article_id)
    start = text.index(expression)
    return {"article_id": article_id, "text": expression, "start": start,
            "end": start + len(expression), "value": value}


def test_dates_prints_one_object_per_expression(articles_file):
    done = run("dates", str(articles_file))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows == [
        expected("a1", "on Friday", "2016-09-23"),
        expected("a1", "next week", {"from": "2016-09-26", "to": "2016-10-02"}),
        expected("a2", "on December 28", "2016-12-28"),
        expected("a3", "on 5 May 2015", "2015-05-05"),
    ]
    assert "articles.jsonl:3" in done.stderr
    texts = {a["id"]: a["text"] for a in ARTICLES}
    for r in rows:
        assert texts[r["article_id"]][r["start"]:r["end"]] == r["text"]
    assert "without 'published'" in done.stderr


def test_quotes_prints_the_contract_fields(articles_file):
    done = run("quotes", str(articles_file))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    keys = ["article_id", "speaker", "speaker_start", "speaker_end", "quote", "start", "end",
            "cue", "cue_start", "cue_end", "direct"]
    # the contract's fields first, in order; optional fields only where they say something
    assert rows and all(list(r)[:len(keys)] == keys for r in rows)
    assert all(set(r) - set(keys) <= {"parts", "addressee", "stance"} for r in rows)
    texts = {a["id"]: a["text"] for a in ARTICLES}
    [direct] = [r for r in rows if r["direct"]]
    assert direct["speaker"] == "Jan Egeland" and direct["quote"] == "We will not stop"
    assert direct["cue"] == "told"
    for r in rows:
        text = texts[r["article_id"]]
        assert text[r["start"]:r["end"]] == r["quote"]
        assert text[r["cue_start"]:r["cue_end"]] == r["cue"]
    police = [r for r in rows if r["article_id"] == "a2"]
    assert police and police[0]["speaker"] == "police"


def test_many_articles_on_workers_give_the_same_lines_in_order(tmp_path, models):
    """(In this process, ``run_cli``: the tests above run the installed command; here the
    worker processes load the models and the command need not load them four times.)"""
    from conftest import run_cli

    from storyline.analyze.pipeline import PARALLEL_FROM

    path = tmp_path / "many.jsonl"
    rows = [dict(a, id=f"{a['id']}-{i}") for i in range(PARALLEL_FROM // 3 + 1) for a in ARTICLES]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    for command in ("dates", "quotes"):
        one, two = (run_cli(command, str(path), "--workers", n) for n in ("1", "2"))
        assert one.exit_code == 0 and two.exit_code == 0, two.stderr
        assert one.stdout == two.stdout and one.stdout
        assert f"analyzing {len(rows)} articles on 2 processes" in two.stderr
        assert "processes" not in one.stderr


def test_missing_file_is_one_line_and_nonzero(tmp_path):
    done = run("dates", str(tmp_path / "nope.jsonl"))
    assert done.returncode != 0
    assert "nope.jsonl" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_only_bad_lines_is_an_error(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("{oops\n")
    done = run("quotes", str(path))
    assert done.returncode != 0 and "Traceback" not in done.stderr
