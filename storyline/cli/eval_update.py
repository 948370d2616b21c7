"""``storyline eval update``: update summaries on DUC clusters split by date, with baselines."""

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

DATASETS = {"duc2003": "duc2003", "duc2006": "duc2006"}


@eval_app.command("update")
def eval_update(
    data: Annotated[Path | None, typer.Option(
        "--data", help="Folder with duc2003/ and duc2006/ (default: $STORYLINE_SHARED_DATA, "
        "else ../shared/data).", show_default=False)] = None,
    dataset: Annotated[list[str] | None, typer.Option(
        "--dataset", help="duc2003 or duc2006 (repeat for both; default both).",
        show_default=False)] = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", help="Only the first N clusters of each data set.",
        show_default=False)] = None,
    words: Annotated[int, typer.Option("--words", help="Summary budget.")] = 100,
    workers: WorkersOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Update summaries: each cluster split by date, the earlier half marked seen.

    Scores the later part's 100-word summary against the human summaries, counting only
    what the later articles add (new R2), and the share of its bigrams already in the earlier
    part (old, lower is better); update = new R2 x (1 - old). Baselines of the same run: the
    later part summarized as if nothing had been read, and its first sentences. See
    storyline/evaluate/updates_eval.py for the protocol.
    """

    if limit is not None and limit < 1:
        fail(f"--limit {limit}: must be at least 1")
    if words < 1:
        fail(f"--words {words}: must be at least 1")
    processes = workers_or_fail(workers)
    chosen = datasets_or_fail(dataset, DATASETS)
    root = data or default_data_dir()
    reports = []
    for name in chosen:
        path = root / DATASETS[name]
        cases = duc_cases_or_fail(path, limit)
        if not cases:
            fail(f"{path}: no cluster with both articles and a reference summary")
        reports.append(_run(name, cases, path, words, processes))
    if fmt == OutputFormat.json:
        typer.echo(json.dumps(reports, indent=1))
        return
    for report in reports:
        _print_text(report)


def _run(name: str, cases, path: Path, words: int, workers: int) -> dict:
    from storyline.analyze.pipeline import analyze_groups, workers_for
    from storyline.evaluate.updates_eval import evaluate

    started = time.perf_counter()
    workers = workers_for(sum(len(case.articles) for case in cases), workers)
    err.print(f"eval update: {name}: {len(cases)} clusters from {path}; analyzing on "
              f"{workers} process(es)", highlight=False)

    def analyzed_cases():
        groups = analyze_groups((case.articles for case in cases), workers=workers)
        for case, analyzed in zip(cases, groups, strict=True):
            yield case.id, analyzed, case.references

    with progress_bar(name) as bar:
        report = evaluate(name, analyzed_cases(), words=words, on_cluster=bar(len(cases)))
    return {"dataset": name, "path": str(path), "clusters": report.clusters, "words": words,
            "systems": report.rows(), "seconds": round(time.perf_counter() - started, 1)}


def _print_text(report: dict) -> None:
    print(f"{report['dataset']} update@{report['words']} — {report['clusters']} clusters "
          f"split by date ({report['path']})")
    print(f"{'system':<22} {'new R2':>7} {'R2':>7} {'old %':>7} {'update':>7} "
          f"{'max words':>9} {'seconds':>8}")
    for s in report["systems"]:
        print(f"{s['system']:<22} {s['new_rouge2']:>7.2f} {s['rouge2']:>7.2f} {s['old']:>7.1f} "
              f"{s['update']:>7.2f} {s['max_words']:>9d} {s['seconds']:>8.1f}")
    print()
