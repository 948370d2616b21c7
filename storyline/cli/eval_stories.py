"""``storyline eval stories``: B-cubed and pairwise scores of story detection, with baselines.

Labelled event clusters are fed in stream order (DUC 2003 by publication date; Multi-News,
which has no dates, in a fixed shuffled order; and both interleaved). Each data set is
scored with the decision model fitted without it (``storyline/stories/models/
decision-without-<set>.json``, built by ``python -m storyline.evaluate.train_stories``): the
"held out" rows, the only ones that count. Beside them, in the same command: the shipped
model (which saw the data: "in-sample"), the hand-set blend rule it replaced, single-pass
TF-IDF (each article joins the most similar story by TF-IDF cosine over words when it
clears a threshold) and every article alone. Two reference rows bound what can be
reached: the labelled partition itself (with copies of one text kept together), and the
similarity ceiling (storyline's similarity with every earlier decision right and a perfect
threshold; ``storyline.evaluate.stories_eval.similarity_ceiling``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from platformdirs import user_cache_dir

from storyline.cli.app import FormatOption, OutputFormat, err, fail, out, print_json
from storyline.cli.eval_cmd import (
    DucMultiNewsData,
    datasets_or_fail,
    default_data_dir,
    eval_app,
)

SETS = ("duc", "multinews", "pooled")


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
    from storyline.evaluate.stories_eval import HELD_OUT_ONLINE, evaluate
    from storyline.stories import decision as decisions
    from storyline.stories.decision import model_name

    chosen = datasets_or_fail(dataset, SETS)
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
    streams = []  # each with the training sets it holds (left out of its held-out model)
    if "duc" in chosen:
        streams.append((duc, ["duc2003"]))
    if "multinews" in chosen:
        streams.append((mn, ["multinews"]))
    if "pooled" in chosen:
        streams.append((clusters.pooled([duc, mn]), ["duc2003", "multinews"]))
    try:
        in_sample = decisions.load()
        held_out = {tuple(sets): decisions.load(model_name(sets)) for _, sets in streams}
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    results = []
    for stream, sets in streams:
        started = time.perf_counter()
        rows = evaluate(stream, [features[a.id] for a in stream.articles],
                        held_out[tuple(sets)], in_sample)
        err.print(f"{stream.name}: {len(stream.articles)} articles, {stream.n_clusters} events, "
                  f"{time.perf_counter() - started:.1f} s", markup=False)
        results.append((stream, sets, rows))
    if fmt is OutputFormat.json:
        print_json([{"dataset": s.name, "articles": len(s.articles), "events": s.n_clusters,
                     "held_out_model": model_name(sets), "counts": HELD_OUT_ONLINE,
                     "systems": [r.to_json() for r in rows]} for s, sets, rows in results])
        return
    for stream, sets, rows in results:
        out.print(f"\n[bold]{stream.name}[/bold]: {len(stream.articles)} articles, "
                  f"{stream.n_clusters} labelled events")
        out.print(f"  held out = the decision model fitted without {' and '.join(sets)} "
                  f"({model_name(sets)}): the rows that count. in-sample = the shipped model, "
                  "which saw this data.", markup=False)
        out.print(f"  {'system':<32} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}   "
                  f"{'pair P':>6} {'pair R':>6} {'pair F1':>7}  {'stories':>7}")
        for r in rows:
            out.print(f"  {r.system:<32} {r.bcubed.precision:6.3f} {r.bcubed.recall:6.3f} "
                      f"{r.bcubed.f1:6.3f}   {r.pairwise.precision:6.3f} "
                      f"{r.pairwise.recall:6.3f} {r.pairwise.f1:7.3f}  {r.stories:7d}")


def _features(part, cache_dir: Path | None):
    """Features of a data set's articles, computed once and kept in ``cache_dir``."""
    from storyline.evaluate.feature_cache import cached_features

    return cached_features(part.articles, cache_dir, lambda m: err.print(m, markup=False),
                           part.name)
