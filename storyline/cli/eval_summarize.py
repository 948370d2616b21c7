"""``storyline eval summarize``: ROUGE of storyline's summaries next to baselines, same run."""

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
from storyline.cli.eval_cmd import DucMultiNewsData, default_data_dir, eval_app

DATASETS = ("duc", "multinews")


@eval_app.command("summarize")
def eval_summarize(
    data: DucMultiNewsData = None,
    dataset: Annotated[list[str] | None, typer.Option("--dataset", help="duc or multinews "
                                                      "(repeat for both; default both).",
                                                      show_default=False)] = None,
    duc: Annotated[Path | None, typer.Option("--duc", help="A DUC-style folder (docs/ and "
                                             "models/) instead of <data>/duc2003.",
                                             show_default=False)] = None,
    multinews: Annotated[Path | None, typer.Option("--multinews", help="A Multi-News CSV "
                                                   "instead of <data>/multi_news/"
                                                   "validation.csv.", show_default=False)] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N clusters of "
                                              "each data set.", show_default=False)] = None,
    duc_words: Annotated[int, typer.Option("--duc-words", help="DUC budget (recall).")] = 100,
    multinews_words: Annotated[int, typer.Option("--multinews-words",
                                                 help="Multi-News budget (F1).")] = 260,
    workers: WorkersOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """ROUGE-1/2/L of storyline's summaries and of lead, LexRank, TextRank and centroid.

    DUC: recall of the first --duc-words words, averaged over each cluster's human summaries,
    then over clusters. Multi-News: F1 at --multinews-words words. rouge-score with Porter
    stemming; every system is cut at the budget the same way.
    """
    from storyline.evaluate.summaries import duc_cases, multinews_cases
    from storyline.evaluate.summary_eval import Setting

    if limit is not None and limit < 1:
        fail(f"--limit {limit}: must be at least 1")
    processes = workers_or_fail(workers)
    chosen = dataset or list(DATASETS)
    for name in chosen:
        if name not in DATASETS:
            fail(f"--dataset {name}: unknown (choose from {', '.join(DATASETS)})")
    root = data or default_data_dir()
    jobs = []
    if "duc" in chosen:
        path = duc or root / "duc2003"
        if not path.is_dir():
            fail(f"{path}: no DUC folder (expected docs/ and models/)")
        try:
            cases = duc_cases(path, limit=limit)
        except FileNotFoundError as exc:
            fail(str(exc))
        jobs.append((Setting("duc", duc_words, "recall"), cases, path))
    if "multinews" in chosen:
        path = multinews or root / "multi_news" / "validation.csv"
        if not path.is_file():
            fail(f"{path}: no Multi-News CSV")
        jobs.append((Setting("multinews", multinews_words, "f1"),
                     multinews_cases(path, limit=limit), path))
    reports = []
    for setting, cases, path in jobs:
        if not cases:
            fail(f"{path}: no cluster with both articles and a reference summary")
        reports.append(_run(setting, cases, path, processes))
    if fmt == OutputFormat.json:
        typer.echo(json.dumps(reports, indent=1))
        return
    for report in reports:
        _print_text(report)


def _run(setting, cases, path: Path, workers: int) -> dict:
    from storyline.analyze.pipeline import analyze_groups, workers_for
    from storyline.evaluate.summary_eval import SYSTEM, evaluate

    started = time.perf_counter()
    workers = workers_for(sum(len(case.articles) for case in cases), workers)
    err.print(f"eval summarize: {setting.label}: {len(cases)} clusters from {path}; analyzing "
              f"on {workers} process(es)", highlight=False)

    def analyzed_cases():
        groups = analyze_groups((case.articles for case in cases), workers=workers)
        for case, analyzed in zip(cases, groups, strict=True):
            yield case.id, analyzed, case.references

    with progress_bar(f"{setting.name}") as bar:
        result = evaluate(analyzed_cases(), setting, on_cluster=bar(len(cases)))
    rows = result.table()
    best_name, best_r2 = result.best_baseline(2)
    ours = next(r for r in rows if r[0] == SYSTEM)
    return {
        "dataset": setting.name, "label": setting.label, "path": str(path),
        "clusters": result.clusters, "words": setting.words, "statistic": setting.kind,
        "systems": [{"system": r[0], "rouge1": round(r[1], 2), "rouge2": round(r[2], 2),
                     "rougeL": round(r[3], 2), "seconds": round(r[4], 2)} for r in rows],
        "best_baseline_rouge2": {"system": best_name, "rouge2": round(best_r2, 2)},
        "rouge2_gain_over_best_baseline_percent":
            round(100.0 * (ours[2] - best_r2) / best_r2, 1) if best_r2 else None,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _print_text(report: dict) -> None:
    print(f"{report['label']} — {report['clusters']} clusters ({report['path']})")
    print(f"{'system':<10} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'seconds':>8}")
    for s in report["systems"]:
        print(f"{s['system']:<10} {s['rouge1']:>8.2f} {s['rouge2']:>8.2f} {s['rougeL']:>8.2f} "
              f"{s['seconds']:>8.1f}")
    gain = report["rouge2_gain_over_best_baseline_percent"]
    best = report["best_baseline_rouge2"]
    print(f"ROUGE-2 vs best baseline ({best['system']} {best['rouge2']:.2f}): "
          f"{gain:+.1f}% relative" if gain is not None else "")
    print()
