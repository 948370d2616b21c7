"""``storyline watch`` on sitemap indexes and news sitemaps, against local HTTP servers
(loopback allowed only by this test's setting): the index's child sitemaps are fetched
through the same guard, robots.txt, politeness and caps as everything else; a child whose
``lastmod`` did not change is not fetched again; a news sitemap's publication date is the
article's date."""

from __future__ import annotations

import gzip
import json

import pytest
from test_watch import PAGE, Site, run_cli

from storyline.ingest import urls
from storyline.store import open_store
from storyline.watch import sitemaps

BODIES = {
    "n1": "The harbour authority of Kelby approved a new ferry terminal on Friday morning.",
    "n2": "Engineers began repairs on the Kelby sea wall after the storm damaged it badly.",
    "p1": "A survey found that cycling to work doubled in the town of Ossly in five years.",
    "p2": "The museum of Darrow reopened its west wing after a renovation of two years.",
    "p3": "Orchard growers near Lind reported an early blossom after a mild February.",
}
NEWS_NS = ('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"')


@pytest.fixture
def allow_loopback(monkeypatch):
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


def page(key: str) -> bytes:
    # The page states another date than the news sitemap: the sitemap's wins.
    html = PAGE.format(title=f"Story {key}", body=BODIES[key]).replace(
        "<head>", '<head><meta property="article:published_time" content="2023-12-01">')
    return html.encode()


def urlset(items: list[str]) -> bytes:
    return (f"<?xml version='1.0'?><urlset {NEWS_NS}>" + "".join(items) + "</urlset>").encode()


def news_item(base: str, key: str, when: str) -> str:
    return (f"<url><loc>{base}/a/{key}.html</loc><news:news><news:publication>"
            f"<news:name>Kelby Post</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>{when}</news:publication_date>"
            f"<news:title>Headline {key}</news:title></news:news></url>")


def index(children: list[tuple[str, str | None]]) -> bytes:
    body = "".join(f"<sitemap><loc>{loc}</loc>"
                   + (f"<lastmod>{mod}</lastmod>" if mod else "") + "</sitemap>"
                   for loc, mod in children)
    return (f"<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/"
            f"sitemap/0.9'>{body}</sitemapindex>").encode()


def test_an_index_is_followed_to_its_sitemaps_politely_and_each_page_taken_once(
        tmp_path, allow_loopback, sites):
    state = {"round": 1}

    def answer(handler, path):
        base = site.base
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
        if path == "/sitemap_index.xml":
            news_mod = "2024-01-06" if state["round"] == 1 else "2024-01-07T09:00:00Z"
            return 200, {"Content-Type": "application/xml", "ETag": '"i1"'}, index([
                ("/news-sitemap.xml", news_mod), ("/pages.xml.gz", "2024-01-04"),
                ("/private/sitemap.xml", "2024-01-05"), ("file:///etc/passwd", "2024-01-05"),
                ("/latest.xml", None)])
        if path == "/news-sitemap.xml":
            items = [news_item(base, "n1", "2024-01-05T08:30:00Z")]
            if state["round"] >= 2:
                items.append(news_item(base, "n2", "2024-01-07T07:15:00+01:00"))
            return 200, {"Content-Type": "application/xml"}, urlset(items)
        if path == "/pages.xml.gz":  # a gzipped sitemap served as it is stored
            return 200, {"Content-Type": "application/x-gzip"}, gzip.compress(urlset([
                f"<url><loc>{base}/a/p1.html</loc><lastmod>2024-01-03</lastmod></url>",
                f"<url><loc>{base}/private/p9.html</loc></url>",
                # refused by the guard for good: not retried (so this sitemap is done)
                "<url><loc>ftp://files.example/p.html</loc></url>"]))
        if path == "/latest.xml":
            keys = ["p2"] if state["round"] == 1 else ["p2", "p3"]
            return 200, {"Content-Type": "application/xml"}, urlset(
                [f"<url><loc>{base}/a/{k}.html</loc></url>" for k in keys])
        if path.startswith("/a/"):
            return 200, {"Content-Type": "text/html"}, page(path[3:-5])
        return 404, {}, b""

    site = sites(answer)
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    source = f"{site.base}/sitemap_index.xml"
    options = ["--db", db, "--once", "--interval", "0", "--delay", "0", "--no-stories", "-v"]
    first = run_cli("watch", source, *options)
    assert first.exit_code == 0, first.output
    state["round"] = 2  # the news sitemap and the undated one grow; the gzipped one does not
    second = run_cli("watch", source, *options)
    assert second.exit_code == 0, second.output

    rows = {r.article.url.rsplit("/", 1)[1]: r.article
            for r in open_store(db).list_articles(limit=None)}
    assert sorted(rows) == ["n1.html", "n2.html", "p1.html", "p2.html", "p3.html"]
    for key in BODIES:
        assert BODIES[key][:40] in rows[f"{key}.html"].text
    # The news sitemap's publication dates, not the page's 2023-12-01 (nor a lastmod).
    assert rows["n1.html"].published.isoformat() == "2024-01-05T08:30:00+00:00"
    assert rows["n2.html"].published.isoformat() == "2024-01-07T06:15:00+00:00"
    assert rows["p1.html"].published.date().isoformat() == "2023-12-01"  # the page's own

    requests = site.requests
    for key in BODIES:
        assert requests[f"/a/{key}.html"] == 1, key  # every page once
    assert requests["/private/p9.html"] == 0 and requests["/private/sitemap.xml"] == 0
    assert requests["/robots.txt"] == 1
    assert requests["/news-sitemap.xml"] == 2  # its lastmod changed
    assert requests["/pages.xml.gz"] == 1  # unchanged lastmod: not fetched again
    assert requests["/latest.xml"] == 2  # no lastmod: read every poll
    assert requests["/sitemap_index.xml"] == 2 and site.not_modified["/sitemap_index.xml"] == 0
    assert "5 sitemaps: 3 read, 0 unchanged, 2 failed; 5 entries, 5 new" in first.stderr
    assert "5 sitemaps: 2 read, 1 unchanged, 2 failed; 4 entries, 2 new" in second.stderr
    assert "forbidden by robots.txt" in first.stderr
    assert "only http and https URLs are fetched" in first.stderr

    [listed] = json.loads(run_cli("sources", "--db", db, "--format", "json").stdout)
    assert listed["health"] == "ok" and listed["articles_stored"] == 5
    # The children that failed are named, though the source as a whole works.
    assert listed["last_error"].startswith("2 of its sitemaps failed: ")
    assert "/private/sitemap.xml" in listed["last_error"]


def test_an_index_with_more_sitemaps_than_one_poll_reads_goes_on_next_poll(
        tmp_path, allow_loopback, sites, monkeypatch):
    monkeypatch.setattr(sitemaps, "MAX_SITEMAPS_PER_POLL", 2)
    days = {"s1": "2024-01-01", "s2": "2024-01-02", "s3": "2024-01-03"}
    pages = {"s1": "p1", "s2": "p2", "s3": "p3"}

    def answer(handler, path):
        if path == "/index.xml":
            return 200, {"Content-Type": "application/xml"}, index(
                [(f"/{name}.xml", day) for name, day in days.items()])
        if path[1:-4] in days:
            return 200, {"Content-Type": "application/xml"}, urlset(
                [f"<url><loc>{site.base}/a/{pages[path[1:-4]]}.html</loc></url>"])
        if path.startswith("/a/"):
            return 200, {"Content-Type": "text/html"}, page(path[3:-5])
        return 404, {}, b""

    site = sites(answer)
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    options = ["--db", db, "--once", "--interval", "3600", "--delay", "0", "--no-stories"]
    first = run_cli("watch", f"{site.base}/index.xml", *options)
    assert "more next poll" in first.stderr, first.stderr
    # The newest two first; the third next poll, which is due at once.
    assert site.requests["/s3.xml"] == site.requests["/s2.xml"] == 1
    assert site.requests["/s1.xml"] == 0
    second = run_cli("watch", f"{site.base}/index.xml", *options)
    assert "ingested 1" in second.stderr, second.stderr
    assert [site.requests[f"/s{n}.xml"] for n in (1, 2, 3)] == [1, 1, 1]
    third = run_cli("watch", f"{site.base}/index.xml", *options)
    assert third.stderr.count("watch http") == 0  # now it waits the interval
    assert len(open_store(db).list_articles(limit=None)) == 3


def test_an_index_whose_sitemaps_all_fail_is_a_failing_source(tmp_path, allow_loopback,
                                                               sites):
    def answer(handler, path):
        if path == "/index.xml":
            return 200, {"Content-Type": "application/xml"}, index(
                [("/gone.xml", "2024-01-01"), ("/broken.xml", None)])
        if path == "/broken.xml":
            return 200, {"Content-Type": "application/xml"}, b"\x1f\x8bnot gzip"
        return 404, {}, b""

    site = sites(answer)
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    result = run_cli("watch", f"{site.base}/index.xml", "--db", db, "--once", "--delay", "0",
                     "--no-stories")
    assert result.exit_code == 1, result.stderr
    [listed] = json.loads(run_cli("sources", "--db", db, "--format", "json").stdout)
    assert listed["health"] == "failing"
    assert listed["last_error"].startswith("none of its 2 sitemaps could be read")


def test_sigkill_while_reading_an_index_then_restart_loses_and_duplicates_nothing(
        tmp_path, sites):
    """A watch of a sitemap index killed while it stores, then run again: every page
    stored once, none fetched more than twice, every child sitemap marked taken."""
    import os
    import signal
    import sqlite3
    import subprocess
    import time

    from test_watch import CLI, _count

    children = {f"c{n}": [f"c{n}p{m}" for m in range(6)] for n in range(3)}

    def answer(handler, path):
        if path == "/index.xml":
            return 200, {"Content-Type": "application/xml"}, index(
                [(f"/{name}.xml", f"2024-01-0{i + 1}") for i, name in enumerate(children)])
        if path[1:-4] in children:
            return 200, {"Content-Type": "application/xml"}, urlset(
                [f"<url><loc>{site.base}/p/{k}.html</loc></url>" for k in children[path[1:-4]]])
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
    args = ["watch", f"{site.base}/index.xml", "--db", str(db_file), "--interval", "0",
            "--delay", "0", "--no-stories"]
    env = {**os.environ, urls.ALLOW_PRIVATE_ENV: "1"}
    # Two new entries per poll (a limit lowered in the killed process): the index takes
    # nine polls, each stored on its own, so the kill lands midway.
    capped = [CLI[0], "-c", "from storyline import limits; limits.WATCH_MAX_NEW_ENTRIES = 2; "
              "from storyline.cli import main; main()"]
    process = subprocess.Popen([*capped, *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _count(db_file) < 3:
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    killed_at = _count(db_file)
    assert 0 < killed_at < 18, killed_at
    done = subprocess.run([*CLI, *args, "--once"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db_file) as conn:
        stored = [r[0] for r in conn.execute("SELECT url FROM articles")]
    pages = [k for keys in children.values() for k in keys]
    assert sorted(stored) == sorted(f"{site.base}/p/{k}.html" for k in pages)
    assert max(site.requests[f"/p/{k}.html"] for k in pages) <= 2
    again = subprocess.run([*CLI, *args, "--once"], capture_output=True, text=True, env=env,
                           timeout=120)
    assert "3 sitemaps: 0 read, 3 unchanged" in again.stderr, again.stderr
