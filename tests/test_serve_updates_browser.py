"""In a real browser: "new since your last visit" after a second ingest, the "new" mark on the
story list, and the outlet matrix of the demo's flood story with the right marks.

Playwright drives Debian's chromium (skips with the reason where either is missing).
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import threading
import time
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import insert
from test_serve_browser import ARGS, ARTIFACTS, CHROMIUM, free_port
from updates_support import FIRST, SECOND, write_rows

from storyline.ingest.jsonl import read_jsonl
from storyline.ingest.runner import ingest_paths
from storyline.model import Citation, Digest
from storyline.serve import ServeConfig, create_app
from storyline.serve.digests import DigestCache
from storyline.store import open_store, schema

pytestmark = pytest.mark.browser

CORPUS = Path(str(resources.files("storyline.demo") / "articles.jsonl"))
FLOOD_WIRE = "https://northgatewire.example/2025/03/10/lake-harmon-floods-brandon-millbrook"
REPUBLISHERS = ("Harbor Ledger", "Valecrest Times", "Riverside Courier")

def _serve(app):
    import uvicorn

    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(),
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start within 20 s")
        time.sleep(0.05)
    return srv, thread, f"http://127.0.0.1:{srv.config.port}"


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


@pytest.fixture(scope="module")
def dam(tmp_path_factory):
    """A store with the dam story's first day ingested (real stories and digests)."""
    from storyline.stories import make_assigner

    folder = tmp_path_factory.mktemp("dam")
    url = f"sqlite:///{folder / 'store.db'}"
    store = open_store(url)
    ingest_paths(store, [write_rows(folder / "first.jsonl", FIRST)], assigner=make_assigner(store))
    app = create_app(ServeConfig(db_url=url, cache_seconds=0, digest_wait=120), store=store)
    srv, thread, base = _serve(app)
    yield store, folder, base
    srv.should_exit = True
    thread.join(timeout=10)
    store.close()


def test_new_since_your_last_visit_after_a_second_ingest(dam, browser):
    from storyline.stories import make_assigner

    store, folder, base = dam
    (story,) = store.list_stories()
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + "/")
    assert page.locator("ol.stories li.story .new-mark").first.is_hidden()
    page.click("ol.stories a.title")
    page.wait_for_url(f"**/stories/{story.id}")
    assert page.locator("#new-since").is_hidden()  # a first visit: nothing to compare with
    assert page.evaluate(f"localStorage.getItem('storyline.visit.{story.id}')")

    ingest_paths(store, [write_rows(folder / "second.jsonl", SECOND)],
                 assigner=make_assigner(store))
    (after,) = store.list_stories()
    assert after.id == story.id and len(after.articles) == 4

    page.goto(base + "/")
    assert page.locator("ol.stories li.story .new-mark").first.is_visible()
    page.goto(base + f"/stories/{story.id}")
    block = page.locator("#new-since")
    block.wait_for(state="visible", timeout=120_000)
    text = block.inner_text()
    assert "New since your last visit" in text and "2 new articles" in text
    assert "inquiry" in text or "million euros" in text
    assert "fourteen" not in text  # what the first visit already told
    assert block.locator("a.chip").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-new-since.png"), full_page=True)
    # The visit is remembered: the next visit has nothing new to show.
    page.reload()
    page.wait_for_timeout(500)
    assert block.is_hidden()
    assert errors == []
    page.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo corpus (duplicates recognized), with the flood event as one story whose
    digest cites the wire's lead and the Meridian Post's toll."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'store.db'}"
    store = open_store(url)
    ingest_paths(store, [CORPUS])
    flood = [a for a in read_jsonl(CORPUS) if a.extra["event"] == "lake-harmon-flood"]
    rows = store.get_articles([a.id for a in flood])
    originals = [r.article for r in rows if not r.duplicate_of]
    with store.begin() as conn:
        conn.execute(insert(schema.stories).values(
            id="s-flood", title="Lake Harmon flood", size=len(originals),
            first_published=min(a.published for a in originals),
            last_published=max(a.published for a in originals),
            sources=sorted({a.source for a in originals}), entities=[], updated_seq=0))
        for a in originals:
            conn.execute(insert(schema.memberships).values(article_id=a.id, story_id="s-flood"))
    wire = next(a for a in originals if a.url == FLOOD_WIRE)
    meridian = next(a for a in originals if a.source == "Meridian Post"
                    and "Twenty-five people died" in a.text)
    lead_end = wire.text.index(".") + 1
    t0 = meridian.text.index("Twenty-five people died")
    t1 = meridian.text.index(".", t0) + 1

    def builder(_store, story_id: str) -> Digest:
        return Digest(story_id, summary=[
            Citation(wire.text[:lead_end], wire.id, 0, lead_end, [wire.id]),
            Citation(meridian.text[t0:t1], meridian.id, t0, t1, [meridian.id])])

    app = create_app(ServeConfig(db_url=url, cache_seconds=0, digest_wait=120), store=store)
    app.state.digests = DigestCache(store, builder)
    srv, thread, base = _serve(app)
    yield base, originals
    srv.should_exit = True
    thread.join(timeout=10)
    store.close()


def test_outlet_matrix_on_the_demo_flood_story(demo, browser):
    base, originals = demo
    page = browser.new_page(viewport={"width": 1000, "height": 1200})
    page.goto(base + "/stories/s-flood")
    section = page.locator("#outlets")
    assert section.is_visible()
    first = min(originals, key=lambda a: a.published)
    assert section.locator(".first-reporter").inner_text() == first.source == "Northgate Wire"
    assert section.locator("li.republication").count() == 3
    for outlet in REPUBLISHERS:
        item = section.locator("li.republication", has_text=outlet)
        assert item.count() == 1 and "Northgate Wire" in item.inner_text()

    def marks(row: int) -> dict[str, str]:
        found = {}
        cells = section.locator(f"svg.matrix rect[data-row='{row}']")
        for i in range(cells.count()):
            cell = cells.nth(i)
            found[cell.get_attribute("data-outlet")] = cell.get_attribute("class").split()[-1]
        return found

    lead, toll = marks(1), marks(2)
    assert lead["Northgate Wire"] == "reports"
    assert all(lead[o] == "republishes" for o in REPUBLISHERS)
    assert lead["Meridian Post"] == "none" and lead["Lantern Herald"] == "none"
    assert toll["Meridian Post"] == "reports"
    assert [o for o, m in toll.items() if m != "none"] == ["Meridian Post"]
    # The drawn marks are what the API says.
    api = page.request.get(base + "/api/stories/s-flood/outlets").json()
    assert api["statements"][0]["outlets"] == {o: m for o, m in lead.items() if m != "none"}
    ARTIFACTS.mkdir(exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / "story-outlets.png"))
    page.close()


def test_feed_links_on_the_story_page(demo, browser):
    base, _ = demo
    page = browser.new_page()
    page.goto(base + "/stories/s-flood")
    href = page.locator("link[rel=alternate][type='application/atom+xml']").get_attribute("href")
    assert href == "/stories/s-flood/feed.atom"
    assert page.request.get(base + href).status == 200
    page.close()
