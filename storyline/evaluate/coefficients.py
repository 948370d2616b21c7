"""Writing a fitted linear model into the package as a small Python module of numbers.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "weights.py"
>>> write_coefficients(path, "Coefficients of a toy model.", [0.5, -1.25])
>>> namespace = {}; exec(path.read_text(), namespace); namespace["COEFFICIENTS"]
(0.5, -1.25)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def write_coefficients(path: Path, docstring: str, coefficients: Sequence[float]) -> None:
    """Rewrite ``path`` as a module holding ``COEFFICIENTS`` (4 decimals) under ``docstring``."""
    numbers = "".join(f"\n    {v:.4f}," for v in coefficients)
    path.write_text(f'"""{docstring}\n"""\n\nCOEFFICIENTS = ({numbers}\n)\n', encoding="utf-8")
