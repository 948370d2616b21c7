"""The pages in a real browser: Playwright drives Debian's chromium against a live server.

Skips with the reason when chromium or the playwright package is missing. The story page's
screenshot is saved to ``test-artifacts/story-page.png`` (and a phone-width one beside it).
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from test_serve_support import XSS_TITLE, builder, fill

from storyline.serve import ServeConfig, create_app
from storyline.serve.digests import DigestCache

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    url = f"sqlite:///{tmp_path_factory.mktemp('serve') / 'store.db'}"
    store = fill(url)
    app = create_app(ServeConfig(db_url=url, cache_seconds=0), store=store)
    app.state.digests = DigestCache(store, builder)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


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


def test_list_search_story_citation_to_article_sentence(server, browser):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server + "/")
    assert page.locator("ol.stories li.story").count() == 2
    assert page.evaluate("document.querySelector('details.filterbox').open")

    # Search from the header box.
    page.fill("header input[name=q]", "ceasefire")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/?q=ceasefire")
    titles = page.locator("ol.stories a.title").all_inner_texts()
    assert titles == ["Geneva ceasefire talks"]

    page.click("text=Geneva ceasefire talks")
    page.wait_for_url("**/stories/s-geneva")
    assert page.locator("#summary ol.summary > li").count() == 2
    assert page.locator("svg.timeline circle").count() == 2
    assert "3 outlets" in page.locator("#summary").inner_text()
    # The hostile title is shown as text and its script never ran.
    page.goto(server + "/articles/a1")
    assert page.locator("h1").inner_text() == XSS_TITLE
    page.go_back()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-page.png"), full_page=True)

    # Follow the River Post chip of the second summary sentence to its own wording.
    page.locator("#summary ol.summary > li").nth(1).locator("a.chip", has_text="River Post").click()
    page.wait_for_url("**/articles/a3?*")
    mark = page.locator("mark#hl")
    assert mark.inner_text() == "The ceasefire begins Friday at noon."
    assert mark.is_visible()
    # The <img onerror> inside a3's text is text, not an element.
    assert page.locator("article img").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert errors == []
    page.close()


def test_story_page_fits_a_phone(server, browser):
    page = browser.new_page(viewport={"width": 375, "height": 800}, device_scale_factor=2)
    page.goto(server + "/stories/s-geneva")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px screen"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-page-phone.png"), full_page=True)
    page.goto(server + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The filters fold away on a phone, so the stories come first.
    assert not page.evaluate("document.querySelector('details.filterbox').open")
    assert page.locator("ol.stories li.story").first.is_visible()
    page.close()



def test_api_docs_render_under_their_content_security_policy(server, browser):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/ingest" in paths and "/api/stories" in paths
    assert violations == []
    page.close()
