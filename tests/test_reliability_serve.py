"""Regression tests for what a probe of the HTTP API broke (issue 17, failures 9 and 10): the
token before the body, bounded bodies and paging, HEAD, the docs page's CSP, waits that hold
no thread, a clear answer while another process writes, and `serve` on a busy port."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from test_serve_support import builder, fill
from typer.testing import CliRunner

from storyline import limits
from storyline.serve import ServeConfig, create_app
from storyline.serve.digests import DigestCache

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_app(url: str, **config):
    store = fill(url)
    app = create_app(ServeConfig(db_url=url, token=TOKEN, cache_seconds=0, **config),
                     store=store)
    app.state.digests = DigestCache(store, builder)
    return app


@pytest.fixture
def client(sqlite_url):
    with TestClient(make_app(sqlite_url)) as c:
        yield c


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """The application under uvicorn in a thread (real sockets, real thread pool)."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the test server did not start"
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def test_the_token_is_checked_before_the_body_is_read(client):
    # Bad JSON without a token was parsed first (422); a body is not even read now.
    assert client.post("/api/ingest", content=b"{not json").status_code == 401
    assert client.post("/api/ingest", content=b"[" * 100_000,
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/api/ingest", content=b"{not json", headers=AUTH).status_code == 400
    deep = client.post("/api/ingest", content=b"[" * 5000 + b"]" * 5000, headers=AUTH)
    assert deep.status_code == 400 and "nested" in deep.json()["detail"]
    invalid = client.post("/api/ingest", json=[{"title": "no text"}], headers=AUTH)
    assert invalid.status_code == 422 and invalid.json()["detail"][0]["loc"][:2] == ["body", 0]


def test_an_unauthenticated_10mb_post_gets_401_on_a_live_server(sqlite_url):
    with LiveServer(make_app(sqlite_url)) as base:
        body = json.dumps([{"text": "x " * 1000}] * 5000).encode()
        assert len(body) > 10_000_000
        answer = httpx.post(f"{base}/api/ingest", content=body, timeout=30)
        assert answer.status_code == 401
        # The server goes on answering.
        assert httpx.get(f"{base}/api/stories", timeout=10).status_code == 200


def test_bodies_past_the_limit_and_too_many_articles_are_413(client, monkeypatch):
    monkeypatch.setattr(limits, "MAX_REQUEST_BYTES", 1000)
    big = client.post("/api/ingest", json=[{"text": "word " * 300}], headers=AUTH)
    assert big.status_code == 413 and "at most 1000" in big.json()["detail"]

    def chunks():  # no Content-Length: the limit holds while the body streams in
        for _ in range(10):
            yield b" " * 500

    assert client.post("/api/ingest", content=chunks(), headers=AUTH).status_code == 413
    monkeypatch.setattr(limits, "MAX_REQUEST_BYTES", 10**7)
    many = client.post("/api/ingest", json=[{"text": "a b c"}] * 1001, headers=AUTH)
    assert many.status_code == 413


def test_absurd_paging_is_a_4xx_not_a_500(client):
    huge = str(10**24)
    for path in ("/api/stories", "/api/articles"):
        answer = client.get(path, params={"offset": huge})
        assert answer.status_code == 422, (path, answer.text)
    assert client.get("/api/stories", params={"offset": str(limits.MAX_OFFSET)}).json()[
        "stories"] == []
    page = client.get("/", params={"page": huge})
    assert page.status_code == 400 and "past the last page" in page.text
    assert client.get("/", params={"page": "9" * 5000}).status_code == 200  # not a number


def test_head_works_where_get_does(client):
    for path in ("/", "/api/stories", "/api/stories/s-geneva", "/stories/s-geneva",
                 "/articles/a1", "/api/articles/a1", "/static/style.css", "/docs",
                 "/openapi.json", "/api/stories/nope"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == got.headers.get("content-type"), path


def test_the_docs_page_has_a_csp_and_cannot_be_framed(client):
    import base64
    import hashlib
    import re

    docs = client.get("/docs")
    policy = docs.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy.split(
        "style-src")[0]
    assert docs.headers["x-frame-options"] == "DENY"
    [script] = re.findall(r"<script>(.*?)</script>", docs.text, re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy


def test_60_waiting_requests_do_not_delay_an_unrelated_call(sqlite_url):
    release = threading.Event()

    def slow(store, story_id):
        release.wait(60)
        return builder(store, story_id)

    app = make_app(sqlite_url)
    app.state.digests = DigestCache(app.state.store, slow)
    with LiveServer(app) as base, ThreadPoolExecutor(61) as pool:
        try:
            waiting = [pool.submit(httpx.get, f"{base}/api/stories/s-geneva",
                                   params={"wait": 600}, timeout=90) for _ in range(60)]
            time.sleep(2)  # all 60 are waiting now
            started = time.monotonic()
            other = httpx.get(f"{base}/api/articles", params={"limit": 1}, timeout=60)
            took = time.monotonic() - started
            assert other.status_code == 200 and took < 5.0, took
            assert not any(w.done() for w in waiting)
        finally:
            release.set()
        answers = [w.result() for w in waiting]
    assert all(a.json()["digest_status"] == "ready" for a in answers)


def test_waiters_past_the_bound_are_answered_at_once(sqlite_url, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DIGEST_WAITERS", 0)
    release = threading.Event()
    app = make_app(sqlite_url)
    app.state.digests = DigestCache(app.state.store,
                                    lambda store, sid: release.wait(30) and builder(store, sid))
    with TestClient(app) as c:
        started = time.monotonic()
        answer = c.get("/api/stories/s-geneva", params={"wait": 60}).json()
        assert answer["digest_status"] == "pending" and time.monotonic() - started < 5
        release.set()


def test_a_post_while_another_process_writes_gets_503_not_a_500(tmp_path, monkeypatch):
    """Failure 5 through the API: a 500 after 60 s of 'database is locked'."""
    monkeypatch.setattr(limits, "API_WRITE_WAIT_SECONDS", 1.0)
    db = tmp_path / "s.db"
    with TestClient(make_app(f"sqlite:///{db}")) as c:
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            answer = c.post("/api/ingest", json=[{"text": "Rain fell on the harbour."}],
                            headers=AUTH)
        finally:
            holder.execute("COMMIT")
            holder.close()
        assert answer.status_code == 503 and "busy" in answer.json()["detail"]
        assert answer.headers["retry-after"]
        again = c.post("/api/ingest", json=[{"text": "Rain fell on the harbour."}], headers=AUTH)
        assert again.status_code == 200 and again.json()["ingested"] == 1


def test_serve_on_a_busy_port_prints_only_the_error(tmp_path):
    from storyline.cli import app

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        taken = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "s.db"),
                                         "--port", str(port)])
    assert taken.exit_code == 2 and "already in use" in taken.output
    assert "serving" not in taken.output
