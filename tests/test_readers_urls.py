"""URLs on the command line: the private-address guard, redirects re-checked, and fetching
pages and feeds from a local HTTP server (allowed only with the override)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storyline import limits
from storyline.ingest import urls
from storyline.ingest.formats import detect_format, read_path
from storyline.ingest.records import InputError
from storyline.model import Article

PAGE = b"""<!DOCTYPE html><html><head><title>Orchard harvest starts early</title>
<meta property="og:site_name" content="Valley Ledger">
<meta property="article:published_time" content="2022-09-12"></head><body>
<article><h1>Orchard harvest starts early</h1>
<p>Growers began picking apples two weeks earlier than usual after a warm summer,
the regional growers' association said on Monday.</p>
<p>The association expects a smaller crop of larger fruit this season.</p></article>
</body></html>"""

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Ledger</title>
<item><title>Road reopens</title><link>https://valley.example/road</link>
<pubDate>Mon, 12 Sep 2022 08:00:00 GMT</pubDate>
<description>The valley road reopened after repairs.</description></item>
</channel></rss>"""


class Handler(BaseHTTPRequestHandler):
    requests: list[str] = []
    redirect_to = "/page"

    def do_GET(self):  # noqa: N802 - the http.server name
        Handler.requests.append(self.path)
        routes = {"/page": ("text/html; charset=utf-8", PAGE),
                  "/feed": ("application/rss+xml", FEED),
                  "/feed-as-html": ("text/html", FEED),
                  "/data.jsonl": ("application/octet-stream", b'{"text": "From a file."}\n')}
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", Handler.redirect_to)
            self.end_headers()
            return
        if self.path not in routes:
            self.send_response(404)
            self.end_headers()
            return
        content_type, body = routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def allow_private(monkeypatch):
    monkeypatch.setenv(urls.ALLOW_PRIVATE_ENV, "1")


@pytest.fixture(autouse=True)
def no_override(monkeypatch):
    monkeypatch.delenv(urls.ALLOW_PRIVATE_ENV, raising=False)
    monkeypatch.setattr(urls, "ALLOW_PRIVATE", False)
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("ALL_PROXY", raising=False)
    monkeypatch.delenv("all_proxy", raising=False)
    Handler.requests.clear()
    Handler.redirect_to = "/page"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://127.8.9.10:8080/x", "http://[::1]/", "http://10.1.2.3/",
    "http://192.168.0.10/", "http://172.16.5.4/", "http://169.254.169.254/latest/meta-data",
    "http://localhost:9/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://[fe80::1]/",
    "http://224.0.0.1/", "http://240.0.0.1/",
])
def test_non_public_addresses_are_refused(url: str):
    with pytest.raises(urls.UnsafeURL, match="refused"):
        urls.check_url(url)


def test_public_address_passes_and_other_schemes_refused():
    urls.check_url("http://93.184.216.34/news")  # an IP literal: no DNS needed
    for bad in ("file:///etc/passwd", "ftp://93.184.216.34/x", "http:///nohost"):
        with pytest.raises(InputError):
            urls.check_url(bad)


def test_override_by_environment_and_by_module_setting(monkeypatch):
    monkeypatch.setenv(urls.ALLOW_PRIVATE_ENV, "1")
    urls.check_url("http://127.0.0.1/")
    monkeypatch.delenv(urls.ALLOW_PRIVATE_ENV)
    monkeypatch.setattr(urls, "ALLOW_PRIVATE", True)
    urls.check_url("http://localhost/")


def test_local_fetch_refused_without_override_and_nothing_requested(server):
    with pytest.raises(urls.UnsafeURL, match="127.0.0.1"):
        list(read_path(f"{server}/page"))
    assert Handler.requests == []


def test_page_fetched_with_override(server, allow_private):
    [article] = list(read_path(f"{server}/page"))
    assert isinstance(article, Article)
    assert article.title == "Orchard harvest starts early"
    assert article.text.startswith("Growers began picking apples")
    assert article.source == "Valley Ledger"
    assert article.url == f"{server}/page"
    assert article.published.date().isoformat() == "2022-09-12"


def test_url_through_pathlib_still_reads_as_url(server, allow_private):
    mangled = Path(f"{server}/page")  # what a caller holding Path objects passes
    assert detect_format(mangled) == "url"
    assert [a.title for a in read_path(mangled)] == ["Orchard harvest starts early"]


def test_feed_by_content_type_and_by_content(server, allow_private):
    for route in ("/feed", "/feed-as-html"):
        [article] = list(read_path(f"{server}{route}"))
        assert article.title == "Road reopens" and article.source == "Valley Ledger"


def test_file_format_by_url_name_and_override(server, allow_private):
    [article] = list(read_path(f"{server}/data.jsonl"))
    assert article.text == "From a file."
    [as_text] = list(read_path(f"{server}/data.jsonl", "text"))
    assert as_text.text.startswith('{"text"')


def test_redirects_followed_and_each_target_checked(server, monkeypatch):
    # Treat the test server's own address as public, so only the redirect target is judged.
    public = urls.is_public_address
    monkeypatch.setattr(urls, "is_public_address", lambda a: a == "127.0.0.1" or public(a))
    [article] = list(read_path(f"{server}/moved"))
    assert article.title == "Orchard harvest starts early"
    assert Handler.requests == ["/moved", "/page"]
    Handler.requests.clear()
    Handler.redirect_to = "http://10.0.0.7/internal"
    with pytest.raises(urls.UnsafeURL, match="10.0.0.7"):
        list(read_path(f"{server}/moved"))
    assert Handler.requests == ["/moved"]


def test_connection_itself_checks_the_address(server, monkeypatch):
    """DNS rebinding: a name that passed the first check connects to a private address."""
    monkeypatch.setattr(urls, "check_url", lambda url: None)
    with pytest.raises(urls.UnsafeURL, match="127.0.0.1"):
        list(read_path(f"{server}/page"))
    assert Handler.requests == []


def test_http_errors_and_size_limit(server, allow_private, monkeypatch):
    with pytest.raises(InputError, match="HTTP 404"):
        list(read_path(f"{server}/missing"))
    monkeypatch.setattr(limits, "URL_MAX_BYTES", 100)
    with pytest.raises(InputError, match="more than 100 "):
        list(read_path(f"{server}/page"))


def test_as_url():
    assert urls.as_url("HTTPS:/host.example/a") == "https://host.example/a"
    assert urls.as_url("https_notes.txt") is None
