"""Timeline speed: a 500-article topic (~20,000 sentences) from raw articles to a timeline.

The articles are the Timeline17 input documents of one topic across outlets (default
``bpoil``: five outlets, ~1,400 articles), the first ``--articles`` in publication order,
read at run time from ``../shared/data/timeline17``. The clock covers everything the
``storyline timeline`` command does after reading its input: sentence splitting, time
expressions resolved against each publication date, TF-IDF, date ranking, per-date
selection and citations (:func:`storyline.digest.timeline.build_timeline` on plain
``Article`` objects). The bar (issue 6): <= 20 s on 2 cores.

Usage::

    .venv/bin/python benchmarks/timeline.py               # table on stdout
    .venv/bin/python benchmarks/timeline.py --json
    .venv/bin/python benchmarks/timeline.py --topic LibyaWar --articles 500 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))
BAR_SECONDS = 20.0


def load(topic: str, articles: int, data: Path) -> list:
    from storyline.ingest.datasets import read_timeline17
    from storyline.model import Article

    folder = data / "timeline17"
    found = []
    for path in sorted(folder.glob(f"{topic}_*")):
        found.extend(a for a in read_timeline17(path) if isinstance(a, Article))
    found.sort(key=lambda a: (a.published, a.id))
    return found[:articles]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topic", default="bpoil", help="Timeline17 topic prefix")
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--dates", type=int, default=30)
    parser.add_argument("--per-date", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not (args.data / "timeline17").is_dir():
        print(f"benchmark skipped: no Timeline17 data at {args.data / 'timeline17'} "
              "(set STORYLINE_SHARED_DATA)", file=sys.stderr)
        return 0
    articles = load(args.topic, args.articles, args.data)
    if not articles:
        print(f"benchmark skipped: no articles for topic {args.topic!r}", file=sys.stderr)
        return 0

    from storyline.digest.timeline import build_timeline, prepare
    from storyline.digest.timeline_dates import split_sentences

    build_timeline(articles[:5], dates=2, per_date=1)  # imports and compiled patterns
    sentences = sum(len(split_sentences(a.text)) for a in articles)
    runs, stages = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        collection = prepare(articles)
        analysed = time.perf_counter()
        timeline = build_timeline(collection, dates=args.dates, per_date=args.per_date,
                                  query=args.topic)
        done = time.perf_counter()
        runs.append(done - started)
        stages.append((analysed - started, done - analysed))
    order = sorted(range(len(runs)), key=runs.__getitem__)
    median = order[len(order) // 2]
    result = {
        "topic": args.topic, "articles": len(articles), "sentences": sentences,
        "dates": len(timeline), "seconds": round(runs[median], 2),
        "analysis_seconds": round(stages[median][0], 2),
        "timeline_seconds": round(stages[median][1], 2),
        "runs": [round(r, 2) for r in runs], "bar_seconds": BAR_SECONDS,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"timeline of {result['articles']} {args.topic} articles "
              f"({result['sentences']} sentences) on {result['machine']}")
        print(f"  median of {args.repeat}: {result['seconds']:.2f} s "
              f"(analysis {result['analysis_seconds']:.2f} s + timeline "
              f"{result['timeline_seconds']:.2f} s); runs {result['runs']}; "
              f"bar {BAR_SECONDS:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
