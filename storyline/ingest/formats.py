"""Which reader reads a path: detected from extension and content; ``--format`` overrides."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from storyline.ingest.jsonl import read_jsonl
from storyline.ingest.records import InputError, Skip
from storyline.model import Article

Reader = Callable[[Path], Iterator[Article | Skip]]

READERS: dict[str, Reader] = {
    "jsonl": read_jsonl,
}


def detect_format(path: Path) -> str:
    """The name of the reader for ``path`` (a key of READERS)."""
    if path.is_dir():
        raise InputError(f"{path}: is a folder, and no reader for folders is installed")
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    if ext in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    raise InputError(f"{path}: unknown format (use --format; known: {', '.join(sorted(READERS))})")


def read_path(path: Path, fmt: str | None = None) -> Iterator[Article | Skip]:
    """Everything one input path holds, with its reader chosen for it."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    name = fmt or detect_format(path)
    if name not in READERS:
        raise InputError(f"unknown format {name!r} (known: {', '.join(sorted(READERS))})")
    try:
        yield from READERS[name](path)
    except PermissionError as exc:
        raise InputError(f"{path}: unreadable ({exc.strerror})") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, not a {name} file") from exc
