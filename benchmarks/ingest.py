"""Ingest throughput and peak memory: storyline vs. a plain json.loads + executemany baseline.

Builds at least ``--articles`` articles (default 6,000) from the Timeline17 input documents in
``../shared/data/timeline17`` (read at run time; publication date from the folder name), plus
perturbed copies to pass the count (some light edits, which are near duplicates, some heavy,
which are new articles). Without the data it perturbs a generated text instead. The articles
are written to a temporary JSON Lines file, then each contender runs in its own subprocess
(so peak memory is its own) on the same file:

- storyline: ``ingest_paths`` into a fresh SQLite file, duplicate detection on, no story
  assignment (``assigner=None``), exactly as ``storyline ingest`` stores articles;
- baseline: ``json.loads`` per line + ``sqlite3`` ``executemany`` of the same fields into a
  plain table, in one transaction.

Usage::

    .venv/bin/python benchmarks/ingest.py                 # table on stdout
    .venv/bin/python benchmarks/ingest.py --json          # one JSON object
    .venv/bin/python benchmarks/ingest.py --profile out.html   # pyinstrument of storyline's run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))


# -- the corpus --------------------------------------------------------------------------

def timeline17_articles(root: Path) -> list[dict]:
    """Every ``<topic>/InputDocs/<YYYY-MM-DD>/<n>.htm.txt`` as an Article object."""
    out = []
    for path in sorted(root.glob("*/InputDocs/*/*.htm.txt")):
        topic = path.parts[-4]
        day = path.parts[-2]
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        if not text:
            continue
        outlet = topic.rsplit("_", 1)[-1]
        out.append({
            "url": f"https://{outlet}.example/{topic}/{day}/{path.name}",
            "source": outlet,
            "title": text.splitlines()[0][:120],
            "text": text,
            "published": day,
        })
    return out


def generated_articles(count: int, rng: random.Random) -> list[dict]:
    """Stand-in texts when Timeline17 is absent: random words from a small vocabulary."""
    words = ("minister said the talks council city troops rain market police officials "
             "report after before week government agreement vote border aid water").split()
    out = []
    for i in range(count):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(150, 600)))
        out.append({"url": f"https://generated.example/{i}", "source": "generated",
                    "title": f"Generated {i}", "text": text,
                    "published": f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}"})
    return out


def perturb(article: dict, copy: int, rate: float, rng: random.Random) -> dict:
    """A copy with a fraction ``rate`` of its words replaced (light: a near duplicate)."""
    words = article["text"].split(" ")
    for i in range(len(words)):
        if rng.random() < rate:
            words[i] = rng.choice(("reportedly", "officials", "Tuesday", "thousands", "agency"))
    day = article["published"]
    return {**article, "url": article["url"] + f"?copy={copy}", "source": f"copy{copy % 7}",
            "text": " ".join(words), "published": day}


def build_corpus(target: int, data: Path, seed: int = 17) -> tuple[list[dict], str]:
    rng = random.Random(seed)
    root = data / "timeline17"
    if root.is_dir():
        base = timeline17_articles(root)
        origin = f"Timeline17 InputDocs ({len(base)} documents) + perturbed copies"
    else:
        base = generated_articles(1000, rng)
        origin = f"generated texts (no {root}) + perturbed copies"
    corpus = list(base)
    copy = 0
    while len(corpus) < target:
        # Every third copy is a light edit (a near duplicate), the rest are heavy edits.
        rate = 0.02 if copy % 3 == 0 else 0.35
        corpus.append(perturb(base[copy % len(base)], copy, rate, rng))
        copy += 1
    rng.shuffle(corpus)
    return corpus, origin


# -- the contenders (each runs in its own subprocess) --------------------------------------

def _rss_now_kb() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def run_storyline(jsonl: Path, db: Path, profile: Path | None) -> dict:
    from storyline.ingest.runner import ingest_paths
    from storyline.store import open_store

    store = open_store(f"sqlite:///{db}")
    before = _rss_now_kb()
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    start, cpu = time.perf_counter(), time.process_time()
    report = ingest_paths(store, [jsonl], assigner=None)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if profiler:
        profiler.stop()
        profile.write_text(profiler.output_html())
        print(profiler.output_text(unicode=True, color=False, show_all=False), file=sys.stderr)
    counts = {"stored": store.count_articles(),
              "originals": store.count_articles(originals_only=True)}
    store.close()
    return {"seconds": seconds, "cpu_seconds": cpu, "rss_before_kb": before, **counts,
            "ingested": report.ingested, "duplicates": report.duplicates,
            "skipped": report.skipped}


def run_baseline(jsonl: Path, db: Path) -> dict:
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE articles (url TEXT PRIMARY KEY, source TEXT, title TEXT, "
                 "text TEXT NOT NULL, published TEXT)")
    before = _rss_now_kb()
    start, cpu = time.perf_counter(), time.process_time()
    rows = []
    with open(jsonl, encoding="utf-8") as handle:
        for line in handle:
            a = json.loads(line)
            rows.append((a["url"], a["source"], a["title"], a["text"], a["published"]))
    with conn:
        conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?)", rows)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    return {"seconds": seconds, "cpu_seconds": cpu, "rss_before_kb": before, "stored": stored}


def child(args) -> None:
    jsonl, db = Path(args.input), Path(args.db)
    if args.child == "storyline":
        result = run_storyline(jsonl, db, Path(args.profile) if args.profile else None)
    else:
        result = run_baseline(jsonl, db)
    result["peak_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))


def spawn(which: str, jsonl: Path, db: Path, profile: str | None = None) -> dict:
    command = [sys.executable, __file__, "--child", which, "--input", str(jsonl), "--db", str(db)]
    if profile:
        command += ["--profile", profile]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    if done.returncode != 0:
        sys.exit(f"{which} run failed:\n{done.stderr}")
    if done.stderr:
        print(done.stderr, file=sys.stderr, end="")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the report --------------------------------------------------------------------------

def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return f"{model}, {cores} cores available, Python {platform.python_version()}{load}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=6000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--profile", help="write a pyinstrument HTML profile of storyline's run")
    parser.add_argument("--child", choices=["storyline", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    corpus, origin = build_corpus(args.articles, args.data)
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        jsonl = Path(tmp) / "articles.jsonl"
        with open(jsonl, "w", encoding="utf-8") as handle:
            for article in corpus:
                handle.write(json.dumps(article, ensure_ascii=False) + "\n")
        size_mb = jsonl.stat().st_size / 1e6
        ours = spawn("storyline", jsonl, Path(tmp) / "storyline.db", args.profile)
        base = spawn("baseline", jsonl, Path(tmp) / "baseline.db")

    n = len(corpus)
    result = {
        "articles": n, "corpus": origin, "input_mb": round(size_mb, 1), "machine": machine(),
        "storyline": {**ours, "articles_per_s": n / ours["seconds"],
                      "articles_per_cpu_s": n / ours["cpu_seconds"]},
        "baseline": {**base, "articles_per_s": n / base["seconds"],
                     "articles_per_cpu_s": n / base["cpu_seconds"]},
    }
    result["slowdown_vs_baseline"] = ours["seconds"] / base["seconds"]
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{n} articles ({origin}), {size_mb:.1f} MB JSONL; {result['machine']}")
    print(f"{'':24}{'articles/s':>11}{'wall s':>8}{'CPU s':>8}{'per CPU s':>10}"
          f"{'peak RSS MB':>12}{'RSS growth MB':>14}")
    for name, r in (("storyline (dedup on)", ours), ("baseline (json+sqlite3)", base)):
        growth = (r["peak_rss_kb"] - r["rss_before_kb"]) / 1024
        print(f"{name:24}{n / r['seconds']:11.0f}{r['seconds']:8.2f}{r['cpu_seconds']:8.2f}"
              f"{n / r['cpu_seconds']:10.0f}{r['peak_rss_kb'] / 1024:12.0f}{growth:14.0f}")
    print(f"storyline stored {ours['stored']} articles: {ours['ingested']} originals, "
          f"{ours['duplicates']} recognized duplicates, {ours['skipped']} skipped; "
          f"{result['slowdown_vs_baseline']:.1f}x the baseline's time")


if __name__ == "__main__":
    main()
