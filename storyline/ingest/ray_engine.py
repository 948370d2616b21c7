"""``storyline ingest --engine ray``: read and analyze on Ray Data, store as the local path does.

Three steps:

1. Ray Data reads the inputs: one task per input, each running the same readers as
   ``storyline ingest`` (``formats.read_path``); articles and skips come back as rows.
2. Ray Data computes each new article's story features (``stories.featurize``, the analysis
   the local path runs before it takes the write lock) in a pool of actors, each loading
   spaCy and the sentence encoder once and using one thread. The articles are grouped as
   the local path groups them (its batches of 500), one featurize call per group, so the
   features are bit for bit the local path's.
3. The driver stores the articles in publication order through the local ``Ingestor``
   (duplicates, batch transactions, the write lock), its story assigner reading the
   features computed in step 2 instead of computing them: story assignment is the one
   step that must run in order, against the store.

Without an address a local Ray starts (``num_cpus`` of this machine); with one
(``ray://host:10001`` or ``auto``) the work runs on that cluster, and the store must then be
one all its machines reach (PostgreSQL).
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from storyline.ingest.dedup import text_hash
from storyline.ingest.records import InputError, Skip
from storyline.ingest.runner import BATCH_SIZE, Ingestor, IngestReport, _skip, publication_order
from storyline.model import Article
from storyline.store.database import Store


@dataclass(slots=True)
class RayOptions:
    """Where and how wide to run (see the module)."""

    address: str | None = None  # None: start a local Ray
    num_cpus: int | None = None  # a local Ray's CPUs (None: all of this machine's)
    actors: int | None = None  # analysis actors (None: one per CPU of the Ray cluster)


def _start_ray(options: RayOptions):
    import logging

    import ray

    if not ray.is_initialized():
        settings = {"include_dashboard": False, "log_to_driver": False,
                    "logging_level": logging.WARNING}
        if options.address:
            ray.init(address=options.address, **settings)
        else:
            ray.init(num_cpus=options.num_cpus, **settings)
    # Progress goes to storyline's own bar; Ray Data's plans and progress lines stay quiet.
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    for name in ("ray.data", "ray"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return ray


def _article_row(article: Article) -> dict:
    """A reader's article as a Ray Data row (pickled: dates and extra fields kept as they are)."""
    return {"kind": "article", "data": pickle.dumps(article), "where": "", "reason": "",
            "detail": ""}


def _read_input(row: dict) -> list[dict]:
    """One input's rows (runs in a Ray task)."""
    from storyline.ingest.formats import read_path

    path, fmt = row["path"], row["format"] or None
    out = []
    try:
        for item in read_path(path, fmt):
            if isinstance(item, Skip):
                out.append({"kind": "skip", "data": b"", "where": item.where,
                            "reason": item.reason, "detail": item.detail})
            else:
                out.append(_article_row(item))
    except InputError as exc:
        out.append({"kind": "failed", "data": b"", "where": path, "reason": exc.reason,
                    "detail": str(exc).removeprefix(f"{path}: ")})
    except (OSError, EOFError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        out.append({"kind": "failed", "data": b"", "where": path, "reason": "unreadable input",
                    "detail": detail})
    # Ray returns the inputs' rows in the order the tasks finish: keep where each came from,
    # so that articles published at the same moment are ordered as the local path orders them.
    for position, item in enumerate(out):
        item["input"], item["position"] = row["input"], position
    return out


class _Featurizer:
    """A Ray actor: the story features of batches of articles, models loaded once."""

    def __init__(self) -> None:
        import os

        os.environ["OMP_NUM_THREADS"] = "1"
        from storyline.analyze import vectors
        from storyline.stories.features import featurize

        vectors.set_threads(1)
        if vectors.backend() == "torch":
            import torch

            torch.set_num_threads(1)
        self._featurize = featurize
        featurize([Article(text="Models load once per actor. This is the warm-up.", id="w")])

    def __call__(self, batch: dict) -> dict:
        import os

        import numpy as np

        clock = time.process_time()
        articles = [a for blob in batch["data"] for a in pickle.loads(blob)]
        features = self._featurize(articles)
        cpu = (time.process_time() - clock) / max(1, len(features))
        return {"id": np.array([f.id for f in features], dtype=object),
                "features": np.array([pickle.dumps(f) for f in features], dtype=object),
                "cpu": np.full(len(features), cpu),
                "pid": np.full(len(features), os.getpid())}


def read_with_ray(paths: Sequence[Path | str], fmt: str | None, report: IngestReport,
                  options: RayOptions, on_skip: Callable[[Skip], None] | None = None, *,
                  strict: bool = False) -> list[Article]:
    """Every input read by Ray tasks; skips and failed inputs recorded in ``report``."""
    ray = _start_ray(options)
    items = [{"path": str(p), "format": fmt or "", "input": k} for k, p in enumerate(paths)]
    dataset = ray.data.from_items(items, override_num_blocks=max(1, len(items)))
    rows = sorted(dataset.flat_map(_read_input).take_all(),
                  key=lambda r: (r["input"], r["position"]))
    articles = []
    for row in rows:
        if row["kind"] == "article":
            articles.append(pickle.loads(row["data"]))
            continue
        if row["kind"] == "failed":
            report.failed_inputs.append(f"{row['where']}: {row['detail']}")
        _skip(report, Skip(row["where"], row["reason"], row["detail"]), on_skip, strict)
    report.read = len(articles)
    return articles


def featurize_groups_with_ray(groups: Sequence[Sequence[Article]], options: RayOptions,
                              timings: dict[str, float] | None = None) -> dict:
    """``{article id: ArticleFeatures}``, each group featurized by one call in a Ray actor
    (``timings["analyze_cpu"]``: the CPU seconds the actors spent in those calls).

    A group is what the local path featurizes in one call (see ``local_groups``): the
    sentence encoder's float sums depend (in the last bits) on which texts share a call, so
    the same groups give bit-identical features, and so the same stories."""
    groups = [list(g) for g in groups if g]
    if not groups:
        return {}
    ray = _start_ray(options)
    actors = options.actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
    actors = min(actors, len(groups))
    rows = [{"data": pickle.dumps(group)} for group in groups]
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows))
    # One group in flight per actor: otherwise the first actor ready takes several groups
    # while the others are still loading their models.
    pool = ray.data.ActorPoolStrategy(size=actors, max_tasks_in_flight_per_actor=1)
    done = dataset.map_batches(_Featurizer, batch_size=1, num_cpus=1, compute=pool,
                               batch_format="numpy")
    out, cpu, workers = {}, 0.0, set()
    for row in done.iter_rows():
        out[row["id"]] = pickle.loads(row["features"])
        cpu += float(row["cpu"])
        workers.add(int(row["pid"]))
    if timings is not None:
        timings["analyze_cpu"] = cpu
        timings["actors_used"] = len(workers)
    return out


def local_groups(store: Store, articles: Sequence[Article],
                 batch_size: int = BATCH_SIZE) -> list[list[Article]]:
    """The articles the local path would featurize, grouped as it would: per batch of
    ``batch_size`` (in the order given), those whose id, url and text are not stored yet,
    nor earlier in the run, nor earlier in the batch (``Ingestor._prepare``)."""
    hashes = [text_hash(a.text) for a in articles]
    with store.engine.connect() as conn:
        have, by_url, by_hash = store.existing(conn, [a.id for a in articles],
                                               [a.url for a in articles if a.url], hashes)
    ids, urls, texts = set(have), set(by_url), set(by_hash)
    groups = []
    for start in range(0, len(articles), batch_size):
        batch = list(zip(articles[start:start + batch_size],
                         hashes[start:start + batch_size], strict=True))
        seen: set[str] = set()
        group = []
        for article, digest in batch:
            if article.id in ids or article.url in urls or digest in texts or digest in seen:
                continue
            seen.add(digest)
            group.append(article)
        groups.append(group)
        for article, digest in batch:  # stored by this batch: known to the next
            ids.add(article.id)
            texts.add(digest)
            if article.url:
                urls.add(article.url)
    return groups


class PrecomputedAssigner:
    """A story assigner whose features were computed elsewhere (by Ray actors).

    Wraps the local assigner: ``prepare`` hands it the precomputed features instead of
    computing them; what is missing (an article the actors did not see) is computed here.
    """

    def __init__(self, inner, features: dict) -> None:
        self.inner = inner
        self.features = features

    def prepare(self, articles: Sequence[Article]) -> None:
        have = [a for a in articles if a.id in self.features]
        missing = [a for a in articles if a.id not in self.features]
        self.inner.prepare(missing)
        # OnlineAssigner keeps prepared features by id until its next assign.
        self.inner._prepared.update({a.id: self.features[a.id] for a in have})

    def forget(self) -> None:
        self.inner.forget()

    def assign(self, conn, articles: Sequence[Article]) -> None:
        self.inner.assign(conn, articles)


def ingest_with_ray(store: Store, paths: Sequence[Path | str], *, fmt: str | None = None,
                    assigner=None, options: RayOptions | None = None,
                    on_skip: Callable[[Skip], None] | None = None,
                    progress_factory=None, strict: bool = False,
                    timings: dict[str, float] | None = None) -> IngestReport:
    """``ingest_paths`` with reading and analysis on Ray (see the module); the same result.

    ``timings``, when given, receives the seconds of each step: ``read``, ``analyze``
    (features on the actors, their model loading included; ``analyze_cpu``: the actors'
    CPU seconds in featurization) and ``store`` (duplicates and story assignment, in order)."""
    options = options or RayOptions()
    report = IngestReport()
    timings = {} if timings is None else timings
    clock = time.perf_counter()
    _start_ray(options)
    timings["start"] = time.perf_counter() - clock
    clock = time.perf_counter()
    articles = publication_order(read_with_ray(paths, fmt, report, options, on_skip,
                                               strict=strict))
    timings["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    run_id = store.start_run([str(p) for p in paths] + ["(engine ray)"])
    if assigner is not None:
        groups = local_groups(store, articles)
        assigner = PrecomputedAssigner(assigner,
                                       featurize_groups_with_ray(groups, options, timings))
    timings["analyze"] = time.perf_counter() - clock
    clock = time.perf_counter()
    ingestor = Ingestor(store, assigner)
    if assigner is not None and store.unassigned_article_ids():
        ingestor.assign_unassigned()
    advance = progress_factory(len(articles), "storing") if progress_factory else None
    ingestor.store_articles(articles, report, run_id=run_id, progress=advance)
    store.finish_run(run_id, ingested=report.ingested, duplicates=report.duplicates,
                     already_present=report.already_present, skipped=report.skipped,
                     skip_reasons=dict(report.skip_reasons))
    timings["store"] = time.perf_counter() - clock
    return report


def shutdown() -> None:
    """Stop the Ray this process started (or left)."""
    import ray

    if ray.is_initialized():
        ray.shutdown()


__all__ = ["PrecomputedAssigner", "RayOptions", "featurize_groups_with_ray", "ingest_with_ray",
           "local_groups", "read_with_ray", "shutdown"]
