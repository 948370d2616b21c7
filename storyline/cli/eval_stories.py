"""``storyline eval stories``: B-cubed and pairwise scores of story detection, with baselines.

Labelled event clusters are fed in stream order (DUC 2003 by publication date; Multi-News,
which has no dates, in a fixed shuffled order; and both interleaved). storyline's online
assignment and bulk clustering are scored next to two baselines run in the same command:
single-pass TF-IDF (each article joins the most similar story by TF-IDF cosine over words
when it clears a threshold) and every article alone. Two reference rows bound what can be
reached: the labelled partition itself (with copies of one text kept together), and the
similarity ceiling (storyline's similarity with every earlier decision right and a perfect
threshold; ``storyline.evaluate.stories_eval.similarity_ceiling``).
"""

from __future__ import annotations

import hashlib
import pickle
import time
from pathlib import Path
from typing import Annotated

import typer
from platformdirs import user_cache_dir

from storyline.cli.app import FormatOption, OutputFormat, err, fail, out, print_json
from storyline.cli.eval_cmd import DucMultiNewsData, default_data_dir, eval_app

SETS = ("duc", "multinews", "pooled")
FEATURES_VERSION = "3"  # 3: statements (first 16 sentence vectors, int8)


@eval_app.command("stories")
def eval_stories(
    data: DucMultiNewsData = None,
    dataset: Annotated[list[str] | None, typer.Option(
        "--dataset", help="duc, multinews or pooled (repeat; default all three).",
        show_default=False)] = None,
    cache: Annotated[Path | None, typer.Option(
        "--cache", help="Folder for computed article features (default: the user cache "
        "directory); --no-cache recomputes.", show_default=False)] = None,
    use_cache: Annotated[bool, typer.Option("--cache-features/--no-cache")] = True,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Story detection on labelled event clusters: B-cubed and pairwise P/R/F1 vs baselines."""
    from storyline.evaluate import clusters
    from storyline.evaluate.stories_eval import evaluate

    chosen = dataset or list(SETS)
    for name in chosen:
        if name not in SETS:
            fail(f"--dataset {name}: unknown (choose from {', '.join(SETS)})")
    folder = data or default_data_dir()
    try:
        duc = clusters.duc2003(folder) if {"duc", "pooled"} & set(chosen) else None
        mn = clusters.multinews(folder) if {"multinews", "pooled"} & set(chosen) else None
    except clusters.MissingData as exc:
        fail(f"{exc} (use --data or $STORYLINE_SHARED_DATA)")
    cache_dir = (cache or Path(user_cache_dir("storyline", appauthor=False)) / "eval-stories"
                 ) if use_cache else None
    features = {}
    for part in (duc, mn):
        if part is not None:
            features.update({f.id: f for f in _features(part, cache_dir)})
    streams = []
    if "duc" in chosen:
        streams.append(duc)
    if "multinews" in chosen:
        streams.append(mn)
    if "pooled" in chosen:
        streams.append(clusters.pooled([duc, mn]))
    results = []
    for stream in streams:
        started = time.perf_counter()
        rows = evaluate(stream, [features[a.id] for a in stream.articles])
        err.print(f"{stream.name}: {len(stream.articles)} articles, {stream.n_clusters} events, "
                  f"{time.perf_counter() - started:.1f} s", markup=False)
        results.append((stream, rows))
    if fmt is OutputFormat.json:
        print_json([{"dataset": s.name, "articles": len(s.articles), "events": s.n_clusters,
                     "systems": [r.to_json() for r in rows]} for s, rows in results])
        return
    for stream, rows in results:
        out.print(f"\n[bold]{stream.name}[/bold]: {len(stream.articles)} articles, "
                  f"{stream.n_clusters} labelled events")
        out.print(f"  {'system':<30} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}   "
                  f"{'pair P':>6} {'pair R':>6} {'pair F1':>7}  {'stories':>7}")
        for r in rows:
            out.print(f"  {r.system:<30} {r.bcubed.precision:6.3f} {r.bcubed.recall:6.3f} "
                      f"{r.bcubed.f1:6.3f}   {r.pairwise.precision:6.3f} "
                      f"{r.pairwise.recall:6.3f} {r.pairwise.f1:7.3f}  {r.stories:7d}")


def _features(part, cache_dir: Path | None):
    """Features of a data set's articles, computed once and kept in ``cache_dir``."""
    from storyline.analyze import vectors
    from storyline.stories.features import featurize

    # The sentence encoder is part of the features: another backend, other vectors.
    key = hashlib.sha1(f"{FEATURES_VERSION}/{vectors.backend()}/{vectors.EXPORT_RECIPE}".encode())
    for article in part.articles:
        key.update(article.id.encode())
        key.update(hashlib.sha1(article.text.encode()).digest())
    path = cache_dir / f"{key.hexdigest()[:20]}.pkl" if cache_dir else None
    if path is not None and path.is_file():
        with open(path, "rb") as handle:
            return pickle.load(handle)
    err.print(f"{part.name}: computing features of {len(part.articles)} articles "
              "(sentence vectors and entities; cached for later runs)", markup=False)
    features = featurize(part.articles)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            pickle.dump(features, handle)
    return features
