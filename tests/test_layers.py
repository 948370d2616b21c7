"""The layer contract of pyproject.toml ([tool.importlinter]) holds, and covers the package."""

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
    assert "1 kept, 0 broken" in done.stdout


def test_every_subpackage_has_a_layer():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["type"] == "layers"]
    layered = {name.strip().removeprefix("storyline.")
               for layer in contract["layers"] for name in re.split(r"[|:]", layer)}
    present = {m.name for m in pkgutil.iter_modules(storyline.__path__)}
    assert present - UNLAYERED <= layered, f"not in any layer: {present - UNLAYERED - layered}"
    assert layered <= present, f"layers name what does not exist: {layered - present}"
