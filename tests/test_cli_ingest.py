"""``storyline ingest`` and ``storyline articles`` as a user runs them (subprocesses): bad input
gives one line per problem and never a traceback, the summary line, exit codes, where the
store lives, progress only on a terminal, and the article listing's filters and JSON."""

from __future__ import annotations

import json
import os
import pty
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-c", "from storyline.cli import main; main()"]
SUMMARY = re.compile(r"^ingested (\d+), duplicates (\d+), skipped (\d+)(?: \((.+)\))?")


def run(*args: str, env: dict | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120,
                          env=env, cwd=cwd, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def good(i: int, **fields) -> str:
    return json.dumps({"url": f"https://site{i}.example/a", "source": f"Site {i}",
                       "title": f"Headline {i}", "text": f"Article {i} reports rain and wind "
                       f"in town number {i}, officials said on Friday.",
                       "published": f"2016-09-2{i % 10}", **fields})


@pytest.fixture
def bad_file(tmp_path) -> Path:
    path = tmp_path / "mixed.jsonl"
    lines = [
        good(1).encode(),                                           # 1 fine
        b'{"text": "unterminated',                                  # 2 malformed JSON
        json.dumps({"title": "No body"}).encode(),                  # 3 missing text
        json.dumps({"text": "   "}).encode(),                       # 4 empty article
        good(5, published="the day after tomorrow-ish").encode(),   # 5 unparseable date
        b'{"text": "caf\xe9 au lait"}',                             # 6 undecodable bytes
        good(7).encode(),                                           # 7 fine
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def stored(tmp_path: Path) -> int:
    conn = sqlite3.connect(tmp_path / "store.db")
    try:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        conn.close()


# -- bad input --------------------------------------------------------------------------

def test_each_bad_record_gets_one_line_and_the_run_goes_on(tmp_path, bad_file):
    done = run("ingest", str(bad_file), "--db", db_url(tmp_path), "--no-stories")
    assert done.returncode == 0, done.stderr
    expected = {2: "malformed JSON", 3: "missing text", 4: "empty text",
                5: "unparseable date", 6: "undecodable bytes"}
    messages = [line for line in done.stderr.splitlines() if line.strip()]
    for number, reason in expected.items():
        hits = [m for m in messages if f"{bad_file}:{number}:" in m]
        assert len(hits) == 1, (number, messages)
        assert reason in hits[0]
    assert len(messages) == len(expected)  # nothing else on stderr
    # stdout carries only the result line
    assert done.stdout.count("\n") == 1
    match = SUMMARY.match(done.stdout)
    assert match, done.stdout
    assert match.groups()[:3] == ("2", "0", "5")
    for reason in expected.values():
        assert f"1 {reason}" in match.group(4)
    assert stored(tmp_path) == 2


def test_strict_exits_non_zero_and_stores_nothing(tmp_path, bad_file):
    done = run("ingest", str(bad_file), "--db", db_url(tmp_path), "--strict", "--no-stories")
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{bad_file}:2" in lines[0] and "malformed JSON" in lines[0]
    assert stored(tmp_path) == 0


def test_strict_on_clean_input_succeeds(tmp_path):
    path = tmp_path / "clean.jsonl"
    path.write_text(good(1) + "\n" + good(2) + "\n")
    done = run("ingest", str(path), "--db", db_url(tmp_path), "--strict", "--no-stories")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ingested 2, duplicates 0, skipped 0")


def unreadable_file(tmp_path: Path) -> Path:
    """A file this process cannot read. chmod 000 does not stop root, so as root use
    /proc/self/mem, which fails every read at offset 0 with EIO (Linux)."""
    if os.geteuid() != 0:
        path = tmp_path / "locked.jsonl"
        path.write_text(good(9) + "\n")
        path.chmod(0)
        return path
    if not Path("/proc/self/mem").exists():
        pytest.skip("running as root without /proc: no way to make a file unreadable")
    return Path("/proc/self/mem")


def test_an_unreadable_file_is_named_and_the_rest_is_ingested(tmp_path):
    path = tmp_path / "fine.jsonl"
    path.write_text(good(1) + "\n")
    blocked = unreadable_file(tmp_path)
    done = run("ingest", str(path), str(blocked), "--format", "jsonl", "--db", db_url(tmp_path),
               "--no-stories")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(blocked) in lines[0] and "unreadable" in lines[0]
    assert done.stdout.startswith("ingested 1, duplicates 0, skipped 1 (1 unreadable input)")
    strict = run("ingest", str(path), str(blocked), "--format", "jsonl", "--db",
                 db_url(tmp_path), "--strict", "--no-stories")
    assert strict.returncode != 0


@pytest.mark.parametrize("content", [b"", b"{oops\n\xff\xfe\n", b"\n\n"])
def test_nothing_readable_exits_non_zero(tmp_path, content):
    path = tmp_path / "nothing.jsonl"
    path.write_bytes(content)
    done = run("ingest", str(path), "--db", db_url(tmp_path), "--no-stories")
    assert done.returncode != 0
    assert "nothing could be read" in done.stderr
    assert SUMMARY.match(done.stdout)


def test_a_missing_path_is_one_line(tmp_path):
    missing = tmp_path / "nope.jsonl"
    done = run("ingest", str(missing), "--db", db_url(tmp_path), "--no-stories")
    assert done.returncode != 0
    assert f"{missing}: unreadable input (no such file or folder)" in done.stderr


def test_a_store_that_cannot_be_opened_is_one_line(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(good(1) + "\n")
    done = run("ingest", str(path), "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1
    assert "cannot open store" in done.stderr


def test_json_report(tmp_path, bad_file):
    done = run("ingest", str(bad_file), "--db", db_url(tmp_path), "--json", "-q", "--no-stories")
    assert done.returncode == 0
    report = json.loads(done.stdout)
    assert (report["ingested"], report["skipped"]) == (2, 5)
    assert report["skip_reasons"]["malformed JSON"] == 1
    assert done.stderr.strip() == ""  # -q: no skip lines


def test_reingest_reports_what_was_already_there(tmp_path, bad_file):
    run("ingest", str(bad_file), "--db", db_url(tmp_path), "--no-stories")
    again = run("ingest", str(bad_file), "--db", db_url(tmp_path), "--no-stories", "-q")
    assert again.returncode == 0
    assert again.stdout.startswith("ingested 0, duplicates 0, skipped 5")
    assert "2 already in the store" in again.stdout
    assert stored(tmp_path) == 2


# -- where the store lives ----------------------------------------------------------------

def clean_env(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("STORYLINE_DB", "XDG_DATA_HOME")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "xdg"), **extra)
    return env


def test_default_store_is_in_the_user_data_directory(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(good(1) + "\n")
    done = run("ingest", str(path), "--no-stories", env=clean_env(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "xdg" / "storyline" / "storyline.db").is_file()


def test_environment_and_option_override_the_default(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(good(1) + "\n")
    from_env = tmp_path / "env.db"
    env = clean_env(tmp_path, STORYLINE_DB=str(from_env))
    assert run("ingest", str(path), "--no-stories", env=env, cwd=tmp_path).returncode == 0
    assert from_env.is_file()
    from_option = tmp_path / "option.db"
    assert run("ingest", str(path), "--no-stories", "--db", f"sqlite:///{from_option}",
               env=env, cwd=tmp_path).returncode == 0
    assert from_option.is_file()
    assert not (tmp_path / "xdg" / "storyline" / "storyline.db").exists()
    listed = run("articles", "--format", "json", env=env, cwd=tmp_path)
    assert len(json.loads(listed.stdout)) == 1  # the env store holds the one article


# -- progress -------------------------------------------------------------------------------

def test_progress_bar_only_on_a_terminal(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text("".join(good(i, url=f"https://x.example/{i}") + "\n" for i in range(300)))
    command = [*CLI, "ingest", str(path), "--db", db_url(tmp_path), "--no-stories"]
    env = dict(os.environ, TERM="xterm", COLUMNS="100")
    env.pop("NO_COLOR", None)

    # stderr a pipe: no bar, no escape codes
    piped = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env,
                           check=False)
    assert piped.returncode == 0 and piped.stderr == ""
    assert piped.stdout == "ingested 300, duplicates 0, skipped 0\n"

    # stderr a terminal: the bar is drawn there, stdout still carries only the result
    main, secondary = pty.openpty()
    process = subprocess.Popen([*command[:-3], "--db", f"sqlite:///{tmp_path / 'tty.db'}",
                                "--no-stories"], stdout=subprocess.PIPE, stderr=secondary,
                               env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(main, 4096)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    stdout = process.stdout.read().decode()
    process.wait(timeout=60)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    assert process.returncode == 0
    assert "storing" in terminal and "/300" in terminal
    assert stdout == "ingested 300, duplicates 0, skipped 0\n"


# -- storyline articles (in-process: the listing, not the process, is under test here) -----

def articles(*args: str):
    from typer.testing import CliRunner

    from storyline.cli import app

    result = CliRunner().invoke(app, ["articles", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture
def listed_store(tmp_path) -> str:
    records = [
        {"url": "https://a.example/1", "source": "Alpha", "title": "Ceasefire agreed",
         "text": "A ceasefire was agreed in the city after talks.", "published": "2016-09-01"},
        {"url": "https://b.example/2", "source": "Beta", "title": "Markets rally",
         "text": "Markets rallied as the central bank held rates.", "published": "2016-09-05"},
        {"url": "https://a.example/3", "source": "Alpha", "title": "Convoy hit",
         "text": "The aid convoy was hit near the city, breaking the ceasefire.",
         "published": "2016-09-10T23:30:00Z"},
        {"url": "https://c.example/4", "source": "Gamma", "title": "Undated note",
         "text": "A note without a date about the weather."},
    ]
    path = tmp_path / "list.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    url = db_url(tmp_path)
    from storyline.ingest.runner import ingest_paths
    from storyline.store import open_store

    store = open_store(url)
    assert ingest_paths(store, [path]).ingested == 4
    store.close()
    return url


def titles(done) -> list[str]:
    assert done.exit_code == 0, done.stderr
    return [a["title"] for a in json.loads(done.stdout)]


def test_articles_json_has_the_fields(listed_store):
    done = articles("--db", listed_store, "--format", "json")
    items = json.loads(done.stdout)
    assert len(items) == 4
    first = items[0]
    for field in ("id", "text", "url", "source", "title", "published", "duplicate_of", "story"):
        assert field in first
    assert [a["title"] for a in items][-1] == "Undated note"  # newest first, undated last


def test_articles_filters(listed_store):
    assert titles(articles("--db", listed_store, "--format", "json",
                      "--source", "alpha")) == ["Convoy hit", "Ceasefire agreed"]
    # --to includes the whole day
    assert titles(articles("--db", listed_store, "--format", "json",
                      "--from", "2016-09-02", "--to", "2016-09-10")) == [
        "Convoy hit", "Markets rally"]
    assert titles(articles("--db", listed_store, "--format", "json",
                      "--to", "2016-09-01")) == ["Ceasefire agreed"]


def test_articles_full_text_query(listed_store):
    assert sorted(titles(articles("ceasefire", "--db", listed_store, "--format",
                             "json"))) == ["Ceasefire agreed", "Convoy hit"]
    assert titles(articles("ceasefire convoy", "--db", listed_store, "--format",
                      "json")) == ["Convoy hit"]
    assert titles(articles("ceasefire", "--source", "Beta", "--db", listed_store,
                      "--format", "json")) == []


def test_articles_text_listing_and_bad_dates(listed_store):
    done = articles("--db", listed_store)
    assert done.exit_code == 0 and "Markets rally" in done.stdout
    bad = articles("--db", listed_store, "--from", "yesterday")
    assert bad.exit_code != 0
    assert len(bad.stderr.strip().splitlines()) == 1 and "--from yesterday" in bad.stderr


def test_articles_time_with_an_offset_is_the_same_instant(listed_store):
    # "Convoy hit" was published 2016-09-10T23:30Z, which is 2016-09-11T01:30+02:00.
    assert titles(articles("--db", listed_store, "--format", "json",
                           "--from", "2016-09-11T01:00:00+02:00")) == ["Convoy hit"]
    assert titles(articles("--db", listed_store, "--format", "json",
                           "--from", "2016-09-11T02:00:00+02:00")) == []


def test_articles_paging_and_duplicates_filter(listed_store, tmp_path):
    everything = titles(articles("--db", listed_store, "--format", "json"))
    assert titles(articles("--db", listed_store, "--format", "json", "--limit", "2",
                           "--offset", "1")) == everything[1:3]
    copy = tmp_path / "copy.jsonl"
    copy.write_text(json.dumps({"url": "https://z.example/9", "source": "Zeta",
                                "title": "Copy of the markets story",
                                "text": "Markets rallied as the central bank held rates!"}) + "\n")
    from storyline.ingest.runner import ingest_paths
    from storyline.store import open_store

    store = open_store(listed_store)
    assert ingest_paths(store, [copy]).duplicates == 1
    store.close()
    listed = json.loads(articles("--db", listed_store, "--format", "json").stdout)
    copies = [a for a in listed if a["duplicate_of"]]
    assert [a["title"] for a in copies] == ["Copy of the markets story"]
    assert "Copy of the markets story" not in titles(
        articles("--db", listed_store, "--format", "json", "--no-duplicates"))


def test_articles_of_one_story(tmp_path):
    from sqlalchemy import select

    from storyline.ingest.runner import ingest_paths
    from storyline.store import open_store, schema

    class ByOutlet:  # a real, minimal assigner: one story per outlet
        def assign(self, conn, batch):
            for article in batch:
                story = f"s-{article.source}"
                if conn.execute(select(schema.stories.c.id).where(
                        schema.stories.c.id == story)).first() is None:
                    conn.execute(schema.stories.insert().values(
                        id=story, title=story, size=0, sources=[], entities=[], updated_seq=0))
                conn.execute(schema.memberships.insert().values(article_id=article.id,
                                                                story_id=story))

    path = tmp_path / "s.jsonl"
    path.write_text("".join(good(i) + "\n" for i in range(1, 4))
                    + good(4, source="Site 1", url="https://other.example/4") + "\n")
    url = db_url(tmp_path)
    store = open_store(url)
    ingest_paths(store, [path], assigner=ByOutlet())
    store.close()
    listed = json.loads(articles("--db", url, "--format", "json", "--story", "s-Site 1").stdout)
    assert sorted(a["title"] for a in listed) == ["Headline 1", "Headline 4"]
    assert {a["story"] for a in listed} == {"s-Site 1"}
