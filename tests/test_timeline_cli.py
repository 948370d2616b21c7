"""``storyline timeline`` through a real subprocess: the INTERFACES.md section 3 format."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

STORY = [
    {"id": "a1", "source": "Outlet One", "published": "2021-03-08",
     "text": "The Harlow dam collapsed on Saturday after days of heavy rain.\n\n"
             "Rescue crews evacuated four hundred residents of Meren on Sunday."},
    {"id": "a2", "url": "https://two.example/dam", "published": "2021-03-09T10:00:00Z",
     "text": "The Harlow dam collapsed on Saturday, flooding the valley below. "
             "On Monday the government opened an inquiry into the dam collapse."},
    {"id": "a3", "published": "2021-03-10",
     "text": "The inquiry into the Harlow dam collapse began hearings on Tuesday. "
             "Insurers estimated the damage at forty million euros."},
]


# The console script installed beside this Python (what a user runs).
STORYLINE = Path(sys.executable).with_name("storyline")


def run(*args: str) -> subprocess.CompletedProcess:
    if not STORYLINE.exists():
        pytest.skip(f"console script not installed at {STORYLINE}")
    return subprocess.run([str(STORYLINE), *args], capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture
def story_file(tmp_path: Path) -> Path:
    path = tmp_path / "story.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in STORY), encoding="utf-8")
    return path


def test_output_follows_the_contract(story_file: Path):
    done = run("timeline", str(story_file), "--dates", "3", "--per-date", "1")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # stdout is one JSON object and nothing else
    assert list(result) == ["timeline"]
    entries = result["timeline"]
    assert 1 <= len(entries) <= 3
    texts = {a["id"]: a["text"] for a in STORY}
    for entry in entries:
        assert list(entry) == ["date", "sentences"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["date"])
        assert 1 <= len(entry["sentences"]) <= 1
        for s in entry["sentences"]:
            assert list(s) == ["text", "article_id", "start", "end", "sources"]
            assert texts[s["article_id"]][s["start"]:s["end"]] == s["text"]
            assert s["sources"][0] == s["article_id"]
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)
    # The collapse is dated by "on Saturday", not by the day it was published.
    assert any(e["date"] == "2021-03-06" for e in entries)


def in_process(*args: str):
    """The command in this process (``run_cli``), for the checks around the one real run
    above: the same ``main()``, without a new interpreter per check."""
    done = run_cli(*args)
    return subprocess.CompletedProcess(args, done.exit_code, done.stdout, done.stderr)


def test_from_to_and_query(story_file: Path):
    done = in_process("timeline", str(story_file), "--dates", "5", "--per-date", "2",
               "--from", "2021-03-07", "--to", "2021-03-09")
    assert done.returncode == 0, done.stderr
    dates = [e["date"] for e in json.loads(done.stdout)["timeline"]]
    assert dates and all("2021-03-07" <= d <= "2021-03-09" for d in dates)
    done = in_process("timeline", str(story_file), "--dates", "5", "--per-date", "2",
                      "--query", "inquiry")
    sentences = [s["text"] for e in json.loads(done.stdout)["timeline"] for s in e["sentences"]]
    assert sentences and all("inquiry" in s for s in sentences)


@pytest.mark.parametrize("args,message", [
    (["--dates", "0"], "--dates 0"),
    (["--from", "2021-02-30"], "--from 2021-02-30"),
    (["--from", "2021-03-09", "--to", "2021-03-01"], "--from"),
])
def test_bad_options_fail_in_one_line(story_file: Path, args, message):
    done = in_process("timeline", str(story_file), *args)
    assert done.returncode != 0 and done.stdout == ""
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_bad_input_files_fail_in_one_line(tmp_path: Path):
    missing = in_process("timeline", str(tmp_path / "none.jsonl"))
    assert missing.returncode != 0 and "none.jsonl" in missing.stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(STORY[0]) + "\n{not json\n", encoding="utf-8")
    done = in_process("timeline", str(broken))
    assert done.returncode != 0 and "broken.jsonl:2" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_article_with_empty_text_is_left_out_and_counted(tmp_path: Path):
    # Crawled topics hold empty pages (25 of Timeline17's 3,996 input files): one of them
    # must not cost the whole timeline.
    path = tmp_path / "crawl.jsonl"
    rows = [*STORY, {"id": "blank", "published": "2021-03-09", "text": "   "}]
    path.write_text("".join(json.dumps(a) + "\n" for a in rows), encoding="utf-8")
    done = in_process("timeline", str(path), "--dates", "3", "--per-date", "2")
    assert done.returncode == 0, done.stderr
    assert f"left out 1 article(s) with empty text ({path}:4)" in done.stderr
    cited = {c["article_id"] for e in json.loads(done.stdout)["timeline"]
             for s in e["sentences"] for c in [s]}
    assert cited and "blank" not in cited
    # The same file without the blank article gives the same timeline.
    alone = tmp_path / "story.jsonl"
    alone.write_text("".join(json.dumps(a) + "\n" for a in STORY), encoding="utf-8")
    assert in_process("timeline", str(alone), "--dates", "3", "--per-date", "2").stdout \
        == done.stdout
