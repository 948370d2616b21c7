"""``storyline ingest PATH...``"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import DbOption, app, err, fail, open_store_or_fail, print_json, progress_bar


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders: Article JSON Lines, CSV, "
                                                "text/Markdown/HTML, gzip of these, DUC, "
                                                "Timeline17, Multi-News CSV, WCEP jsonl.gz.")],
    db: DbOption = None,
    input_format: Annotated[str | None, typer.Option(
        "--format", help="Read every PATH with this reader instead of detecting it.")] = None,
    strict: Annotated[bool, typer.Option(
        help="Exit non-zero when anything was skipped.")] = False,
    json_report: Annotated[bool, typer.Option(
        "--json", help="Print the report as JSON on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Don't list each skip.")] = False,
) -> None:
    """Read articles into the store, recognizing duplicates and assigning stories."""
    from storyline.ingest.formats import READERS
    from storyline.ingest.runner import ingest_paths

    if input_format and input_format not in READERS:
        fail(f"--format {input_format}: unknown format (known: {', '.join(sorted(READERS))})")
    store = open_store_or_fail(db)
    shown = 0

    def on_skip(skip):
        nonlocal shown
        if not quiet and shown < 50:
            err.print(f"skipped {skip.message()}", markup=False, highlight=False, soft_wrap=True)
        shown += 1

    assigner = _story_assigner(store)
    with progress_bar("ingesting") as factory:
        report = ingest_paths(store, paths, fmt=input_format, assigner=assigner,
                              on_skip=on_skip, progress_factory=factory)
    if shown > 50 and not quiet:
        err.print(f"... and {shown - 50} more skips", markup=False)
    if json_report:
        print_json(report.to_json())
    else:
        typer.echo(report.summary())
    nothing_read = report.read == 0 and report.already_present == 0
    if nothing_read:
        fail("nothing could be read from " + ", ".join(str(p) for p in paths), code=1)
    if strict and report.skipped:
        fail(f"--strict: {report.skipped} input(s) skipped", code=1)


def _story_assigner(store):
    """The online story assigner, when story detection is installed."""
    try:
        from storyline.stories import make_assigner
    except ImportError:
        return None
    return make_assigner(store)
