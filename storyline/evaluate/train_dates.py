"""Fit the timeline's date model on the Timeline17 tuning topics only.

    python -m storyline.evaluate.train_dates ../shared/data/timeline17 [--write]

For every task of a tuning topic (:func:`storyline.evaluate.splits.timeline17_part`), each
day mentioned or published within the task's range is an example, labelled by whether the
reference timeline has it; features are :func:`storyline.digest.timeline.date_features`.
A logistic model (each task weighing the same) gives the coefficients; ``--write`` rewrites
``storyline/digest/date_weights.py``. Reporting topics are never read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from storyline.digest.timeline import DATE_FEATURES, date_features, prepare
from storyline.evaluate.coefficients import write_coefficients
from storyline.evaluate.timeline17 import Task


def examples(task: Task) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows of the task's candidate days and whether the reference has each."""
    days, rows = date_features(prepare(task.articles))
    keep = [i for i, d in enumerate(days) if task.start <= d <= task.end]
    labels = np.asarray([days[i] in task.reference for i in keep], np.float64)
    return rows[keep], labels


def fit(tasks: Iterable[Task], c: float = 1.0) -> np.ndarray:
    """Coefficients in :data:`DATE_FEATURES` order (the bias first)."""
    from sklearn.linear_model import LogisticRegression

    xs, ys, ws = [], [], []
    for task in tasks:
        x, y = examples(task)
        if not len(y):
            continue
        xs.append(x)
        ys.append(y)
        ws.append(np.full(len(y), 1.0 / len(y)))
    x, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
    model.fit(x, y, sample_weight=w * len(y) / len(xs))
    return model.coef_.ravel()


def tuning_tasks(root: Path) -> list[Task]:
    """Every task of the Timeline17 tuning topics under ``root``."""
    from storyline.evaluate.splits import TUNING, timeline17_part
    from storyline.evaluate.timeline17 import load_tasks, topics

    names = [p.name for p in topics(root) if timeline17_part(p.name) == TUNING]
    return list(load_tasks(root, only=names)) if names else []


def write(coefficients: Sequence[float], path: Path) -> None:
    """Rewrite the shipped coefficients module."""
    write_coefficients(path, (
        "Coefficients of the date model (:func:`storyline.digest.timeline.date_features`)."
        "\n\nFitted by ``python -m storyline.evaluate.train_dates ../shared/data/timeline17 "
        "--write`` on the\nTimeline17 tuning topics (:mod:`storyline.evaluate.splits`); the "
        "reporting topics were never\nread. Order: "
        ":data:`storyline.digest.timeline.DATE_FEATURES`."), coefficients)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storyline.evaluate.train_dates")
    parser.add_argument("timeline17", type=Path, help="../shared/data/timeline17")
    parser.add_argument("--write", action="store_true", help="rewrite date_weights.py")
    args = parser.parse_args(argv)
    if not args.timeline17.is_dir():
        print(f"{args.timeline17}: no such folder", file=sys.stderr)
        return 2
    tasks = tuning_tasks(args.timeline17)
    if not tasks:
        print(f"{args.timeline17}: no Timeline17 tuning topic in it", file=sys.stderr)
        return 2
    coefficients = fit(tasks)
    for name, value in zip(DATE_FEATURES, coefficients, strict=True):
        print(f"{name:>18} {value:+.4f}")
    if args.write:
        from storyline.digest import date_weights

        write(coefficients, Path(date_weights.__file__))
        print(f"wrote {date_weights.__file__}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
