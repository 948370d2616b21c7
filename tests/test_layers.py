"""The contracts of pyproject.toml ([tool.importlinter]) hold and cover the package: the
layers, and SQL (sqlalchemy, the store's tables) only in storyline.store."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import storyline

REPO = Path(__file__).resolve().parents[1]
# Subpackages outside the layers: data files only.
UNLAYERED = {"demo"}


def test_lint_imports_passes():
    """``lint-imports`` (import-linter) exits 0: no import against the layers beyond the
    listed exceptions. (Run as its console script does, without its on-disk cache.)"""
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                               "sys.exit(lint_imports(no_cache=True))"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 kept, 0 broken" in done.stdout


def test_every_subpackage_has_a_layer():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["type"] == "layers"]
    layered = {name.strip().removeprefix("storyline.")
               for layer in contract["layers"] for name in re.split(r"[|:]", layer)}
    present = {m.name for m in pkgutil.iter_modules(storyline.__path__)}
    assert present - UNLAYERED <= layered, f"not in any layer: {present - UNLAYERED - layered}"
    assert layered <= present, f"layers name what does not exist: {layered - present}"


def test_only_the_store_may_import_sqlalchemy():
    """Every subpackage but the store is a source of the "store owns SQL" contract, so a new
    one cannot run SQL unnoticed."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["type"] == "forbidden"]
    assert set(contract["forbidden_modules"]) == {"sqlalchemy", "storyline.store.schema"}
    sources = {name.removeprefix("storyline.") for name in contract["source_modules"]}
    present = {m.name for m in pkgutil.iter_modules(storyline.__path__)}
    assert present - UNLAYERED - {"store"} == sources
