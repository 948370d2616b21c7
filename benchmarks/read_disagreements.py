"""Print the number disputes and evolutions of the biggest stories of Timeline17 topics, to
be read by eye (no reference exists for them: each item is judged right or wrong by
reading its sentences).

Each topic's articles (read at run time from ``../shared/data/timeline17``) are grouped with
``storyline.group``; the three biggest stories are analyzed (``--analysis-cache`` keeps the
analyses) and every "Reports differ" and "as reported over time" item is printed with the
sentences it cites. ``--checkout PATH`` reads with another checkout's code (its package
first on ``sys.path``), so the same stories can be read before and after a change.

Usage::

    .venv/bin/python benchmarks/read_disagreements.py H1N1_bbc LibyaWar_cnn \\
        --analysis-cache ~/.cache/storyline-eval
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("topics", nargs="+")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--analysis-cache", type=Path, required=True)
    parser.add_argument("--checkout", type=Path)
    args = parser.parse_args()
    if args.checkout:
        sys.path.insert(0, str(args.checkout.resolve()))
    import storyline
    from storyline.analyze.file_cache import FileCache
    from storyline.digest.disagreements import number_disagreements, read_figures
    from storyline.ingest.datasets import read_timeline17
    from storyline.model import Article

    try:
        from storyline.digest.evolutions import evolutions
    except ImportError:  # a checkout from before evolutions had their own module
        from storyline.digest.disagreements import evolutions
    cache = FileCache(args.analysis_cache)
    total = 0
    for topic in args.topics:
        articles = [a for a in read_timeline17(args.data / "timeline17" / topic)
                    if isinstance(a, Article) and a.text.strip()]
        stories = sorted(storyline.group(articles), key=lambda s: -len(s.articles))[:3]
        for story in stories:
            [analyzed] = cache.analyze_groups([story.members], workers=2)
            readings = read_figures(analyzed)
            items = (number_disagreements(analyzed, readings=readings)
                     + evolutions(analyzed, readings=readings))
            total += len(items)
            print(f"== {topic}: story of {len(story.articles)} articles: {len(items)} item(s)")
            for item in items:
                print(f"  - {item.kind}: {item.description}")
                for c in item.statements:
                    print(f"      > {c.text}")
    print(f"{total} item(s) in all")


if __name__ == "__main__":
    main()
