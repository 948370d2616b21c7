"""``storyline eval snippets``: how storyline groups a pile of one-line snippets."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from storyline.cli.app import FormatOption, OutputFormat, err, fail, out, print_json
from storyline.cli.eval_cmd import datasets_or_fail, default_data_dir, eval_app

_SETS = ("duc", "duc2006", "timeline17")


@eval_app.command("snippets")
def eval_snippets(
    dataset: Annotated[list[str] | None, typer.Option(
        help=f"Data sets to build piles from (default: all of {', '.join(_SETS)}).",
        show_default=False)] = None,
    data: Annotated[str | None, typer.Option(
        "--data", help="Folder with duc2003/, duc2006/ and timeline17/ (default: "
        "$STORYLINE_SHARED_DATA, else ../shared/data).", show_default=False)] = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """B-cubed of grouping a pile (one sentence per article, ingested as --format lines).

    Each data set's articles give one sentence each to one pile, labelled with the article's
    cluster; tuning and reporting parts are scored apart (the threshold of the grouping was
    chosen on DUC 2003's tuning part only). Baselines of the same run: the online decision
    without pile grouping, every line alone, all lines one story, and the grouping at
    other thresholds.
    """
    from pathlib import Path

    from storyline.evaluate import clusters
    from storyline.evaluate.snippet_piles import evaluate, pile_of
    from storyline.stories.features import featurize

    root = Path(data) if data else default_data_dir()
    loaders = {"duc": clusters.duc2003, "duc2006": clusters.duc2006,
               "timeline17": clusters.timeline17}
    results = {}
    started = time.perf_counter()
    for name in datasets_or_fail(dataset, _SETS):
        try:
            labelled = loaders[name](root)
        except clusters.MissingData as exc:
            fail(str(exc))
        pile = pile_of(labelled)
        err.print(f"{name}: a pile of {len(pile.articles)} lines", markup=False)
        results[name] = evaluate(pile, featurize)
    if output is OutputFormat.json:
        print_json({name: [r.to_json() for r in rows] for name, rows in results.items()}
                   | {"seconds": round(time.perf_counter() - started, 1)})
        return
    out.print(f"{'data':<11} {'part':<10} {'system':<36} {'P':>6} {'R':>6} {'F1':>6} "
              f"{'stories':>7} {'lines':>6}")
    for name, rows in results.items():
        for r in rows:
            out.print(f"{name:<11} {r.part:<10} {r.system:<36} {r.scores.precision:>6.3f} "
                      f"{r.scores.recall:>6.3f} {r.scores.f1:>6.3f} {r.stories:>7} {r.lines:>6}")
