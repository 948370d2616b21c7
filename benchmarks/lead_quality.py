"""What a summary loses when a big story is read from its articles' leads.

A story whose articles hold more than ``DigestSettings.lead_from_chars`` characters is
digested from each article's first ``lead_sentences`` sentences (``digest.first_analysis``).
No data set here has reference summaries of stories that big, so this measures the same cut
where references exist: the summaries of DUC 2003 and DUC 2006 clusters, composed from
the whole analyses and from the same analyses cut to each article's first N sentences
(``analyze.lead``), scored in the same run with the protocol of ``storyline eval
summarize`` (DUC 2003: rouge-score recall at 100 words; DUC 2006: ROUGE-1.5.5 recall at 250
words, jackknifed), reporting clusters and tuning clusters side by side.

Usage::

    .venv/bin/python benchmarks/lead_quality.py --analysis-cache ~/.cache/storyline-eval
    .venv/bin/python benchmarks/lead_quality.py --leads 5 --leads 8 --leads 12
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from storyline.analyze.file_cache import FileCache
from storyline.analyze.lead import cut_analysis
from storyline.analyze.pipeline import default_workers
from storyline.evaluate.splits import PARTS
from storyline.evaluate.summaries import duc_cases
from storyline.evaluate.summary_eval import SYSTEM, Setting, evaluate

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))


def _cut(analyzed, sentences: int | None):
    if sentences is None:
        return analyzed
    return [cut_analysis(a, sentences) for a in analyzed]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--leads", type=int, action="append",
                        help="first sentences kept of each article (repeatable; default 8)")
    parser.add_argument("--analysis-cache", type=Path, required=True)
    args = parser.parse_args()
    leads = args.leads or [8]
    settings = [(Setting("duc", 100, "recall", baselines=("lead",)), args.data / "duc2003"),
                (Setting("duc2006", 250, "recall", rouge155=True, baselines=("lead",)),
                 args.data / "duc2006")]
    for setting, path in settings:
        cases = duc_cases(path)
        groups = list(FileCache(args.analysis_cache).analyze_groups(
            (c.articles for c in cases), workers=default_workers()))
        sentences = sum(len(a.analysis.sentences) for g in groups for a in g)
        print(f"{setting.label}: {len(cases)} clusters, {sentences / len(cases):.0f} "
              f"sentences a cluster, {sentences / sum(len(g) for g in groups):.1f} an article")
        for n in [None, *leads]:
            result = evaluate(((c.id, _cut(g, n), c.references)
                               for c, g in zip(cases, groups, strict=True)), setting)
            for part in PARTS:
                row = next(r for r in result.table(part) if r[0] == SYSTEM)
                lead = next(r for r in result.table(part) if r[0] == "lead")
                what = "whole articles" if n is None else f"first {n} sentences"
                print(f"  {what:<20} {part:<9} storyline R1 {row[1]:6.2f} R2 {row[2]:6.2f}"
                      f"   lead baseline R1 {lead[1]:6.2f} R2 {lead[2]:6.2f}")


if __name__ == "__main__":
    main()
