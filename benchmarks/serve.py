"""Load benchmark of ``storyline serve``: the story list and story pages over 10,000 stories.

Fills a temporary SQLite store with generated stories (articles, memberships, and a cached
digest per story, as the story page would have after its first visit), starts
``storyline serve`` on loopback, and runs Debian's ``wrk`` with 50 connections against:

- ``/``: the story list (first page, newest first);
- ``/stories/<one id>``: one story page, again and again;
- ``/stories/<random id>``: a random story page out of all 10,000 each request.

It prints requests/s and the latency percentiles wrk reports, for each server setup.

    .venv/bin/python benchmarks/serve.py                      # 10,000 stories, 10 s per run
    .venv/bin/python benchmarks/serve.py --stories 2000 --seconds 5 --setups 2:5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from storyline.ingest.dedup import text_hash
from storyline.model import Article
from storyline.serve.digests import story_version
from storyline.store import open_store, schema
from storyline.store.database import article_row

REPO = Path(__file__).resolve().parents[1]
OUTLETS = ["Harbor Ledger", "North Wire", "River Post", "Capital Daily", "Coast Courier",
           "Metro Bulletin", "Valley Times", "Summit Herald", "Delta Observer", "Plains Record",
           "Island Gazette", "Border Tribune"]
PLACES = ["Geneva", "Oslo", "Nairobi", "Lima", "Hanoi", "Quito", "Riga", "Accra", "Tbilisi"]
PEOPLE = ["Maria Okafor", "Jonas Berg", "Amina Yusuf", "Carlos Ruiz", "Mei Chen", "Ivan Petrov"]
ORGS = ["the Health Ministry", "the Port Authority", "the Red Cross", "the Central Bank"]
VERBS = ["announced", "confirmed", "denied", "reported", "warned", "promised"]
THINGS = ["a ceasefire", "new flood defenses", "an inquiry", "a rate cut", "emergency aid",
          "a rail strike", "election results", "a trade deal", "evacuations"]


def sentence(rng: random.Random) -> str:
    return (f"{rng.choice(PEOPLE)} of {rng.choice(ORGS)} {rng.choice(VERBS)} "
            f"{rng.choice(THINGS)} in {rng.choice(PLACES)} on {rng.choice(['Monday', 'Friday'])}"
            f", {rng.randint(2, 400)} people were affected.")


def fill(url: str, n_stories: int, seed: int = 7) -> list[str]:
    """Generate ``n_stories`` stories of 2-6 articles each; returns the story ids."""
    rng = random.Random(seed)
    store = open_store(url)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    ids: list[str] = []
    seq = 0
    batch_articles, batch_stories, batch_members, batch_digests = [], [], [], []

    def flush():
        with store.begin() as conn:
            if batch_articles:
                conn.execute(insert(schema.articles), batch_articles)
            conn.execute(insert(schema.stories), batch_stories)
            conn.execute(insert(schema.memberships), batch_members)
            conn.execute(insert(schema.digests), batch_digests)
        for b in (batch_articles, batch_stories, batch_members, batch_digests):
            b.clear()

    for i in range(n_stories):
        sid = f"st{i:06d}"
        ids.append(sid)
        day = start + timedelta(hours=rng.randint(0, 24 * 700))
        members: list[Article] = []
        for j in range(rng.randint(2, 6)):
            text = " ".join(sentence(rng) for _ in range(rng.randint(6, 12)))
            members.append(Article(
                text, id=f"{sid}a{j}", url=f"https://news{j}.example/{sid}/{j}",
                source=rng.choice(OUTLETS), title=f"{rng.choice(THINGS).capitalize()} in "
                f"{rng.choice(PLACES)}: day {j + 1}", published=day + timedelta(hours=5 * j)))
        for a in members:
            seq += 1
            row = article_row(a, text_hash(a.text), None)
            row["seq"] = seq
            batch_articles.append(row)
            batch_members.append({"article_id": a.id, "story_id": sid, "score": 1.0})
        batch_stories.append({
            "id": sid, "title": members[0].title, "first_published": members[0].published,
            "last_published": members[-1].published, "size": len(members),
            "sources": sorted({a.source for a in members}),
            "entities": rng.sample(PEOPLE + PLACES, 4), "updated_seq": seq,
        })
        batch_digests.append({
            "story_id": sid, "version": story_version([a.id for a in members]),
            "data": zlib.compress(json.dumps(digest_for(sid, members, rng)).encode(), 6),
            "computed_at": datetime.now(UTC),
        })
        if len(batch_stories) >= 500:
            flush()
    if batch_stories:
        flush()
    store.close()
    return ids


def digest_for(sid: str, members: list[Article], rng: random.Random) -> dict:
    """A digest of the size the real one has: 5 cited sentences, 4 dates, 3 quotes."""

    def citation(a: Article) -> dict:
        end = a.text.index(".") + 1
        return {"text": a.text[:end], "article_id": a.id, "start": 0, "end": end,
                "sources": [m.id for m in members[: rng.randint(1, len(members))]]}

    locations = {}
    summary = [citation(rng.choice(members)) for _ in range(5)]
    for c in summary:
        locations[f"{c['article_id']}:0:{c['end']}"] = {s: [0, c["end"]] for s in c["sources"]}
    timeline = [{"date": (members[0].published + timedelta(days=k)).date().isoformat(),
                 "sentences": [citation(rng.choice(members))]} for k in range(4)]
    quotes = [{"speaker": rng.choice(PEOPLE), "speaker_start": 0, "speaker_end": 5,
               "quote": "We will not give up on this", "start": 0, "end": 20, "cue": "said",
               "cue_start": 0, "cue_end": 0, "direct": True, "sentence": 0,
               "article_id": rng.choice(members).id} for _ in range(3)]
    entities = [[p, "PERSON", 3] for p in PEOPLE[:3]] + [[p, "GPE", 2] for p in PLACES[:3]]
    return {"story_id": sid, "summary": summary, "timeline": timeline, "quotes": quotes,
            "entities": entities, "disagreements": [], "locations": locations}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, port: int, workers: int, cache_seconds: float) -> subprocess.Popen:
    cmd = [str(REPO / ".venv" / "bin" / "storyline"), "serve", "--db", url, "--port", str(port),
           "--workers", str(workers), "--cache-seconds", str(cache_seconds)]
    env = {k: v for k, v in os.environ.items() if k != "STORYLINE_API_TOKEN"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/stories?limit=1",
                                        timeout=5) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start: " + proc.stderr.read().decode()[-500:])


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 60,
                         check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        result[f"p{pct}_ms"] = value / 1000 if unit == "us" else value * 1000 if unit == "s" \
            else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    result["non_2xx"] = int(errors.group(1)) if errors else 0
    result["socket_errors"] = socket_errors.group(1) if socket_errors else ""
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--setups", default="2:5,2:0,1:5",
                        help="workers:cache-seconds pairs, comma-separated")
    parser.add_argument("--keep", help="keep the generated store in this folder")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    folder = Path(args.keep or tempfile.mkdtemp(prefix="storyline-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'bench.db'}"
    t0 = time.perf_counter()
    if (folder / "bench.db").exists():
        ids = [f"st{i:06d}" for i in range(args.stories)]
    else:
        ids = fill(url, args.stories)
    print(f"store: {len(ids)} stories at {url} ({time.perf_counter() - t0:.1f} s to prepare)",
          file=sys.stderr)
    script = folder / "random_story.lua"
    script.write_text(
        "local ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n"
        "request = function()\n"
        '  return wrk.format("GET", "/stories/" .. ids[math.random(#ids)])\n'
        "end\n"
    )
    print(f"{'workers':>7} {'cache s':>7}  {'target':<22} {'req/s':>8} {'p50 ms':>7} "
          f"{'p90 ms':>7} {'p99 ms':>7} {'non-2xx':>7}")
    results = []
    for setup in args.setups.split(","):
        workers, cache = setup.split(":")
        port = free_port()
        proc = start_server(url, port, int(workers), float(cache))
        base = f"http://127.0.0.1:{port}"
        try:
            targets = [("/ (story list)", base + "/", None),
                       ("/stories/<one>", f"{base}/stories/{ids[len(ids) // 2]}", None),
                       ("/stories/<random>", base + "/", script)]
            for name, target, lua in targets:
                wrk(target, 2, args.connections, lua)  # warm up: workers, caches, pools
                r = wrk(target, args.seconds, args.connections, lua)
                results.append({"workers": int(workers), "cache_seconds": float(cache),
                                "target": name, **r})
                print(f"{workers:>7} {cache:>7}  {name:<22} {r['rps']:>8.0f} {r['p50_ms']:>7.1f} "
                      f"{r['p90_ms']:>7.1f} {r['p99_ms']:>7.1f} {r['non_2xx']:>7}", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    (REPO / "bench-out").mkdir(exist_ok=True)
    (REPO / "bench-out" / "serve.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
