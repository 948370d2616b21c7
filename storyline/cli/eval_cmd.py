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


# ``--data`` of the evaluations that read DUC 2003 and Multi-News.
DucMultiNewsData = Annotated[Path | None, typer.Option(
    "--data", help="Folder with duc2003/ and multi_news/ (default: $STORYLINE_SHARED_DATA, "
    "else ../shared/data).", show_default=False)]
