"""``storyline eval standalone``: do storyline's summary and timeline sentences stand alone?"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import (
    FormatOption,
    OutputFormat,
    WorkersOption,
    err,
    fail,
    progress_bar,
    workers_or_fail,
)
from storyline.cli.eval_cmd import datasets_or_fail, default_data_dir, duc_cases_or_fail, eval_app

DATASETS = ("duc", "duc2006", "multinews", "timeline17")


@eval_app.command("standalone")
def eval_standalone(
    data: Annotated[Path | None, typer.Option(
        "--data", help="Folder with duc2003/, duc2006/, multi_news/ and timeline17/ (default: "
        "$STORYLINE_SHARED_DATA, else ../shared/data).", show_default=False)] = None,
    dataset: Annotated[list[str] | None, typer.Option(
        "--dataset", help="duc (2003), duc2006, multinews or timeline17 (repeat for several; "
        "default all four).", show_default=False)] = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", help="Only the first N clusters (Timeline17: tasks) of each data set.",
        show_default=False)] = None,
    analysis_cache: Annotated[Path | None, typer.Option(
        "--analysis-cache", help="Keep each article's analysis in this folder and reuse it "
        "on later runs (shared with eval summarize).", show_default=False)] = None,
    examples: Annotated[int, typer.Option(
        "--examples", help="Failing sentences shown per kind (text output).")] = 2,
    workers: WorkersOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Share of summary and timeline sentences that do not stand alone, per data set and kind.

    Summaries (DUC 2003 at 100 words, DUC 2006 at 250, Multi-News at 260, as eval summarize
    makes them) and timelines (each cluster's digest timeline; Timeline17's tasks with the
    keyword and without a query, as eval timeline makes them) are checked for unbalanced
    quotation marks, a leading pronoun, a speech fragment ("..., he said."), a wire
    dateline, reader comments and links, and tokenizer brackets (-LRB-). The target is at
    most 1% of sentences overall.
    """
    from storyline.evaluate.standalone import KINDS
    from storyline.evaluate.standalone_eval import (
        LABELS,
        SUMMARY_WORDS,
        Report,
        analyzed_groups,
        check_clusters,
        check_timeline17,
    )
    from storyline.evaluate.summaries import multinews_cases

    if limit is not None and limit < 1:
        fail(f"--limit {limit}: must be at least 1")
    if examples < 0:
        fail(f"--examples {examples}: must be at least 0")
    processes = workers_or_fail(workers)
    chosen = datasets_or_fail(dataset, DATASETS)
    root = data or default_data_dir()
    jobs = []  # (name, cases or a Timeline17 folder)
    for name in chosen:
        if name in ("duc", "duc2006"):
            path = root / ("duc2003" if name == "duc" else "duc2006")
            jobs.append((name, duc_cases_or_fail(path, limit, LABELS[name])))
        elif name == "multinews":
            path = root / "multi_news" / "validation.csv"
            if not path.is_file():
                fail(f"{path}: no Multi-News CSV")
            jobs.append((name, multinews_cases(path, limit=limit)))
        else:
            path = root / "timeline17"
            if not path.is_dir():
                fail(f"{path}: no Timeline17 folder")
            jobs.append((name, path))
    started = time.perf_counter()
    report = Report()
    with progress_bar("eval standalone") as bar:
        for name, job in jobs:
            err.print(f"eval standalone: {LABELS[name]}", highlight=False)
            if name == "timeline17":
                check_timeline17(report, job, limit=limit)
                continue
            advance = bar(len(job), LABELS[name])
            check_clusters(report, name, analyzed_groups(job, workers=processes,
                                                         cache_dir=analysis_cache),
                           words=SUMMARY_WORDS[name], on_cluster=lambda step=advance: step(1))
    result = report.as_dict()
    result["seconds"] = round(time.perf_counter() - started, 1)
    if fmt == OutputFormat.json:
        typer.echo(json.dumps(result, indent=1, ensure_ascii=False))
        return
    _print_text(result, KINDS, LABELS, examples)


def _print_text(result: dict, kinds, labels, examples: int) -> None:
    header = (f"{'data set / output':<34} {'units':>5} {'sent.':>6} {'failing':>8} "
              f"{'strict':>8}")
    header += "".join(f" {k:>8}" for k in kinds)
    print("Sentences that do not stand alone, percent of sentences (target: <= 1% overall); "
          "strict: every sentence of a failing multi-sentence unit counts")
    print(header)

    def line(label: str, units, t: dict) -> str:
        row = (f"{label[:34]:<34} {units:>5} {t['sentences']:>6} {t['percent']:>7.2f}% "
               f"{t['percent_strict']:>7.2f}%")
        return row + "".join(f" {t['kinds'][k]['percent']:>7.2f}%" for k in kinds)

    for name, d in result["datasets"].items():
        for output, t in d["outputs"].items():
            print(line(f"{labels[name]} {output}", d["clusters"], t))
        if len(d["outputs"]) > 1:
            print(line(f"{labels[name]} all", d["clusters"], d["all"]))
    print(line("overall", "", result["overall"]))
    if examples:
        for kind in kinds:
            shown = result["overall"]["examples"].get(kind, [])[:examples]
            for text in shown:
                print(f"  {kind}: {text[:160]}")
    print(f"({result['seconds']} s)")
