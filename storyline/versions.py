"""Cache versions derived from the code and data that produce what is cached.

A stored analysis, digest or feature row is current only if it was made by the same code,
the same shipped weights and the same models. Bumping a number by hand after each change
was forgotten more than once (stale digests served); a hash of the sources cannot be
forgotten. It costs a read of the files (a few hundred KB, ~2 ms) and imports nothing, so
``storyline show`` can check a stored digest without loading the summarizer.

>>> a = code_version("text", "model.py")
>>> len(a), a == code_version("text", "model.py"), a == code_version("text")
(12, True, False)
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
_SOURCES = (".py", ".json", ".npz", ".onnx", ".txt")  # code and the weights shipped with it


@cache
def code_version(*parts: str, extra: str = "") -> str:
    """12 hex digits of a hash over the files of ``parts`` (subpackages or modules of
    storyline, e.g. ``"analyze"`` or ``"model.py"``) and ``extra`` (say, a model's version)."""
    digest = hashlib.sha1(extra.encode("utf-8"))
    for part in parts:
        path = PACKAGE / part
        files = sorted(p for p in path.rglob("*") if p.suffix in _SOURCES) \
            if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(PACKAGE)).encode("utf-8"))
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def installed(*distributions: str) -> str:
    """``name==version`` of installed distributions (``"?"`` for one that is missing), read
    from their metadata without importing them.

    >>> installed("numpy").startswith("numpy==")
    True
    """
    out = []
    for name in distributions:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}==?")
    return ",".join(out)


__all__ = ["code_version", "installed"]
