"""``storyline eval ...``: each capability's evaluation on the public data sets.

Each evaluation lives in its own module and adds its command to ``eval_app``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import app

eval_app = typer.Typer(
    help="Measure quality on ../shared/data next to simple baselines run in the same command.",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")


def default_data_dir() -> Path:
    """``$STORYLINE_SHARED_DATA``, else ``../shared/data`` from the working directory."""
    return Path(os.environ.get("STORYLINE_SHARED_DATA", Path.cwd().parent / "shared" / "data"))


def datasets_or_fail(chosen: list[str] | None, known) -> list[str]:
    """The data sets asked for (all ``known`` ones when none), each one known."""
    from storyline.cli.app import fail

    chosen = chosen or list(known)
    for name in chosen:
        if name not in known:
            fail(f"--dataset {name}: unknown (choose from {', '.join(known)})")
    return chosen


def duc_cases_or_fail(path: Path, limit: int | None, label: str = "DUC") -> list:
    """The clusters of a DUC folder (docs/ and models/), or a one-line error naming it."""
    from storyline.cli.app import fail
    from storyline.evaluate.summaries import duc_cases

    if not path.is_dir():
        fail(f"{path}: no {label} folder (expected docs/ and models/)")
    try:
        return duc_cases(path, limit=limit)
    except FileNotFoundError as exc:
        fail(str(exc))


# ``--data`` of the evaluations that read DUC 2003 and Multi-News.
DucMultiNewsData = Annotated[Path | None, typer.Option(
    "--data", help="Folder with duc2003/ and multi_news/ (default: $STORYLINE_SHARED_DATA, "
    "else ../shared/data).", show_default=False)]
