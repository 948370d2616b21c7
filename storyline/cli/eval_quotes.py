"""``storyline eval quotes PATH``: quote attribution on PolNeAR next to simple baselines."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import FormatOption, OutputFormat, err, fail, out, print_json
from storyline.cli.eval_cmd import eval_app


@eval_app.command("quotes")
def eval_quotes(
    path: Annotated[Path, typer.Argument(help="A PolNeAR split folder (../shared/data/polnear/"
                                         "dev) holding text/ and attributions/.")],
    limit: Annotated[int | None, typer.Option(help="Only the first N articles.")] = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Content-span and attribution precision, recall and F1, overall and for direct quotes.

    A system quote matches a gold attribution when the content spans overlap by at least
    half of the shorter; the attribution is right when the speaker span overlaps the gold
    Source span.
    """
    from storyline.analyze.pipeline import analyze_docs
    from storyline.evaluate.attribution import evaluate
    from storyline.evaluate.polnear import read_split

    if not (path / "text").is_dir() or not (path / "attributions").is_dir():
        fail(f"{path}: not a PolNeAR split folder (expected text/ and attributions/ in it)")
    docs = list(read_split(path, limit=limit))
    if not docs:
        fail(f"{path}: no articles in text/")
    started = time.perf_counter()
    err.print(f"analyzing {len(docs)} articles", markup=False)
    analyses = analyze_docs([d.article for d in docs])
    seconds = time.perf_counter() - started
    totals = evaluate(docs, analyses)
    result = {
        "articles": len(docs), "gold_attributions": sum(len(d.attributions) for d in docs),
        "seconds": round(seconds, 1),
        "systems": {
            name: {key: {part: {"precision": round(getattr(s, part).precision, 4),
                                "recall": round(getattr(s, part).recall, 4),
                                "f1": round(getattr(s, part).f1, 4),
                                "system": getattr(s, part).system,
                                "gold": getattr(s, part).gold}
                         for part in ("content", "attribution")}
                   for key, s in by_key.items()}
            for name, by_key in totals.items()},
    }
    if output is OutputFormat.json:
        print_json(result)
        return
    out.print(f"PolNeAR {path}: {result['articles']} articles, {result['gold_attributions']} "
              f"gold attributions; analysis {seconds:.1f} s")
    out.print(f"{'system':<20} {'subset':<8} {'content P/R/F1':<22} {'attribution P/R/F1':<22}")
    for name, by_key in totals.items():
        for key, s in by_key.items():
            c, a = s.content, s.attribution
            out.print(f"{name:<20} {key:<8} {c.precision:.3f}/{c.recall:.3f}/{c.f1:.3f}"
                      f"{'':<5} {a.precision:.3f}/{a.recall:.3f}/{a.f1:.3f}")
