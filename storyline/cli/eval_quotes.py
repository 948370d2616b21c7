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

    Two matchings, each a row. lenient: a system quote matches a gold attribution when the
    content spans overlap by at least half of the shorter; the attribution is right when the
    speaker span overlaps the gold Source span. strict (the release check's): the same overlap,
    the speaker span overlapping the Source or the speaker equal to its text (case and a
    leading "the" aside), counted one-to-one per article; a gold attribution is direct when
    half of its content lies inside double quotation marks.
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
    matchings = {m: evaluate(docs, analyses, matching=m) for m in ("lenient", "strict")}
    totals = matchings["lenient"]

    def table(by_system):
        return {
            name: {key: {part: {"precision": round(getattr(s, part).precision, 4),
                                "recall": round(getattr(s, part).recall, 4),
                                "f1": round(getattr(s, part).f1, 4),
                                "system": getattr(s, part).system,
                                "gold": getattr(s, part).gold}
                         for part in ("content", "attribution")}
                   for key, s in by_key.items()}
            for name, by_key in by_system.items()}

    result = {
        "articles": len(docs), "gold_attributions": sum(len(d.attributions) for d in docs),
        "seconds": round(seconds, 1),
        "systems": table(totals),
        "strict": table(matchings["strict"]),
    }
    if output is OutputFormat.json:
        print_json(result)
        return
    out.print(f"PolNeAR {path}: {result['articles']} articles, {result['gold_attributions']} "
              f"gold attributions; analysis {seconds:.1f} s")
    out.print(f"{'system':<20} {'matching':<9} {'subset':<8} {'content P/R/F1':<22} "
              f"{'attribution P/R/F1':<22}")
    for name in totals:
        for matching, by_system in matchings.items():
            for key, s in by_system[name].items():
                c, a = s.content, s.attribution
                out.print(f"{name:<20} {matching:<9} {key:<8} "
                          f"{c.precision:.3f}/{c.recall:.3f}/{c.f1:.3f}{'':<5} "
                          f"{a.precision:.3f}/{a.recall:.3f}/{a.f1:.3f}")
