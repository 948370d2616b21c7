"""The README's Python example runs as written (a doctest, from the repository root)."""

from __future__ import annotations

import doctest
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_readme_python_example_runs(monkeypatch):
    monkeypatch.chdir(REPO)  # its paths are the repository's
    result = doctest.testfile(str(REPO / "README.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted >= 5, "the README lost its Python example"
    assert result.failed == 0
