"""Fit the sentence-importance model of :mod:`storyline.digest.importance` on tuning data only.

    python -m storyline.evaluate.train_importance ../shared/data [--write]
        [--analysis-cache ~/.cache/storyline/analysis]

reads the *tuning* parts (:mod:`storyline.evaluate.splits`) of DUC 2003, DUC 2006 (where
present) and Multi-News (``multi_news/validation.csv``), scores every candidate sentence of
each cluster as the summarizer does, and fits a ridge regression from
:data:`storyline.digest.importance.FEATURES` to the sentence's ROUGE-2 precision against the
cluster's human summaries (the share of its stemmed bigrams that one of them contains). Each
cluster weighs the same. ``--write`` rewrites ``storyline/digest/importance_weights.py``;
without it the coefficients are printed. The reporting parts are never read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest.concepts import tokens
from storyline.digest.importance import FEATURES
from storyline.evaluate.coefficients import write_coefficients

Case = tuple[str, Sequence[AnalyzedArticle], Sequence[str]]


def bigrams(text: str) -> set[tuple[str, str]]:
    """Adjacent stemmed tokens (stop words kept, as ROUGE-2 counts them).

    >>> sorted(bigrams("Floods hit the towns"))
    [('flood', 'hit'), ('hit', 'the'), ('the', 'town')]
    """
    t = tokens(text)
    return set(zip(t, t[1:], strict=False))


def target(sentence: str, references: Sequence[set[tuple[str, str]]]) -> float:
    """Share of the sentence's bigrams that some reference contains.

    >>> target("Floods hit the towns", [bigrams("The floods hit the towns hard")])
    1.0
    """
    own = bigrams(sentence)
    if not own:
        return 0.0
    found = set().union(*references) if references else set()
    return len(own & found) / len(own)


def examples(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Features of each candidate sentence of one cluster and its ROUGE-2 precision."""
    from storyline.digest.summary import SummaryConfig, score

    _, analyzed, references = case
    # Any coefficients will do: only the features are read (the shipped ones may be stale).
    scored = score(analyzed, SummaryConfig(learned=1.0,
                                           importance_coefficients=(0.0,) * len(FEATURES)))
    if scored.features is None or not len(scored.pool):
        return np.zeros((0, len(FEATURES))), np.zeros(0)
    refs = [bigrams(r) for r in references]
    y = np.asarray([target(c.text, refs) for c in scored.pool.candidates])
    return scored.features, y


def fit(cases: Iterable[Case], alpha: float = 1.0) -> np.ndarray:
    """Ridge coefficients (in :data:`FEATURES` order, the bias first); every cluster's rows
    weigh 1 in total."""
    from sklearn.linear_model import Ridge

    xs, ys, ws = [], [], []
    for case in cases:
        x, y = examples(case)
        if len(y):
            xs.append(x)
            ys.append(y)
            ws.append(np.full(len(y), 1.0 / len(y)))
    x, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    model = Ridge(alpha=alpha, fit_intercept=False)
    model.fit(x, y, sample_weight=w * len(y) / len(xs))
    return model.coef_.ravel()


def tuning_cases(root: Path, *, cache: Path | None = None, workers: int = 1) -> list[Case]:
    """The tuning clusters of DUC 2003, DUC 2006 and Multi-News under ``root``, analyzed."""
    from storyline.evaluate.splits import TUNING, part
    from storyline.evaluate.standalone_eval import analyzed_groups
    from storyline.evaluate.summaries import duc_cases, multinews_cases

    found = []
    for name in ("duc2003", "duc2006"):
        if (root / name).is_dir():
            found += duc_cases(root / name)
    if (root / "multi_news" / "validation.csv").is_file():
        found += multinews_cases(root / "multi_news" / "validation.csv")
    cases = [c for c in found if part(c.id) == TUNING]
    groups = analyzed_groups(cases, workers=workers, cache_dir=cache)
    return [(c.id, g, c.references) for c, g in zip(cases, groups, strict=True)]


def write(coefficients: Sequence[float], path: Path) -> None:
    """Rewrite the shipped coefficients module."""
    write_coefficients(path, (
        "Coefficients of the sentence-importance model (:mod:`storyline.digest.importance`)."
        "\n\nFitted by ``python -m storyline.evaluate.train_importance ../shared/data --skip "
        "duc2006\n--write`` on the tuning parts of DUC 2003 and Multi-News "
        "(:mod:`storyline.evaluate.splits`;\nwith DUC 2006's tuning topics added, two of three "
        "tuning parts scored lower); the\nreporting parts were never read. "
        "Order: :data:`storyline.digest.importance.FEATURES`."), coefficients)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storyline.evaluate.train_importance")
    parser.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    parser.add_argument("--write", action="store_true", help="rewrite importance_weights.py")
    parser.add_argument("--analysis-cache", type=Path, default=None,
                        help="reuse (and fill) analyses stored in this folder")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME",
                        help="leave a data set out (duc2003, duc2006, multi_news)")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: no such folder", file=sys.stderr)
        return 2
    root = args.data
    if args.skip:  # a view of the data folder without the skipped sets
        import tempfile

        view = Path(tempfile.mkdtemp())
        for entry in root.iterdir():
            if entry.name not in args.skip:
                (view / entry.name).symlink_to(entry.resolve())
        root = view
    cases = tuning_cases(root, cache=args.analysis_cache, workers=args.workers)
    if not cases:
        print(f"{args.data}: no tuning clusters found", file=sys.stderr)
        return 2
    coefficients = fit(cases)
    for name, value in zip(FEATURES, coefficients, strict=True):
        print(f"{name:>16} {value:+.4f}")
    if args.write:
        from storyline.digest import importance_weights

        write(coefficients, Path(importance_weights.__file__))
        print(f"wrote {importance_weights.__file__}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
