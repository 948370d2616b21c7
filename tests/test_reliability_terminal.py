"""Failure 8 of issue 17: titles, outlets and ids from articles printed as Rich markup (a
title became a clickable link to another site, blinking text) and raw escape sequences
(clear screen, window title, OSC 8 hyperlinks) passed through `stories`, `articles`, `show`.

The commands print to a console that believes it is a colour terminal, as a user's is."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from storyline.cli import app
from storyline.ingest.runner import ingest_paths
from storyline.store import open_store
from storyline.stories import make_assigner

HOSTILE_TITLE = ("[link=https://evil.example]Click here[/link] [blink]now[/blink] "
                 "\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\")
HOSTILE_SOURCE = "[bold red]Evil[/] Wire\x1b[5m\u202egnp.exe"
HOSTILE_ID = "id-[blink]x[/blink]"


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "a.jsonl"
    path.write_text(json.dumps({
        "id": HOSTILE_ID, "title": HOSTILE_TITLE, "source": HOSTILE_SOURCE,
        "published": "2024-03-01",
        "text": "The harbour authority closed the north pier after a crane collapsed."}) + "\n")
    url = f"sqlite:///{folder / 's.db'}"
    store = open_store(url)
    ingest_paths(store, [path], assigner=make_assigner(store))
    story = store.list_stories()[0].id
    store.close()
    return url, story


@pytest.fixture
def terminal(monkeypatch):
    """Every console of the CLI writes to one buffer as a colour terminal would."""
    import importlib
    import sys

    # ``show`` imports show_updates when it runs: imported now, so that it is patched (and
    # restored) too rather than keeping this console for the tests that come after.
    importlib.import_module("storyline.cli.show_updates")
    # ``storyline.cli.app`` the attribute is the Typer application; the module is in
    # sys.modules. Every command module that holds the consoles is patched.
    modules = [module for name, module in list(sys.modules.items())
               if name.startswith("storyline.cli.") and module is not None]
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="truecolor", width=200,
                      highlight=False, soft_wrap=True)
    for module in modules:
        for name in ("out", "err"):
            if isinstance(getattr(module, name, None), Console):
                monkeypatch.setattr(module, name, console)
    return buffer


def check(output: str) -> None:
    assert "\x1b]" not in output  # no OSC: hyperlinks, window titles
    assert "\x1b[2J" not in output and "\x07" not in output
    assert "\x1b[5m" not in output and "\x1b[6m" not in output  # blink
    assert "\u202e" not in output  # no right-to-left override
    assert "evil.example" not in output or "[link=https://evil.example]" in output


@pytest.mark.parametrize("command", [
    ["stories"], ["articles"], ["articles", "harbour"], ["show", "STORY", "--no-summary"],
])
def test_hostile_titles_print_no_escape_sequence_or_hyperlink(hostile_store, terminal, command):
    url, story = hostile_store
    args = [story if part == "STORY" else part for part in command]
    result = CliRunner().invoke(app, [*args, "--db", url])
    assert result.exit_code == 0, result.output
    output = terminal.getvalue()
    check(output)
    # Shown as the text it is (the markup as written, escape characters dropped).
    assert "[link=https://evil.example]Click here[/link]" in output
    if command[0] != "stories":
        assert "[bold red]Evil[/] Wire" in output


def test_an_error_message_naming_hostile_input_prints_it_as_text(hostile_store, terminal):
    url, _ = hostile_store
    result = CliRunner().invoke(app, ["show", "[link=https://evil.example]x[/link]\x1b[2J",
                                      "--db", url])
    assert result.exit_code == 2, result.output
    output = terminal.getvalue()
    check(output)
    assert "no such story" in output
