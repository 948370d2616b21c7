"""Summary speed on a 100-article story once its articles are analyzed, next to sumy's LexRank.

The story: ``--articles`` (default 100) Timeline17 articles about the BP oil spill, taken
evenly from the five outlets that covered it (``bpoil_*``, read from
``../shared/data/timeline17`` at run time). The articles are analyzed first (not timed);
then, on the same analyzed story:

- ``storyline``: ``storyline.digest.summary.summarize(analyzed, words=--words)`` (pool,
  cross-outlet grouping, scoring, selection, citations);
- ``lexrank``: sumy's LexRank over the same sentences, taking sentences to the same budget.

storyline is run ``--repeat`` times (median and best reported), LexRank once (it takes
minutes). The target is
storyline <= 1 s on 2 cores. BLAS threads are capped at 2 (``--threads``) before numpy loads.

Usage::

    .venv/bin/python benchmarks/summarize.py
    .venv/bin/python benchmarks/summarize.py --articles 200 --words 250 --json
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))


def load_story(data: Path, n: int):
    """``n`` articles of the BP oil spill, spread evenly over its outlets and dates."""
    from storyline.ingest.datasets import read_timeline17
    from storyline.model import Article

    folders = sorted(p for p in (data / "timeline17").glob("bpoil_*") if p.is_dir())
    if not folders:
        sys.exit(f"benchmarks/summarize.py: no bpoil_* topic in {data / 'timeline17'}")
    per_outlet = [[a for a in read_timeline17(f) if isinstance(a, Article) and a.text.strip()]
                  for f in folders]
    take = -(-n // len(per_outlet))
    chosen = []
    for found in per_outlet:
        step = max(1.0, len(found) / take)
        chosen.extend(found[int(i * step)] for i in range(min(take, len(found))))
    return chosen[:n]


def timed(fn, repeat: int) -> tuple[list[float], list[float], object]:
    """Wall seconds and CPU seconds (all threads of this process) of each run."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--words", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--cache", type=Path, help="keep the analyzed story in this pickle "
                        "file and reuse it on the next run (analysis is not what is timed)")
    args = parser.parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)

    from storyline.analyze.pipeline import analyze
    from storyline.digest.summary import summarize
    from storyline.evaluate.baselines import fill_budget, lexrank

    articles = load_story(args.data, args.articles)
    started = time.perf_counter()
    if args.cache and args.cache.exists():
        with open(args.cache, "rb") as handle:
            analyzed = pickle.load(handle)  # noqa: S301 - a file this script wrote
    else:
        analyzed = analyze(articles)
        if args.cache:
            with open(args.cache, "wb") as handle:
                pickle.dump(analyzed, handle)
    analyze_s = time.perf_counter() - started
    sentences = sum(len(a.analysis.sentences) for a in analyzed)

    summarize(analyzed, words=args.words)  # warm caches (stemmer, imports) outside the timing
    ours, ours_cpu, summary = timed(lambda: summarize(analyzed, words=args.words), args.repeat)
    # sumy's LexRank is pure Python and takes minutes here: timed once.
    theirs, theirs_cpu, _ = timed(lambda: fill_budget(lexrank(analyzed), args.words), 1)

    report = {
        "articles": len(analyzed), "outlets": len({a.source for a in articles}),
        "sentences": sentences, "words": args.words, "analyze_seconds": round(analyze_s, 1),
        "storyline_median_s": round(statistics.median(ours), 3),
        "storyline_best_s": round(min(ours), 3),
        "storyline_median_cpu_s": round(statistics.median(ours_cpu), 3),
        "lexrank_median_s": round(statistics.median(theirs), 3),
        "lexrank_cpu_s": round(statistics.median(theirs_cpu), 3),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "lexrank_best_s": round(min(theirs), 3),
        "summary_sentences": len(summary),
        "summary_sources_mean": round(statistics.mean(len(c.sources) for c in summary), 2)
        if summary else 0,
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus, threads={args.threads}",
    }
    if args.json:
        print(json.dumps(report))
        return
    print(f"story: {report['articles']} articles from {report['outlets']} outlets, "
          f"{sentences} sentences (analysis {analyze_s:.1f} s, not timed)")
    print(f"{'system':<10} {'median s':>9} {'best s':>7} {'CPU s':>7}")
    print(f"{'storyline':<10} {report['storyline_median_s']:>9.3f} "
          f"{report['storyline_best_s']:>7.3f} {report['storyline_median_cpu_s']:>7.3f}")
    print(f"{'lexrank':<10} {report['lexrank_median_s']:>9.3f} {report['lexrank_best_s']:>7.3f} "
          f"{report['lexrank_cpu_s']:>7.3f}")
    print(f"load average during the run: {report['load_average_1min']} (2 cores shared)")
    print(f"summary: {len(summary)} sentences, {report['summary_sources_mean']} sources each "
          f"on average ({report['machine']})")


if __name__ == "__main__":
    main()
