"""Several writers on one store at once (issue 17's concurrency suite): two CLI ingests on
SQLite, a CLI ingest beside API requests on SQLite and PostgreSQL, `serve --workers 2` with
POSTs to both workers, and a short soak (ingest while 50 connections read). Whatever the
interleaving: the counts, story memberships and sources equal a single writer's.

Uses the fictional demo corpus that ships with the package (its articles name their event).
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from test_reliability_store import consistent_stories, near_copy

from storyline.ingest.runner import ingest_paths
from storyline.serve import ServeConfig, create_app
from storyline.store import open_store
from storyline.stories import make_assigner

pytestmark = pytest.mark.slow

DEMO = Path(__file__).resolve().parents[1] / "storyline" / "demo" / "articles.jsonl"
CLI = [sys.executable, "-c", "from storyline.cli import main; main()"]
TOKEN = "s3cret-token"
# Two events each (16 articles each): enough for stories to form and interleave, small
# enough that each writer process spends its time loading models, not analyzing.
FIRST = ("alvarez-embezzlement-trial", "harmon-corp-earnings")
SECOND = ("port-calloway-marathon", "eastbridge-closure")


def rows(events) -> list[dict]:
    found = [json.loads(line) for line in DEMO.read_text().splitlines() if line.strip()]
    return [r for r in found if r["event"] in events]


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    return write(folder / "first.jsonl", rows(FIRST)), write(folder / "second.jsonl", rows(SECOND))


@pytest.fixture(scope="module")
def single_writer(inputs):
    """The stories one writer makes of both inputs: what every interleaving must give."""
    folder = inputs[0].parent
    store = open_store(f"sqlite:///{folder / 'single.db'}")
    ingest_paths(store, list(inputs), assigner=make_assigner(store))
    expected = {"stories": consistent_stories(store), "articles": store.count_articles(),
                "originals": store.count_articles(originals_only=True)}
    store.close()
    return expected


def cli_ingest(path: Path, url: str) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "ingest", str(path), "--db", url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen, timeout: float = 300) -> str:
    stdout, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and "locked" not in stderr
    return stdout


def test_two_cli_ingests_on_sqlite_at_once_equal_one_writer(inputs, single_writer, tmp_path):
    url = f"sqlite:///{tmp_path / 'two.db'}"
    open_store(url).close()
    runs = [cli_ingest(path, url) for path in inputs]
    outputs = [finished(run) for run in runs]
    assert sum(int(out.split()[1].rstrip(",")) for out in outputs) == single_writer["originals"]
    store = open_store(url)
    assert consistent_stories(store) == single_writer["stories"]
    assert store.count_articles() == single_writer["articles"]
    store.close()


def test_cli_and_api_at_once_equal_one_writer(store_url, inputs, single_writer):
    """A CLI ingest and API requests into one store, on SQLite and PostgreSQL."""
    store = open_store(store_url)
    app = create_app(ServeConfig(db_url=store_url, token=TOKEN, cache_seconds=0), store=store)
    api_rows = [json.loads(line) for line in inputs[1].read_text().splitlines()]
    with TestClient(app) as client:
        run = cli_ingest(inputs[0], store_url)
        posted = Counter()
        for start in range(0, len(api_rows), 4):  # small requests, so the writers interleave
            answer = client.post("/api/ingest", json=api_rows[start:start + 4],
                                 headers={"Authorization": f"Bearer {TOKEN}"})
            assert answer.status_code == 200, answer.text
            posted.update({k: v for k, v in answer.json().items() if k in (
                "ingested", "duplicates")})
        finished(run)
    assert posted["ingested"] + posted["duplicates"] == len(api_rows)
    assert store.count_articles() == single_writer["articles"]
    assert consistent_stories(store) == single_writer["stories"]
    store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, *args: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "STORYLINE_API_TOKEN": TOKEN}
    server = subprocess.Popen([*CLI, "serve", "--db", url, "--port", str(port), *args],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/stories", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    pytest.fail(f"storyline serve did not answer within 60 s: {server.stderr.read()}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def post(base: str, records: list[dict]) -> dict:
    answer = httpx.post(f"{base}/api/ingest", json=records, timeout=300,
                        headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_serve_with_two_workers_and_posts_to_both(inputs, single_writer, tmp_path):
    """Each worker process kept its own stories and near-duplicate index."""
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    records = [json.loads(line) for path in inputs for line in path.read_text().splitlines()]
    records.sort(key=lambda r: r["published"])
    server, base = start_server(url, "--workers", "2")
    try:
        workers: Counter = Counter()
        with ThreadPoolExecutor(2) as pool:  # two requests at a time: both workers get some
            for start in range(0, len(records), 8):
                pair = [records[start:start + 4], records[start + 4:start + 8]]
                for result in pool.map(lambda part: post(base, part) if part else None, pair):
                    if result:
                        workers[result["worker"]] += 1
        assert len(workers) == 2, f"every request went to one worker: {workers}"
        # A near copy of an article stored through one worker, sent until the other one
        # takes it: still recognized (each worker reads what the other stored).
        original = records[-1]
        copy = {"text": near_copy(original["text"]), "source": "Copycat Daily",
                "published": original["published"], "url": "https://copycat.example/x"}
        seen = set()
        for attempt in range(40):
            result = post(base, [{**copy, "url": f"https://copycat.example/{attempt}"}])
            assert result["duplicates"] == 1 and result["ingested"] == 0, result
            seen.add(result["worker"])
            if len(seen) == 2:
                break
        assert len(seen) == 2
    finally:
        stop(server)
    store = open_store(url)
    assert consistent_stories(store) == single_writer["stories"]
    assert store.count_articles(originals_only=True) == single_writer["originals"]
    store.close()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_soak_ingest_while_50_connections_read(inputs, tmp_path):
    """Under a minute: a CLI ingest runs while 50 connections read pages and the API.

    The reads are those that need no digest (building one loads the NLP models into the
    server, which is not a leak; the digest cache has its own tests), so the server's
    memory must stay flat while the store grows under it."""
    url = f"sqlite:///{tmp_path / 'soak.db'}"
    store = open_store(url)
    ingest_paths(store, [inputs[0]], assigner=make_assigner(store))
    article_ids = [r.article.id for r in store.list_articles(limit=20)]
    store.close()
    rng = random.Random(17)
    vocab = [f"w{i}" for i in range(2000)]
    bulk = tmp_path / "bulk.jsonl"
    write(bulk, [{"url": f"https://bulk.example/{i}", "source": f"Outlet {i % 7}",
                  "published": f"2025-04-{1 + i % 28:02d}",
                  "text": " ".join(rng.choice(vocab) for _ in range(80))} for i in range(3000)])
    paths = ["/", "/?q=ceasefire", "/?source=Northgate+Wire", "/api/stories?limit=5",
             "/api/articles?q=trial", "/api/search?q=court", "/api/stories?order=size",
             "/api/articles?source=Northgate+Wire", *[f"/api/articles/{aid}" for aid in
                                                      article_ids[:5]],
             *[f"/articles/{aid}" for aid in article_ids[:5]], "/static/style.css"]
    server, base = start_server(url, "--cache-seconds", "1")
    pid = server.pid
    errors: list[str] = []
    answered = Counter()
    stop_reading = threading.Event()

    def reader(seed: int) -> None:
        local = random.Random(seed)
        with httpx.Client(base_url=base, timeout=60) as client:
            while not stop_reading.is_set():
                path = local.choice(paths)
                try:
                    status = client.get(path).status_code
                except httpx.HTTPError as exc:
                    errors.append(f"{path}: {type(exc).__name__}")
                    continue
                answered[status] += 1
                if status != 200:
                    errors.append(f"{path}: HTTP {status}")

    try:
        threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(50)]
        for thread in threads:
            thread.start()
        time.sleep(5)  # past start-up
        early = rss_mib(pid)
        ingest = subprocess.run([*CLI, "ingest", str(bulk), "--db", url, "--no-stories"],
                                capture_output=True, text=True, timeout=120)
        time.sleep(5)
        late = rss_mib(pid)
        stop_reading.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        stop_reading.set()
        stop(server)
    assert ingest.returncode == 0, ingest.stderr
    assert ingest.stdout.startswith("ingested 3000, duplicates 0, skipped 0")
    assert errors == [], errors[:10]
    assert sum(answered.values()) > 500
    assert late - early < 60, f"server memory grew from {early:.0f} to {late:.0f} MiB"
    store = open_store(url)
    assert store.count_articles() == 3000 + len(rows(FIRST))
    store.close()
