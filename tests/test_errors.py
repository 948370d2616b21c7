"""One error hierarchy (storyline.Error), mapped to one line and an exit status by the CLI;
logging set up once by ``storyline -v``."""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil

import pytest
import typer
from typer.testing import CliRunner

import storyline
from storyline import errors
from storyline.cli import logs

cli_app = importlib.import_module("storyline.cli.app")  # the package's "app" is the Typer app


def _modules():
    for info in pkgutil.walk_packages(storyline.__path__, "storyline."):
        yield importlib.import_module(info.name)


def test_every_exception_class_is_a_storyline_error():
    """No second base: each exception class defined in the package derives from Error."""
    found = {}
    for module in _modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = cls
    assert len(found) >= 15  # the walk saw the package's errors
    strays = sorted(name for name, cls in found.items() if not issubclass(cls, errors.Error))
    assert strays == []


def test_old_names_and_bases_still_work():
    from storyline.digest.compose import StoryNotFound
    from storyline.ingest.records import InputError
    from storyline.serve.server import ServeError
    from storyline.stance.model import ModelFileError
    from storyline.store.database import StoreBusy, StoreError

    assert InputError is storyline.InputError and StoreError is storyline.StoreError
    assert ServeError is storyline.ServeError and issubclass(StoreBusy, StoreError)
    assert issubclass(StoryNotFound, LookupError) and issubclass(StoryNotFound, errors.DigestError)
    assert issubclass(ModelFileError, ValueError) and issubclass(ModelFileError, errors.Error)


@pytest.mark.parametrize(("error", "code"), [
    (errors.InputError("news.csv: not UTF-8"), 2),
    (errors.StoreError("cannot open store x.db: disk I/O error"), 2),
    (cli_app.UserError("--words 0: must be at least 1"), 2),
    (errors.EvaluationError("duc2003: DUC 2003 documents not found"), 1),
    (errors.AnalysisError("model.npz: unreadable stance model"), 1),
])
def test_main_turns_an_error_into_one_line_and_a_status(monkeypatch, capsys, error, code):
    def command():
        raise error

    monkeypatch.setattr(cli_app, "app", command)
    with pytest.raises(SystemExit) as done:
        cli_app.main()
    assert done.value.code == code
    captured = capsys.readouterr()
    assert captured.err == f"storyline: error: {error}\n" and captured.out == ""


def test_main_turns_a_database_failure_into_one_store_line(monkeypatch, capsys):
    """The driver's error (the database went away, is read-only, its disk is full) reaches
    the user as the store's one line, through ``store.errors`` (the CLI does not know the
    driver's classes)."""
    from sqlalchemy.exc import OperationalError

    def command():
        raise OperationalError("INSERT INTO articles", {},
                               Exception("attempt to write a readonly database\ndetail"))

    monkeypatch.setattr(cli_app, "app", command)
    with pytest.raises(SystemExit) as done:
        cli_app.main()
    assert done.value.code == 1
    captured = capsys.readouterr()
    assert captured.err == "storyline: error: store: attempt to write a readonly database\n"


@pytest.fixture
def storyline_logger():
    logger = logging.getLogger("storyline")
    level, handlers = logger.level, list(logger.handlers)
    yield logger
    logger.setLevel(level)
    logger.handlers[:] = handlers


@pytest.mark.parametrize(("flags", "shown"), [([], False), (["-v"], True), (["--verbose"], True)])
def test_verbose_shows_what_storyline_logs(storyline_logger, capsys, flags, shown):
    result = CliRunner().invoke(cli_app.app, [*flags, "stories", "--db", "sqlite://"])
    assert result.exit_code == 0, result.output
    logging.getLogger("storyline.read").info("read 3 articles")
    logging.getLogger("storyline.read").warning("skipped a.jsonl:2: missing text")
    err = capsys.readouterr().err
    assert ("storyline: INFO: read 3 articles" in err) is shown
    assert "storyline: WARNING: skipped a.jsonl:2: missing text" in err
    CliRunner().invoke(cli_app.app, [*flags, "stories", "--db", "sqlite://"])
    assert sum(isinstance(h, logs.StderrHandler) for h in storyline_logger.handlers) == 1


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_is_an_option_of_every_command(storyline_logger, capsys, where):
    args = ["stories", "--db", "sqlite://"]
    args = ["-v", *args] if where == "before" else [*args, "-v"]
    result = CliRunner().invoke(cli_app.app, args)
    assert result.exit_code == 0, result.output
    logging.getLogger("storyline.read").info("read 3 articles")
    assert "storyline: INFO: read 3 articles" in capsys.readouterr().err
    # Every command, nested ones too, lists it in its help.
    group = typer.main.get_command(cli_app.app)
    commands = [group.commands["ingest"], group.commands["eval"].commands["quotes"]]
    assert all(any("--verbose" in p.opts for p in c.params) for c in commands)


def test_library_errors_name_no_command_line_option():
    """Messages of errors raised outside storyline/cli name the input and the problem; the
    command line adds the option that fixes it (``cli.app.hint``)."""
    import ast
    import re
    from pathlib import Path

    package = Path(storyline.__file__).parent
    found = []
    for path in package.rglob("*.py"):
        if "cli" in path.relative_to(package).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # An HTTP answer tells an API client how the server was started: not a library
            # error. An install command ("pip install --no-deps") is no storyline option.
            if (isinstance(node, ast.Raise) and node.exc is not None
                    and "HTTPException" not in ast.unparse(node.exc)):
                for part in ast.walk(node.exc):
                    if (isinstance(part, ast.Constant) and isinstance(part.value, str)
                            and re.search(r"(^|[\s(])--[a-z]", part.value)
                            and "pip install" not in part.value):
                        found.append(f"{path.relative_to(package)}:{node.lineno}")
    assert not found, found
