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
from storyline.cli.eval_cmd import (
    DucMultiNewsData,
    datasets_or_fail,
    default_data_dir,
    duc_cases_or_fail,
    eval_app,
)

DATASETS = ("duc", "duc2006", "multinews")


@eval_app.command("summarize")
def eval_summarize(
    data: DucMultiNewsData = None,
    dataset: Annotated[list[str] | None, typer.Option("--dataset", help="duc (2003), duc2006 "
                                                      "or multinews (repeat for several; "
                                                      "default all three).",
                                                      show_default=False)] = None,
    duc: Annotated[Path | None, typer.Option("--duc", help="A DUC-style folder (docs/ and "
                                             "models/) instead of DATA/duc2003.",
                                             show_default=False)] = None,
    duc2006: Annotated[Path | None, typer.Option("--duc2006", help="A DUC 2006-style folder "
                                                 "instead of DATA/duc2006.",
                                                 show_default=False)] = None,
    multinews: Annotated[Path | None, typer.Option("--multinews", help="A Multi-News CSV "
                                                   "instead of DATA/multi_news/"
                                                   "validation.csv.", show_default=False)] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N clusters of "
                                              "each data set.", show_default=False)] = None,
    duc_words: Annotated[int, typer.Option("--duc-words", help="DUC 2003 budget (recall).")]
    = 100,
    duc2006_words: Annotated[int, typer.Option("--duc2006-words",
                                               help="DUC 2006 budget (recall).")] = 250,
    multinews_words: Annotated[int, typer.Option("--multinews-words",
                                                 help="Multi-News budget (F1).")] = 260,
    analysis_cache: Annotated[Path | None, typer.Option(
        "--analysis-cache", help="Keep each article's analysis in this folder and reuse it "
        "on later runs (per analyzer version).", show_default=False)] = None,
    workers: WorkersOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """ROUGE-1/2/L of storyline's summaries and of lead, LexRank, TextRank and centroid.

    Every data set is split in code into a tuning part and a reporting part (by topic or
    cluster; storyline.evaluate.splits): anything learned or tuned saw only the tuning part,
    so only the reporting part is a result. Both are printed, side by side.

    DUC 2003: recall of the first --duc-words words, averaged over each cluster's human
    summaries, then over clusters (rouge-score, Porter stemming). DUC 2006: ROUGE-1.5.5
    recall at --duc2006-words words with DUC's settings (jackknifed; R-SU4 in the third
    column), beside NIST's published figures. Multi-News: F1 at --multinews-words words
    (rouge-score). Every system is cut at the budget the same way.
    """
    from storyline.evaluate.summaries import multinews_cases
    from storyline.evaluate.summary_eval import Setting

    if limit is not None and limit < 1:
        fail(f"--limit {limit}: must be at least 1")
    processes = workers_or_fail(workers)
    chosen = datasets_or_fail(dataset, DATASETS)
    root = data or default_data_dir()
    jobs = []
    if "duc" in chosen:
        path = duc or root / "duc2003"
        cases = duc_cases_or_fail(path, limit)
        jobs.append((Setting("duc", duc_words, "recall"), cases, path))
    if "duc2006" in chosen:
        path = duc2006 or root / "duc2006"
        cases = duc_cases_or_fail(path, limit, "DUC 2006")
        from storyline.evaluate.tls import MetricUnavailable, rouge_home

        try:
            rouge_home()
        except MetricUnavailable as exc:
            fail(f"--dataset duc2006: {exc}")
        # The graph baselines (LexRank, TextRank) take minutes per 25-article topic here.
        jobs.append((Setting("duc2006", duc2006_words, "recall", rouge155=True,
                             baselines=("lead", "centroid")), cases, path))
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
        reports.append(_run(setting, cases, path, processes, analysis_cache))
    if fmt == OutputFormat.json:
        typer.echo(json.dumps(reports, indent=1))
        return
    for report in reports:
        _print_text(report)


def _run(setting, cases, path: Path, workers: int, cache_dir: Path | None = None) -> dict:
    from storyline.analyze.pipeline import analyze_groups, workers_for
    from storyline.evaluate.splits import PARTS, REPORTING
    from storyline.evaluate.summary_eval import SYSTEM, evaluate

    started = time.perf_counter()
    workers = workers_for(sum(len(case.articles) for case in cases), workers)
    err.print(f"eval summarize: {setting.label}: {len(cases)} clusters from {path}; analyzing "
              f"on {workers} process(es)", highlight=False)

    def analyzed_cases():
        if cache_dir is not None:
            from storyline.analyze.file_cache import FileCache

            groups = FileCache(cache_dir).analyze_groups((case.articles for case in cases),
                                                         workers=workers)
        else:
            groups = analyze_groups((case.articles for case in cases), workers=workers)
        for case, analyzed in zip(cases, groups, strict=True):
            yield case.id, analyzed, case.references

    with progress_bar(f"{setting.name}") as bar:
        result = evaluate(analyzed_cases(), setting, on_cluster=bar(len(cases)))
    third = "rougeSU4" if setting.rouge155 else "rougeL"
    parts = {}
    for part in PARTS:
        rows = result.table(part)
        best_name, best_r2 = result.best_baseline(2, rows=rows)
        ours = next(r for r in rows if r[0] == SYSTEM)
        parts[part] = {
            "clusters": len(result.part_indexes(part)),
            "systems": [{"system": r[0], "rouge1": round(r[1], 2), "rouge2": round(r[2], 2),
                         third: round(r[3], 2), "seconds": round(r[4], 2)} for r in rows],
            "best_baseline_rouge2": {"system": best_name, "rouge2": round(best_r2, 2)},
            "rouge2_gain_over_best_baseline_percent":
                round(100.0 * (ours[2] - best_r2) / best_r2, 1) if best_r2 else None,
        }
    report = {
        "dataset": setting.name, "label": setting.label, "path": str(path),
        "clusters": result.clusters, "words": setting.words, "statistic": setting.kind,
        "result": REPORTING, "parts": parts,
        "seconds": round(time.perf_counter() - started, 1),
    }
    if setting.name == "duc2006":
        report["published"] = PUBLISHED_DUC2006
    return report


# NIST's DUC 2006 run (rouge2.jk.m.avg beside the data): ROUGE-2 recall, jackknifed, all topics.
PUBLISHED_DUC2006 = {"best system (24)": 9.51, "second system (12)": 8.99,
                     "humans": "10.36-13.26"}


def _print_text(report: dict) -> None:
    from storyline.evaluate.splits import REPORTING, TUNING

    third = "ROUGE-SU4" if report["dataset"] == "duc2006" else "ROUGE-L"
    print(f"{report['label']} — {report['clusters']} clusters ({report['path']})")
    reporting, tuning = report["parts"][REPORTING], report["parts"][TUNING]
    print(f"{'':<10} {'REPORTING (the result): ' + str(reporting['clusters']) + ' clusters':<37}"
          f"   tuning (in-sample): {tuning['clusters']} clusters")
    print(f"{'system':<10} {'ROUGE-1':>8} {'ROUGE-2':>8} {third:>9} {'seconds':>8}   "
          f"{'ROUGE-1':>8} {'ROUGE-2':>8} {third:>9}")
    key = "rougeSU4" if report["dataset"] == "duc2006" else "rougeL"
    for r, t in zip(reporting["systems"], tuning["systems"], strict=True):
        print(f"{r['system']:<10} {r['rouge1']:>8.2f} {r['rouge2']:>8.2f} {r[key]:>9.2f} "
              f"{r['seconds'] + t['seconds']:>8.1f}   {t['rouge1']:>8.2f} {t['rouge2']:>8.2f} "
              f"{t[key]:>9.2f}")
    for name, part in ((REPORTING, reporting), (TUNING, tuning)):
        gain = part["rouge2_gain_over_best_baseline_percent"]
        best = part["best_baseline_rouge2"]
        if gain is not None:
            print(f"{name}: ROUGE-2 vs best baseline ({best['system']} {best['rouge2']:.2f}): "
                  f"{gain:+.1f}% relative")
    if "published" in report:
        print("NIST's published DUC 2006 ROUGE-2 (all 50 topics): " + ", ".join(
            f"{k} {v}" for k, v in report["published"].items()))
    print()
