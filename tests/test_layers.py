"""The contracts of pyproject.toml ([tool.importlinter]) hold and cover the package: the
layers, and SQL (sqlalchemy, the store's tables) only in storyline.store."""

from __future__ import annotations

import ast
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
    """``lint-imports`` (import-linter) exits 0: no import against the layers. (Run as its
    console script does, without its on-disk cache.)"""
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                               "sys.exit(lint_imports(no_cache=True))"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 kept, 0 broken" in done.stdout


def test_no_contract_has_exceptions():
    """The contracts hold without exceptions: an ``ignore_imports`` entry would let an import
    against the layers, or SQL outside the store, back in unnoticed."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert config["contracts"], "no contracts"
    for contract in config["contracts"]:
        assert not contract.get("ignore_imports"), (contract["name"], contract["ignore_imports"])


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


def test_no_module_is_over_400_lines():
    """Small modules with one job each: none of the package's is over 400 lines."""
    sizes = {str(path.relative_to(REPO)): len(path.read_text(encoding="utf-8").splitlines())
             for path in (REPO / "storyline").rglob("*.py")}
    assert sizes, "no modules found"
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(k, ast.Name) and k.id in ("ImportError", "ModuleNotFoundError")
               for k in kinds)


def _imports_storyline(statements: list[ast.stmt]) -> bool:
    for node in (n for statement in statements for n in ast.walk(statement)):
        if isinstance(node, ast.ImportFrom) and (node.level or
                                                 (node.module or "").startswith("storyline")):
            return True
        if isinstance(node, ast.Import) and any(a.name.startswith("storyline")
                                                for a in node.names):
            return True
    return False


def test_no_import_of_storyline_is_guarded_by_except_import_error():
    """A broken installation of storyline fails loudly (``cli.app.main`` names it in one
    line): no module imports one of storyline's own modules in a ``try`` that catches
    ImportError and carries on without it."""
    guarded = []
    for path in (REPO / "storyline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Try) and _imports_storyline(node.body) and \
                    any(_catches_import_error(h) for h in node.handlers):
                guarded.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert guarded == []
