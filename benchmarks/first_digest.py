"""First-digest wall time of a ~100-article story, beside baselines run in the same session.

The story is the first ``--articles`` (default 100) non-empty articles of one Timeline17
topic (``--topic``, default H1N1_bbc; read at run time from ``../shared/data/timeline17``).
Each contender runs in a fresh Python process, as ``storyline show`` of a story whose
digest is not stored yet would: imports, model loading, analysis of every member and
composition all count.

- ``digest``: ``storyline.digest(story)``, this checkout as it is (``digest.first_analysis``:
  a story this big is read from each article's lead, on one process per idle core; the line
  says how many it took);
- ``one-process``: every article read whole on one process (``analyze(members,
  workers=1)``), then composed: the path every first digest took before big stories were
  read from their leads;
- ``checkout:PATH`` (with ``--checkout PATH``, repeatable): ``storyline.digest(story)`` of
  another checkout, e.g. ``--checkout /work/main`` (its ``storyline`` package first on
  ``sys.path``).

Each prints total wall, and where it went: imports, analysis (models loaded inside), and
composition. ``--repeat`` runs each contender that many times (alternating).

Usage::

    .venv/bin/python benchmarks/first_digest.py                      # this checkout
    .venv/bin/python benchmarks/first_digest.py --checkout /work/main --repeat 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))

# Run in the child: times the first digest of the story in this fresh process.
CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import storyline
from storyline.analyze import pipeline
from storyline.ingest.datasets import read_timeline17
from storyline.model import Article, Story
from pathlib import Path
args = json.loads(sys.argv[1])
arts = [a for a in read_timeline17(Path(args["topic"]))
        if isinstance(a, Article) and a.text.strip()][:args["articles"]]
t1 = time.perf_counter()
story = Story("s", "story", [a.id for a in arts])
if args["mode"] == "one-process":
    from storyline.digest.compose import compose
    analyzed = pipeline.analyze(arts, workers=1)
    t2 = time.perf_counter()
    digest = compose(story.id, analyzed)
else:
    try:
        import storyline.digest.first_analysis as hook
    except ImportError:  # a checkout before it: digest.story calls analyze itself
        import storyline.digest.story as hook
    analyze = hook.analyze
    marks = {}
    def timed(*a, **k):
        marks["workers"] = k.get("workers", 1)
        out = analyze(*a, **k)
        marks["analyzed"] = time.perf_counter()
        return out
    hook.analyze = timed
    digest = storyline.digest(story, articles=arts)
    t2 = marks.get("analyzed", t1)
workers = 1 if args["mode"] == "one-process" else marks.get("workers", 1)
t3 = time.perf_counter()
print(json.dumps({"articles": len(arts), "chars": sum(len(a.text) for a in arts),
                  "imports_s": t1 - t0, "analysis_s": t2 - t1, "compose_s": t3 - t2,
                  "total_s": t3 - t0, "summary": len(digest.summary), "workers": workers}))
"""


def run(mode: str, topic: Path, articles: int, checkout: Path | None) -> dict:
    env = dict(os.environ)
    root = checkout or REPO
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    args = json.dumps({"mode": mode, "topic": str(topic), "articles": articles})
    done = subprocess.run([sys.executable, "-c", CHILD, args], env=env, cwd=root,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--topic", default="H1N1_bbc")
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--checkout", type=Path, action="append", default=[])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", choices=["digest", "one-process"], default=None)
    parser.add_argument("--json", action="store_true")
    opts = parser.parse_args()
    topic = opts.data / "timeline17" / opts.topic
    contenders: list[tuple[str, str, Path | None]] = [
        (m, m, None) for m in ("digest", "one-process") if opts.only in (None, m)]
    contenders += [(f"checkout:{c}", "digest", c) for c in opts.checkout]
    rows = []
    for _ in range(opts.repeat):
        for name, mode, checkout in contenders:
            row = {"contender": name, **run(mode, topic, opts.articles, checkout)}
            rows.append(row)
            if not opts.json:
                print(f"{name:<28} total {row['total_s']:6.1f} s  (imports "
                      f"{row['imports_s']:.1f}, analysis {row['analysis_s']:.1f} on "
                      f"{row['workers']} process(es), compose {row['compose_s']:.1f})  "
                      f"{row['articles']} articles, {row['chars']:,} chars", flush=True)
    if opts.json:
        print(json.dumps({"load": os.getloadavg(), "rows": rows}, indent=1))
    else:
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
