"""``storyline ingest --engine ray`` on 1 and on 2 CPUs against the local path, same articles.

    .venv/bin/python benchmarks/ray_ingest.py [--articles 2000] [--cpus 1 2] [--skip-local]

Takes ``--articles`` Timeline17 articles from ``../shared/data/timeline17`` (a fixed sample:
the articles sorted by id, which is a hash), writes them to 8 JSON Lines files in a
temporary folder (never into the repository), then ingests them with stories into fresh
SQLite stores: once with the local engine, once with Ray per ``--cpus`` value (a local Ray
started with that many CPUs, one analysis actor per CPU). Prints the seconds of each step
(and the CPU seconds the actors spent featurizing: on a machine shared with other jobs,
CPU seconds over wall seconds says how many cores the actors actually got), the speed-up
from the first ``--cpus`` value to the others, and whether each run's stories (as sets of
article ids) are identical to the local path's (with ``--skip-local``: to the first run's).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storyline.ingest.datasets import read_timeline17  # noqa: E402
from storyline.ingest.runner import ingest_paths  # noqa: E402
from storyline.model import Article  # noqa: E402
from storyline.store import open_store  # noqa: E402
from storyline.stories import make_assigner  # noqa: E402

DATA = Path(os.environ.get("STORYLINE_SHARED_DATA",
                           Path(__file__).resolve().parents[2] / "shared" / "data"))


def sample(n: int) -> list[Article]:
    articles = [a for a in read_timeline17(DATA / "timeline17") if isinstance(a, Article)]
    return sorted(articles, key=lambda a: a.id)[:n]


def write_inputs(articles: list[Article], folder: Path, files: int = 8) -> list[Path]:
    paths = []
    for k in range(files):
        path = folder / f"part{k}.jsonl"
        with path.open("w") as out:
            for article in articles[k::files]:
                out.write(json.dumps(article.to_json()) + "\n")
        paths.append(path)
    return paths


def partition(store) -> set[frozenset[str]]:
    return {frozenset(s.articles) for s in store.list_stories()}


def run_local(paths: list[Path], folder: Path) -> tuple[dict, set]:
    store = open_store(f"sqlite:///{folder / 'local.db'}")
    clock = time.perf_counter()
    report = ingest_paths(store, paths, assigner=make_assigner(store))
    seconds = time.perf_counter() - clock
    return {"engine": "local", "seconds": seconds, "summary": report.summary()}, partition(store)


def run_ray(paths: list[Path], folder: Path, cpus: int) -> tuple[dict, set]:
    from storyline.ingest import ray_engine

    ray_engine.shutdown()
    store = open_store(f"sqlite:///{folder / f'ray{cpus}.db'}")
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    report = ray_engine.ingest_with_ray(store, paths, assigner=make_assigner(store),
                                        options=ray_engine.RayOptions(num_cpus=cpus),
                                        timings=timings)
    seconds = time.perf_counter() - clock
    ray_engine.shutdown()
    row = {"engine": f"ray, {cpus} CPU", "seconds": seconds, "summary": report.summary(),
           **{k: round(v, 1) for k, v in timings.items()}}
    return row, partition(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--cpus", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--skip-local", action="store_true",
                        help="Compare the Ray runs with each other only.")
    args = parser.parse_args()
    if not (DATA / "timeline17").is_dir():
        sys.exit(f"benchmarks/ray_ingest.py: no Timeline17 at {DATA / 'timeline17'}")
    articles = sample(args.articles)
    print(f"{len(articles)} Timeline17 articles, {os.cpu_count()} CPUs on this machine, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="storyline-ray-bench-") as tmp:
        folder = Path(tmp)
        paths = write_inputs(articles, folder)
        rows, partitions = [], {}
        if not args.skip_local:
            row, partitions["local"] = run_local(paths, folder)
            rows.append(row)
            print(json.dumps(row), flush=True)
        for cpus in args.cpus:
            row, partitions[cpus] = run_ray(paths, folder, cpus)
            reference = partitions.get("local", partitions[args.cpus[0]])
            row["identical_stories"] = partitions[cpus] == reference
            row["stories"] = len(partitions[cpus])
            rows.append(row)
            print(json.dumps(row), flush=True)
    base = next(r for r in rows if r["engine"] == f"ray, {args.cpus[0]} CPU")
    print("\n| engine | total s | read s | analyze s (wall) | analyze CPU s (actors) | "
          "store s | stories | identical |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['engine']} | {row['seconds']:.1f} | {row.get('read', '-')} | "
              f"{row.get('analyze', '-')} | {row.get('analyze_cpu', '-')} | "
              f"{row.get('store', '-')} | {row.get('stories', '-')} "
              f"| {row.get('identical_stories', '-')} |")
    for row in rows:
        if row["engine"].startswith("ray") and row is not base:
            print(f"speed-up {base['engine']} -> {row['engine']}: total "
                  f"{base['seconds'] / row['seconds']:.2f}x, analyze "
                  f"{base['analyze'] / max(row['analyze'], 1e-9):.2f}x")


if __name__ == "__main__":
    main()
