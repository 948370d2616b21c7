"""A running ``serve`` shows what another process stores, without a manual reload.

The server runs in this process (uvicorn on a free port); the articles arrive through
``storyline ingest`` in another process, with real story assignment. The endpoint the pages
poll (``/api/changes``) must report the new and the grown story; in chromium (skipped with
the reason when it or playwright is missing) the story list and a story page must show them
without reloading, with article text escaped.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from test_serve_browser import ARGS, ARTIFACTS, CHROMIUM, free_port
from updates_support import FIRST, SECOND, write_rows

from storyline.serve import ServeConfig, create_app
from storyline.serve.live import LIVE_ENV

CLI = [sys.executable, "-c", "from storyline.cli import main; main()"]
XSS = '<img src=x onerror="window.__pwned = 1">'
FIRE = ("Pine Gazette", "2031-04-09T12:00:00Z",
        "Firefighters fought a forest fire near the mountain village of Tellwick on Tuesday "
        "night. Two hundred hikers were evacuated from the Tellwick pass, the fire service "
        "said, and the main road over the pass was closed.")



def shows(page, selector: str, count: int, timeout: float = 30.0) -> None:
    """Wait until ``page`` has ``count`` elements matching ``selector``. Polled from here
    with locator counts: Playwright's string predicates run through eval, which the
    pages' Content-Security-Policy (script-src 'self') refuses once a page has swapped
    itself in."""
    deadline = time.monotonic() + timeout
    while page.locator(selector).count() != count:
        assert time.monotonic() < deadline, f"{selector}: never {count} on the page"
        time.sleep(0.2)

def ingest(url: str, path: Path) -> None:
    """``storyline ingest`` in another process, with stories (as a watch or a cron job)."""
    done = subprocess.run([*CLI, "ingest", str(path), "--db", url], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def second_batch(folder: Path) -> Path:
    """The dam story's second day (it grows) and an unrelated fire (a new story) whose
    title carries markup that must stay text."""
    path = write_rows(folder / "second.jsonl", SECOND)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"source": FIRE[0], "published": FIRE[1], "text": FIRE[2],
                              "title": f"{XSS}Forest fire near Tellwick"}) + "\n")
    return path


def serve(url: str, builder=None):
    import uvicorn

    # No digests unless a builder is given: the pages show stories and articles.
    app = create_app(ServeConfig(db_url=url, cache_seconds=5, compute_digests=False,
                                 digest_wait=0.5))
    if builder is not None:
        from storyline.serve.digests import DigestCache

        app.state.digests = DigestCache(app.state.store, builder)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(),
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the test server did not start within 20 s"
        time.sleep(0.05)
    return srv, thread, f"http://127.0.0.1:{srv.config.port}"


def stories(url: str) -> dict[str, dict]:
    done = subprocess.run([*CLI, "stories", "--db", url, "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return {s["id"]: s for s in json.loads(done.stdout)}


@pytest.fixture
def running(tmp_path, monkeypatch):
    """A store with the dam story's first day, and a server over it."""
    monkeypatch.setenv(LIVE_ENV, "1")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ingest(url, write_rows(tmp_path / "first.jsonl", FIRST))
    srv, thread, base = serve(url)
    yield url, base
    srv.should_exit = True
    thread.join(timeout=10)


def cursor_of(html: str) -> int:
    found = re.search(r'<main class="wrap" data-live="(\d+)" data-live-every="1.0">', html)
    assert found, "the page carries no cursor to follow the store with"
    return int(found.group(1))


def test_the_endpoint_the_pages_poll_reports_what_another_process_stored(running, tmp_path):
    url, base = running
    [dam] = stories(url).values()
    with httpx.Client(base_url=base, timeout=30) as client:
        cursor = cursor_of(client.get("/").text)
        assert cursor_of(client.get(f"/stories/{dam['id']}").text) == cursor
        quiet = client.get("/api/changes", params={"after": cursor})
        assert quiet.status_code == 200 and quiet.headers["cache-control"] == "no-store"
        assert quiet.json() == {"cursor": cursor, "stories": [], "more": False}

        ingest(url, second_batch(tmp_path))
        after = stories(url)
        answer = client.get("/api/changes", params={"after": cursor}).json()
        changed = {s["id"]: s for s in answer["stories"]}
        # Both stories changed: the dam story grew, the fire is new; as stored.
        assert set(changed) == set(after) and len(after) == 2, (changed, after)
        assert changed[dam["id"]]["size"] == after[dam["id"]]["articles"].__len__() == 4
        fire = next(s for sid, s in changed.items() if sid != dam["id"])
        assert fire["size"] == 1 and fire["title"] == after[fire["id"]]["title"]
        assert answer["cursor"] > cursor and not answer["more"]
        assert [s["seq"] for s in answer["stories"]] == sorted(
            (s["seq"] for s in answer["stories"]), reverse=True)
        # The next poll with the new cursor: nothing more; a poll with no cursor: the cursor.
        again = client.get("/api/changes", params={"after": answer["cursor"]}).json()
        assert again["stories"] == [] and again["cursor"] == answer["cursor"]
        assert client.get("/api/changes").json()["cursor"] == answer["cursor"]
        assert client.get("/api/changes", params={"after": -1}).status_code == 422

        # What the page then fetches (its own address, made fresh by the cursor) lists the
        # new story, its title escaped.
        page = client.get("/", params={"live": answer["cursor"]}).text
        assert f'data-story="{fire["id"]}"' in page
        assert "&lt;img src=x onerror=" in page and XSS not in page
        assert cursor_of(page) == answer["cursor"]


def test_a_limit_lists_the_newest_changes_and_says_there_are_more(running, tmp_path):
    url, base = running
    with httpx.Client(base_url=base, timeout=30) as client:
        ingest(url, second_batch(tmp_path))
        full = client.get("/api/changes", params={"after": 0}).json()
        one = client.get("/api/changes", params={"after": 0, "limit": 1}).json()
    assert len(full["stories"]) == 2 and not full["more"]
    assert one["more"] and one["stories"] == full["stories"][:1]
    assert one["cursor"] == full["cursor"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is "
                                   "not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.mark.browser
def test_the_list_and_a_story_page_update_themselves(running, tmp_path, browser):
    url, base = running
    [dam] = stories(url).values()
    listing, story = browser.new_page(), browser.new_page()
    listing.goto(base + "/")
    story.goto(f"{base}/stories/{dam['id']}")
    for page in (listing, story):  # gone if the page reloads
        page.evaluate("window.__same_page = 'yes'")
    assert listing.locator("ol.stories li.story").count() == 1
    assert story.locator("#articles ol.articles > li").count() == 2

    ingest(url, second_batch(tmp_path))

    listing.wait_for_selector("ol.stories li.story.changed", timeout=30_000)
    shows(listing, "ol.stories li.story.changed", 2)
    assert listing.locator("ol.stories li.story").count() == 2
    fire = listing.locator("ol.stories li.story a.title", has_text="Forest fire near Tellwick")
    assert fire.inner_text() == f"{XSS}Forest fire near Tellwick"  # shown as text
    assert listing.locator("h1").first.inner_text().startswith("2 stories")
    assert "new or updated just now" in listing.locator(".live-note").inner_text()

    shows(story, "#articles ol.articles > li", 4)
    assert "4 articles" in story.locator("#story-head").inner_text()
    assert story.locator(".live-note").inner_text() == "This story was updated just now."
    for page in (listing, story):
        assert page.evaluate("window.__same_page") == "yes"  # updated, not reloaded
        assert page.evaluate("window.__pwned") is None  # the markup in a title never ran
    ARTIFACTS.mkdir(exist_ok=True)
    listing.screenshot(path=str(ARTIFACTS / "live-story-list.png"), full_page=True)
    listing.close()
    story.close()


def test_changed_stories_after_a_stamp_on_both_backends(store):
    from sqlalchemy import insert

    from storyline.store import schema
    from storyline.store.changes import changed_stories, story_cursor

    with store.begin() as conn:
        # executemany takes its columns from the first row: every row names them all.
        conn.execute(insert(schema.stories), [{"merged_into": None, **row} for row in [
            {"id": "old", "title": "Old", "size": 2, "sources": [], "entities": [],
             "updated_seq": 5},
            {"id": "grown", "title": "Grown", "size": 3, "sources": ["A"], "entities": [],
             "updated_seq": 9},
            {"id": "gone", "title": "Gone", "size": 1, "sources": [], "entities": [],
             "updated_seq": 9, "merged_into": "grown"},
            {"id": "new", "title": "New", "size": 1, "sources": [], "entities": [],
             "updated_seq": 7},
        ]])
    assert story_cursor(store) == 9
    found = changed_stories(store, after=5)
    assert found.cursor == 9 and not found.more
    assert [(s.id, s.seq, s.merged_into) for s in found.stories] == [
        ("gone", 9, "grown"), ("grown", 9, None), ("new", 7, None)]
    assert changed_stories(store, after=9).stories == []
    # A cursor from another store (or one emptied since) is answered with this one's.
    assert changed_stories(store, after=1000).cursor == 9


def newest_sentence_digest(store, story_id: str):
    """A digest whose summary is the first sentence of the story's newest article (real
    offsets): enough to see which version of the story a page shows."""
    from storyline.model import Citation, Digest

    story = store.get_story(story_id)
    newest = max((r.article for r in store.get_articles(story.articles)),
                 key=lambda a: a.published)
    end = newest.text.index(". ") + 1
    return Digest(story_id, summary=[Citation(newest.text[:end], newest.id, 0, end,
                                              [newest.id])])


@pytest.mark.browser
def test_a_story_page_shows_new_articles_at_once_and_the_new_summary_when_built(
        tmp_path, monkeypatch, browser):
    monkeypatch.setenv(LIVE_ENV, "1")
    gate = threading.Event()

    def builder(store, story_id):
        if len(store.get_story(story_id).articles) > 2:
            assert gate.wait(120), "the test never let the digest be built"
        return newest_sentence_digest(store, story_id)

    url = f"sqlite:///{tmp_path / 'store.db'}"
    ingest(url, write_rows(tmp_path / "first.jsonl", FIRST))
    [dam] = stories(url).values()
    srv, thread, base = serve(url, builder)
    try:
        page = browser.new_page()
        page.goto(f"{base}/stories/{dam['id']}")
        page.wait_for_selector("#summary ol.summary li", timeout=30_000)
        old_summary = page.locator("#summary").inner_text()
        assert "Floodwater from the broken Brennick Dam" in old_summary  # FIRST's newest
        page.evaluate("window.__same_page = 'yes'")

        ingest(url, write_rows(tmp_path / "second.jsonl", SECOND))
        # The articles at once, the summary kept while the new one is built ...
        shows(page, "#articles ol.articles > li", 4)
        assert page.locator(".live-note").inner_text() == (
            "New articles in this story; the summary is being updated.")
        assert page.locator("#summary").inner_text() == old_summary
        # ... and the new summary once it is ready, still without a reload.
        gate.set()
        page.wait_for_selector("#summary >> text=The European Union offered", timeout=60_000)
        assert page.locator(".live-note").inner_text() == "This story was updated just now."
        assert page.evaluate("window.__same_page") == "yes"
        page.close()
    finally:
        gate.set()
        srv.should_exit = True
        thread.join(timeout=10)


def test_live_modules_examples():
    import doctest

    from storyline.serve import live
    from storyline.store import changes

    for module in (live, changes):
        assert doctest.testmod(module).failed == 0, module.__name__
