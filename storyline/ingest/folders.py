"""Folders: every file storyline reads inside, recursively, in name order.

A Timeline17 topic folder met on the way (one with ``InputDocs/``) is read as Timeline17
(its ``timelines/`` are answers, not articles). Files of unknown kind are skipped with the
reason "unsupported file"; a file that cannot be read is skipped with its problem, and the
walk goes on. Hidden files and folders (``.git``, ``.DS_Store``) are passed over silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from storyline.ingest import datasets
from storyline.ingest.formats import head_of, read_path, sniff
from storyline.ingest.records import InputError, Skip
from storyline.model import Article


def read_folder(path: Path, fmt: str | None = None) -> Iterator[Article | Skip]:
    """Articles of every supported file under ``path`` (each read as ``fmt`` if given).

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "a.txt").write_text("Rain\\nRain fell all day.")
    >>> _ = (root / "b.bin").write_bytes(b"\\x00\\x01")
    >>> [getattr(x, "title", None) or x.reason for x in read_folder(root)]
    ['Rain', 'unsupported file']
    """
    errors: list[OSError] = []
    for folder, subfolders, files in os.walk(path, onerror=errors.append, followlinks=False):
        while errors:  # a sub-folder that could not be listed
            error = errors.pop(0)
            yield Skip(str(error.filename), "unreadable folder", error.strerror or str(error))
        here = Path(folder)
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        if fmt is None and (here / "InputDocs").is_dir():
            subfolders[:] = []  # Timeline17 topic: InputDocs only
            yield from _guarded(here, lambda p=here: datasets.read_timeline17(p))
            continue
        for file_name in sorted(files):
            if file_name.startswith("."):
                continue
            file = here / file_name
            if not file.is_file():  # a dangling link, a socket...
                continue
            yield from _read_file(file, fmt)
    for error in errors:
        yield Skip(str(error.filename), "unreadable folder", error.strerror or str(error))


def _read_file(file: Path, fmt: str | None) -> Iterator[Article | Skip]:
    if fmt is None:
        try:
            fmt = sniff(file.name, head_of(file))
        except InputError as exc:
            yield Skip(str(file), "unreadable file", _problem(exc))
            return
        except OSError as exc:
            yield Skip(str(file), "unreadable file", exc.strerror or str(exc))
            return
        if fmt is None:
            yield Skip(str(file), "unsupported file")
            return
        if fmt in ("folder", "timeline17"):  # cannot happen for a file; keep the walk safe
            return
    yield from _guarded(file, lambda: read_path(file, fmt))


def _guarded(path: Path, read) -> Iterator[Article | Skip]:
    """One file's items; a failure of that file becomes its Skip, not the whole walk's."""
    try:
        yield from read()
    except InputError as exc:
        reason = exc.reason if exc.reason != InputError.reason else "unreadable file"
        yield Skip(str(path), reason, _problem(exc))
    except OSError as exc:
        yield Skip(str(path), "unreadable file", exc.strerror or str(exc))


def _problem(exc: Exception) -> str:
    """The part of an InputError message after the input's name (the Skip names it)."""
    message = str(exc)
    return message.split(": ", 1)[1] if ": " in message else message
