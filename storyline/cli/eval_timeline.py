"""``storyline eval timeline PATH``: Timeline17 with the news-tls protocol, next to baselines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import FormatOption, OutputFormat, err, fail, out, print_json
from storyline.cli.eval_cmd import eval_app


@eval_app.command("timeline")
def eval_timeline(
    path: Annotated[Path, typer.Argument(help="The Timeline17 folder (../shared/data/timeline17)"
                                         " or one topic folder in it.")],
    topics: Annotated[str | None, typer.Option(help="Only these topic folders, comma-separated "
                                               "(bpoil_bbc,H1N1_bbc).", show_default=False)]
    = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """align+ m:1 ROUGE-1/ROUGE-2 F1 and date F1 (tilse), per task and on average.

    One task per reference timeline: the topic's articles published within the reference's
    date range, L = its number of dates, K = its mean sentences per date, sentences about
    the topic keyword. Baselines in the same run: the L days with most articles published
    (their lead sentences) and L random publication days (random sentences). Averages as
    news-tls: mean precision and mean recall over tasks, F1 of the two.

    Topics are split in code into tuning and reporting topics (storyline.evaluate.splits:
    the date model was fitted on the tuning topics only); the reporting topics' mean is the
    result, printed beside the tuning (in-sample) mean. ``storyline-noquery`` is storyline
    without the keyword; ``storyline-alone`` without the keyword and the reference's date
    range (the articles alone, as ``storyline timeline ARTICLES.jsonl`` is run).
    """
    from storyline.evaluate.splits import PARTS, REPORTING, timeline17_part
    from storyline.evaluate.timeline17 import SYSTEMS, run_evaluation
    from storyline.evaluate.timeline17 import topics as topic_folders
    from storyline.evaluate.tls import MetricUnavailable, mean_scores, rouge_home

    if not path.is_dir():
        fail(f"{path}: no such folder")
    found = [p.name for p in topic_folders(path)]
    if not found:
        fail(f"{path}: no Timeline17 topic folders (<topic>/InputDocs) in it")
    only = [t.strip() for t in topics.split(",") if t.strip()] if topics else None
    unknown = sorted(set(only or []) - set(found))
    if unknown:
        fail(f"--topics: not in {path}: {', '.join(unknown)}")
    try:
        rouge_home()
    except MetricUnavailable as exc:
        fail(str(exc))
    try:
        results = run_evaluation(path, only=only,
                                 progress=lambda m: err.print(m, markup=False, highlight=False))
    except MetricUnavailable as exc:
        fail(str(exc))
    means = {name: mean_scores([r.scores[name] for r in results]) for name in SYSTEMS}
    by_part = {part: [r for r in results if timeline17_part(r.name) == part] for part in PARTS}
    part_means = {part: {name: mean_scores([r.scores[name] for r in rs]) for name in SYSTEMS}
                  for part, rs in by_part.items() if rs}

    def prf(s) -> dict:
        return {k: {"precision": round(getattr(s, k).precision, 4),
                    "recall": round(getattr(s, k).recall, 4), "f1": round(getattr(s, k).f1, 4)}
                for k in ("rouge_1", "rouge_2", "dates")}

    if output is OutputFormat.json:
        print_json({
            "tasks": [{"task": r.name, "L": r.dates, "K": r.per_date, "articles": r.articles,
                       "systems": {n: prf(s) for n, s in r.scores.items()},
                       "seconds": {n: round(t, 2) for n, t in r.seconds.items()}}
                      for r in results],
            "mean": {n: prf(s) for n, s in means.items()},
            "result": REPORTING,
            "parts": {part: {"tasks": [r.name for r in by_part[part]],
                             "mean": {n: prf(s) for n, s in m.items()}}
                      for part, m in part_means.items()},
        })
        return
    names = list(SYSTEMS)
    out.print(f"Timeline17 {path}: {len(results)} tasks; align+ m:1 ROUGE-1 F / ROUGE-2 F / "
              "date F1 (tilse)")
    header = f"{'task':<44} {'L':>4} {'K':>2} {'docs':>5}"
    for n in names:
        header += f"  {n:>22}"
    out.print(header)
    for r in results:
        line = f"{r.name[:44]:<44} {r.dates:>4} {r.per_date:>2} {r.articles:>5}"
        for n in names:
            s = r.scores[n]
            line += f"  {s.rouge_1.f1:6.3f} {s.rouge_2.f1:6.3f} {s.dates.f1:6.3f} "
        out.print(line)
    line = f"{'mean (F1 of mean P and R, as news-tls)':<44} {'':>4} {'':>2} {'':>5}"
    for n in names:
        m = means[n]
        line += f"  {m.rouge_1.f1:6.3f} {m.rouge_2.f1:6.3f} {m.dates.f1:6.3f} "
    out.print(line)
    for part, m in part_means.items():
        label = ("REPORTING topics (the result)" if part == REPORTING
                 else "tuning topics (in-sample)")
        line = f"{label + ': ' + str(len(by_part[part])) + ' tasks':<44} {'':>4} {'':>2} {'':>5}"
        for n in names:
            line += f"  {m[n].rouge_1.f1:6.3f} {m[n].rouge_2.f1:6.3f} {m[n].dates.f1:6.3f} "
        out.print(line)
    out.print("news-tls DATEWISE on all of Timeline17: 0.120 0.035 0.544")
