"""Fit the concept-weight model of :mod:`storyline.digest.concepts` on tuning data only.

    python -m storyline.evaluate.train_concepts ../shared/data [--write]

reads the *tuning* parts (:mod:`storyline.evaluate.splits`) of DUC 2003 and DUC 2006,
analyzes their articles, and fits a logistic model: for each concept of a cluster's
candidate sentences, the share of the cluster's human summaries that contain it (each
cluster weighs the same). Multi-News is left out: its clusters are mostly of 1-3 articles,
where the summarizer does not use concepts, and adding its tuning clusters (all, or those of
4+ articles) lowered the DUC tuning figures (docs/results/summary.md). ``--write``
rewrites ``storyline/digest/concept_weights.py``; without it the coefficients are printed.
The reporting parts are never read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest.candidates import build_pool
from storyline.digest.concepts import FEATURES, concept_table, sentence_concepts
from storyline.evaluate.coefficients import write_coefficients

Case = tuple[str, Sequence[AnalyzedArticle], Sequence[str]]


def examples(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Features of each concept of one cluster and the share of references containing it."""
    _, analyzed, references = case
    pool = build_pool(analyzed)
    table = concept_table([(c.article, c.position, c.text) for c in pool.candidates],
                          len(analyzed), titles=[a.article.title or "" for a in analyzed],
                          outlets=[a.article.source for a in analyzed],
                          coefficients=np.zeros(len(FEATURES)))
    in_refs = [set(sentence_concepts(r)) for r in references]
    share = np.asarray([sum(name in r for r in in_refs) / max(1, len(in_refs))
                        for name in table.names])
    return table.features, share


def fit(cases: Iterable[Case], c: float = 1.0) -> np.ndarray:
    """Coefficients (in :data:`FEATURES` order, the bias first) of the logistic model.

    Each concept is two weighted rows (label 1 with weight = its share, label 0 with the
    rest); every cluster's rows weigh 1 in total, so big clusters do not dominate.
    """
    from sklearn.linear_model import LogisticRegression

    xs, ys, ws = [], [], []
    for case in cases:
        features, share = examples(case)
        if not len(share):
            continue
        per = 1.0 / len(share)
        xs += [features, features]
        ys += [np.ones(len(share)), np.zeros(len(share))]
        ws += [share * per, (1.0 - share) * per]
    x, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
    # Mean weight 1 per concept, so the regularization means the same for any data size.
    model.fit(x, y, sample_weight=w * (len(y) / 2) / (len(xs) / 2))
    return model.coef_.ravel()


def tuning_cases(root: Path, *, workers: int = 1) -> list[Case]:
    """The tuning clusters of DUC 2003 and DUC 2006 under ``root``, analyzed."""
    from storyline.analyze.pipeline import analyze_groups
    from storyline.evaluate.splits import TUNING, part
    from storyline.evaluate.summaries import duc_cases

    found = []
    for name in ("duc2003", "duc2006"):
        if (root / name).is_dir():
            found += duc_cases(root / name)
    cases = [c for c in found if part(c.id) == TUNING]
    groups = analyze_groups((c.articles for c in cases), workers=workers)
    return [(c.id, g, c.references) for c, g in zip(cases, groups, strict=True)]


def write(coefficients: Sequence[float], path: Path) -> None:
    """Rewrite the shipped coefficients module."""
    write_coefficients(path, (
        "Coefficients of the concept-weight model (:mod:`storyline.digest.concepts`).\n\n"
        "Fitted by ``python -m storyline.evaluate.train_concepts ../shared/data --write`` on "
        "the tuning\nparts of DUC 2003 and DUC 2006 "
        "(:mod:`storyline.evaluate.splits`); the reporting\nparts were never read. "
        "Order: :data:`storyline.digest.concepts.FEATURES`."), coefficients)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storyline.evaluate.train_concepts")
    parser.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    parser.add_argument("--write", action="store_true", help="rewrite concept_weights.py")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: no such folder", file=sys.stderr)
        return 2
    cases = tuning_cases(args.data, workers=args.workers)
    if not cases:
        print(f"{args.data}: no DUC tuning clusters found", file=sys.stderr)
        return 2
    coefficients = fit(cases)
    for name, value in zip(FEATURES, coefficients, strict=True):
        print(f"{name:>16} {value:+.4f}")
    if args.write:
        from storyline.digest import concept_weights

        write(coefficients, Path(concept_weights.__file__))
        print(f"wrote {concept_weights.__file__}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
