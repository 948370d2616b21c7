"""``storyline watch`` against local HTTP servers (loopback allowed only by this test's
setting): feeds that change between polls, conditional requests answered 304, a host that
times out, one that answers 429, a redirect loop, a malformed feed, robots.txt; then
``storyline sources``. Each "host" is its own server on 127.0.0.1 (its own port)."""

from __future__ import annotations

import doctest
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from storyline.ingest import urls

CLI = [sys.executable, "-c", "from storyline.cli import main; main()"]
PAGE = """<!DOCTYPE html><html><head><title>{title}</title>
<meta property="og:site_name" content="Local News"></head><body><article><h1>{title}</h1>
<p>{body}</p><p>Officials in the region said the work would continue through the week, and
residents were asked to follow the advice of the emergency services.</p></article></body></html>"""
BODIES = {
    "a1": "Heavy rain flooded the valley town of Arden on Monday, closing the main bridge.",
    "a2": "The central bank of Norland raised its interest rate by half a point on Tuesday.",
    "a3": "Firefighters contained a forest fire near the coastal village of Brill overnight.",
    "b1": "A new metro line opened in the capital of Westmark, linking the airport.",
    "s1": "Farmers in the eastern plains reported the best wheat harvest in a decade.",
}
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


def rss(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed; items are (guid, link, description)."""
    body = "".join(f"<item><guid>{g}</guid><title>Story {g}</title><link>{link}</link>"
                   f"<description>{d}</description>"
                   f"<pubDate>Mon, 0{i + 1} Jan 2024 10:00:00 GMT</pubDate></item>"
                   for i, (g, link, d) in enumerate(items))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"{body}</channel></rss>").encode()


class Site:
    """One local "host": a server whose answers the test sets, counting every request."""

    def __init__(self, answer) -> None:
        self.answer = answer  # (handler, path) -> (status, headers, body)
        self.requests: Counter = Counter()
        self.not_modified: Counter = Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                site.requests[self.path] += 1
                status, headers, body = site.answer(self, self.path)
                if status == 304:
                    site.not_modified[self.path] += 1
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (the slow host)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def allow_loopback(monkeypatch):
    """This test's explicit setting: fetching from 127.0.0.1 is allowed."""
    monkeypatch.setenv(urls.ALLOW_PRIVATE_ENV, "1")


@pytest.fixture
def sites():
    made: list[Site] = []

    def make(answer) -> Site:
        made.append(Site(answer))
        return made[-1]

    yield make
    for site in made:
        site.close()


def news_site(sites, version: dict):
    """The good host: two feeds (one changes between polls), pages, robots.txt, a malformed
    feed and a redirect loop."""

    def answer(handler, path):
        base = site.base
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
        if path == "/news.xml":
            etag = f'"news-v{version["news"]}"'
            if handler.headers.get("If-None-Match") == etag:
                return 304, {"ETag": etag}, b""
            items = [("a1", f"{base}/articles/a1.html", "Rain in Arden."),
                     ("a2", f"{base}/articles/a2.html", "Rates up in Norland."),
                     ("p1", f"{base}/private/p1.html",
                      "Police in Westmark closed the old harbour road after a landslide.")]
            if version["news"] >= 2:
                items.insert(0, ("a3", f"{base}/articles/a3.html", "Fire near Brill."))
            return 200, {"Content-Type": "application/rss+xml", "ETag": etag}, \
                rss("Local News", items)
        if path == "/business.xml":
            if handler.headers.get("If-Modified-Since") == LAST_MODIFIED:
                return 304, {"Last-Modified": LAST_MODIFIED}, b""
            return 200, {"Content-Type": "application/rss+xml", "Last-Modified": LAST_MODIFIED}, \
                rss("Business", [("b1", f"{base}/articles/b1.html", "Metro opens.")])
        if path.startswith("/articles/"):
            key = path.rsplit("/", 1)[1].removesuffix(".html")
            page = PAGE.format(title=f"Story {key}", body=BODIES[key])
            return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()
        if path == "/sitemap.xml":
            return 200, {"Content-Type": "application/xml"}, (
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{base}/articles/s1.html</loc><lastmod>2024-01-05</lastmod></url>"
                "</urlset>").encode()
        if path == "/broken.xml":
            return 200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item><titl"
        if path in ("/loop", "/loop2"):
            return 302, {"Location": "/loop2" if path == "/loop" else "/loop"}, b""
        return 404, {}, b"not here"

    site = sites(answer)
    return site


def slow_answer(handler, path):
    time.sleep(3.0)
    return 200, {"Content-Type": "text/plain"}, b""


def busy_answer(handler, path):
    return 429, {"Retry-After": "3600"}, b"slow down"


def run_cli(*args: str):
    from storyline.cli import app

    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result


def test_watch_twice_stores_each_entry_once_and_names_every_failure(
        tmp_path, allow_loopback, sites):
    version = {"news": 1}
    news = news_site(sites, version)
    slow, busy = sites(slow_answer), sites(busy_answer)
    listing = tmp_path / "feeds.txt"
    listing.write_text("\n".join([
        "# the test's sources", f"{news.base}/news.xml", f"{news.base}/business.xml",
        f"{news.base}/sitemap.xml", f"{news.base}/broken.xml", f"{news.base}/loop",
        f"{slow.base}/feed.xml",
        f"{busy.base}/feed.xml"]) + "\n")
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    options = ["--db", db, "--once", "--interval", "0", "--delay", "0", "--timeout", "1", "-v"]

    first = run_cli("watch", str(listing), *options)
    assert first.exit_code == 0, first.output
    version["news"] = 2  # the feed changes between the polls
    second = run_cli("watch", str(listing), *options)
    assert second.exit_code == 0, second.output
    # One log line per poll: seven sources the first time; the four failing ones back off.
    assert first.stderr.count("watch http") == 7, first.stderr
    assert second.stderr.count("watch http") == 3, second.stderr
    assert "business.xml: not modified" in second.stderr
    assert "digests: " in first.stderr  # the stories the poll changed have their digests

    from storyline.store import open_store

    store = open_store(db)
    rows = store.list_articles(limit=None)
    by_url = Counter(r.article.url for r in rows)
    expected = {f"{news.base}/articles/{k}.html" for k in ("a1", "a2", "a3", "b1", "s1")}
    expected.add(f"{news.base}/private/p1.html")  # from the feed's text: robots forbid it
    assert set(by_url) == expected and max(by_url.values()) == 1, by_url
    private = next(r.article for r in rows if "/private/" in r.article.url)
    assert "landslide" in private.text
    for key in ("a1", "a2", "a3", "b1", "s1"):
        article = next(r.article for r in rows if r.article.url.endswith(f"/{key}.html"))
        assert BODIES[key][:40] in article.text  # the page's text, not the feed's summary

    # Nothing fetched twice: each page once, the forbidden one never, robots.txt once per
    # host; the unchanged feeds were asked conditionally and answered 304.
    for key in ("a1", "a2", "a3", "b1", "s1"):
        assert news.requests[f"/articles/{key}.html"] == 1
    assert news.requests["/private/p1.html"] == 0
    assert news.requests["/robots.txt"] == 1
    assert news.not_modified["/business.xml"] == 1 and news.requests["/business.xml"] == 2
    assert news.requests["/news.xml"] == 2 and news.not_modified["/news.xml"] == 0
    assert busy.requests["/feed.xml"] == 1 and news.requests["/broken.xml"] == 1
    assert slow.requests["/robots.txt"] == 1 and slow.requests["/feed.xml"] == 0

    # Every article belongs to exactly one story.
    stories = json.loads(run_cli("stories", "--db", db, "--format", "json").stdout)
    members = Counter(a for s in stories for a in s["articles"])
    assert set(members) == {r.article.id for r in rows} and max(members.values()) == 1

    listed = json.loads(run_cli("sources", "--db", db, "--format", "json").stdout)
    health = {s["url"]: s for s in listed}
    assert len(health) == 7
    for path in ("/news.xml", "/business.xml", "/sitemap.xml"):
        assert health[news.base + path]["health"] == "ok"
        assert health[news.base + path]["error_count"] == 0
    assert health[f"{news.base}/news.xml"]["articles_stored"] == 4
    failures = {
        f"{news.base}/broken.xml": "not a feed",
        f"{news.base}/loop": "more than 5 redirects",
        f"{slow.base}/feed.xml": "no answer within 1 s",
        f"{busy.base}/feed.xml": "HTTP 429",
    }
    for url, problem in failures.items():
        assert health[url]["health"] == "failing", health[url]
        assert problem in health[url]["last_error"], health[url]
    due = health[f"{busy.base}/feed.xml"]
    waited = (_time(due["next_due"]) - _time(due["last_fetch"]))
    assert waited >= 3600 - 1  # the Retry-After is obeyed
    text = run_cli("sources", "--db", db).stdout
    assert "failing" in text and "HTTP 429" in text


def _time(value: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(value).timestamp()


def test_watch_refuses_loopback_without_the_setting(tmp_path, sites, monkeypatch):
    monkeypatch.delenv(urls.ALLOW_PRIVATE_ENV, raising=False)
    monkeypatch.setattr(urls, "ALLOW_PRIVATE", False)
    news = news_site(sites, {"news": 1})
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    result = run_cli("watch", f"{news.base}/news.xml", "--db", db, "--once", "--no-stories")
    # every source polled failed: --once says so in one line and exits 1 (for cron)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "storyline: error: watch: all 1 source(s) polled failed; see storyline sources")
    assert sum(news.requests.values()) == 0  # not even robots.txt
    [state] = json.loads(run_cli("sources", "--db", db, "--format", "json").stdout)
    assert state["health"] == "failing" and "non-public address" in state["last_error"]


def test_watch_bad_sources_are_one_line_errors(tmp_path):
    missing = run_cli("watch", str(tmp_path / "nope.txt"), "--db", str(tmp_path / "x.db"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    bad = tmp_path / "feeds.txt"
    bad.write_text("https://example.org/rss\nnot a url\n")
    result = subprocess.run([*CLI, "watch", str(bad), "--db", str(tmp_path / "x.db")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{bad}:2: not an http(s) URL" in result.stderr


def test_sigkill_during_watch_then_restart_loses_and_duplicates_nothing(
        tmp_path, allow_loopback, sites):
    """A watch killed while it stores is restarted: every entry ends up stored once."""
    feeds = {f"f{n}": [f"f{n}e{m}" for m in range(6)] for n in range(4)}

    def answer(handler, path):
        if path.startswith("/f") and path.endswith(".xml"):
            name = path[1:-4]
            items = [(e, f"{site.base}/p/{e}.html", f"Summary {e}.") for e in feeds[name]]
            return 200, {"Content-Type": "application/rss+xml"}, rss(f"Feed {name}", items)
        if path.startswith("/p/"):
            time.sleep(0.05)
            key = path[3:-5]
            body = (f"Report {key}: the council of district {key} voted on the budget for "
                    f"project {key}, which covers roads and schools in the {key} area.")
            return 200, {"Content-Type": "text/html"}, \
                PAGE.format(title=f"Report {key}", body=body).encode()
        return 404, {}, b""

    site = sites(answer)
    db_file = tmp_path / "watch.db"
    args = [*CLI, "watch", *[f"{site.base}/{n}.xml" for n in feeds], "--db", str(db_file),
            "--interval", "0", "--delay", "0", "--no-stories"]
    env = {**os.environ, urls.ALLOW_PRIVATE_ENV: "1"}
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and stored == 0:
            time.sleep(0.05)
            stored = _count(db_file)
        assert stored > 0, "the first watch stored nothing in time"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    killed_at = _count(db_file)
    assert killed_at < 24, "the watch was not killed midway"
    result = subprocess.run(args + ["--once"], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db_file) as conn:
        urls_stored = [r[0] for r in conn.execute("SELECT url FROM articles")]
        runs = [r[0] for r in conn.execute("SELECT status FROM ingest_runs ORDER BY id")]
    entries = {f"{site.base}/p/{e}.html" for items in feeds.values() for e in items}
    assert sorted(urls_stored) == sorted(entries), (killed_at, len(urls_stored))
    assert runs[0] == "interrupted" and runs[-1] == "finished"
    # Pages stored before the kill were not fetched again.
    assert max(site.requests[f"/p/{e}.html"] for items in feeds.values() for e in items) <= 2
    assert sum(site.requests[f"/p/{e}.html"] for items in feeds.values()
               for e in items) <= len(entries) + (len(entries) - killed_at)


def _count(db_file) -> int:
    if not db_file.exists():
        return 0
    try:
        with sqlite3.connect(db_file, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_watch_modules_examples():
    from storyline.store import feeds
    from storyline.watch import entries, polite, poller, sitemaps, sources

    for module in (feeds, entries, polite, poller, sitemaps, sources):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_each_watch_polls_only_its_own_sources(tmp_path, monkeypatch):
    """Two watch processes share a store, each with its own sources (here: refused ones, so
    no server is needed); a poll of one leaves the other's state alone."""
    monkeypatch.delenv(urls.ALLOW_PRIVATE_ENV, raising=False)
    monkeypatch.setattr(urls, "ALLOW_PRIVATE", False)
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    first, second = "http://127.0.0.1:9/a.xml", "http://127.0.0.1:9/b.xml"
    run_cli("watch", first, "--db", db, "--once", "--no-stories", "--interval", "0")
    result = run_cli("watch", second, "--db", db, "--once", "--no-stories", "--interval", "0")
    assert result.stderr.count("watch http") == 1 and "b.xml" in result.stderr
    states = {s["url"]: s for s in json.loads(
        run_cli("sources", "--db", db, "--format", "json").stdout)}
    assert states[first]["error_count"] == 1 and states[second]["error_count"] == 1
    again = run_cli("watch", first, "--db", db, "--once", "--no-stories", "--interval", "0")
    assert again.stderr.count("watch http") == 0  # backing off: 60 s after one failure


def test_a_page_that_fails_for_now_is_taken_on_a_later_poll(tmp_path, allow_loopback, sites):
    """A sitemap entry (no text in the source) whose page answers 503: not taken, and the
    next poll asks for the whole sitemap again (no conditional request) and takes it."""
    state = {"page_up": False}

    def answer(handler, path):
        if path == "/sitemap.xml":
            if handler.headers.get("If-None-Match") == '"s1"':
                return 304, {"ETag": '"s1"'}, b""
            return 200, {"Content-Type": "application/xml", "ETag": '"s1"'}, (
                f"<urlset><url><loc>{site.base}/late.html</loc></url></urlset>").encode()
        if path == "/late.html":
            if not state["page_up"]:
                return 503, {}, b"busy"
            return 200, {"Content-Type": "text/html"}, PAGE.format(
                title="Late", body=BODIES["s1"]).encode()
        return 404, {}, b""

    site = sites(answer)
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    options = ["--db", db, "--once", "--interval", "0", "--delay", "0", "--no-stories", "-v"]
    first = run_cli("watch", f"{site.base}/sitemap.xml", *options)
    assert "HTTP 503" in first.stderr and "ingested 0" in first.stderr
    state["page_up"] = True
    second = run_cli("watch", f"{site.base}/sitemap.xml", *options)
    assert "ingested 1" in second.stderr, second.stderr
    assert site.not_modified["/sitemap.xml"] == 0 and site.requests["/late.html"] == 2
    [source] = json.loads(run_cli("sources", "--db", db, "--format", "json").stdout)
    assert source["health"] == "ok" and source["articles_stored"] == 1


def test_a_page_over_the_size_cap_falls_back_to_the_feed_text(tmp_path, allow_loopback, sites,
                                                              monkeypatch):
    from storyline import limits

    monkeypatch.setattr(limits, "WATCH_MAX_BYTES", 4096)

    def answer(handler, path):
        if path == "/feed.xml":
            return 200, {"Content-Type": "application/rss+xml"}, rss("Big", [
                ("big", f"{site.base}/big.html", "A short summary of a very long page.")])
        if path == "/big.html":
            return 200, {"Content-Type": "text/html"}, PAGE.format(
                title="Big", body="word " * 5000).encode()
        return 404, {}, b""

    site = sites(answer)
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    result = run_cli("watch", f"{site.base}/feed.xml", "--db", db, "--once", "--delay", "0",
                     "--no-stories", "-v")
    assert "more than 4096" in result.stderr and "used the feed's text" in result.stderr
    from storyline.store import open_store

    [row] = open_store(db).list_articles(limit=None)
    assert row.article.text == "A short summary of a very long page."
