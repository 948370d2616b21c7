"""Archives: ``.zip`` and ``.tar`` (plain, gzip, bzip2, xz) of any files storyline reads.

Members are read in memory, their format detected like files on disk, and named
``archive.zip!folder/member.jsonl`` in messages (``archive.zip!member.jsonl:3`` for a line).
A member larger than ``limits.MAX_INPUT_BYTES`` uncompressed (gzip inside included), the
members past ``MAX_ARCHIVE_BYTES`` or ``MAX_ARCHIVE_MEMBERS`` in all, and archives nested
deeper than ``MAX_ARCHIVE_DEPTH`` are skipped with their reason.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from storyline import limits
from storyline.ingest.records import InputError, Skip
from storyline.model import Article


def is_archive(head: bytes) -> bool:
    """Zip or tar magic bytes (the tar header's ``ustar`` sits at offset 257)."""
    return head[:4] == b"PK\x03\x04" or head[257:262] == b"ustar"


def read_archive(path: Path) -> Iterator[Article | Skip]:
    """Every article in every supported member of an archive file."""
    with open(path, "rb") as handle:
        yield from _read(handle, str(path), depth=1)


def read_archive_bytes(data: bytes, name: str) -> Iterator[Article | Skip]:
    """The same for an archive in memory (a member of another archive, a download)."""
    yield from _read(io.BytesIO(data), name, depth=1)


def _read(handle, name: str, depth: int) -> Iterator[Article | Skip]:
    head = handle.read(4)
    handle.seek(0)
    if head == b"PK\x03\x04":
        members = _zip_members(handle, name)
    else:
        members = _tar_members(handle, name)
    budget = _Budget()
    for member, data in members:
        if isinstance(data, Skip):
            yield data
            continue
        budget.count += 1
        budget.size += len(data)
        if budget.count > limits.MAX_ARCHIVE_MEMBERS or budget.size > limits.MAX_ARCHIVE_BYTES:
            yield Skip(f"{name}!{member}", "too large",
                       f"the archive holds more than {limits.MAX_ARCHIVE_MEMBERS} members or "
                       f"{limits.MAX_ARCHIVE_BYTES} bytes; this member and the rest are not read")
            return
        yield from _read_member(data, f"{name}!{member}", depth)


class _Budget:
    """What one archive has handed out so far (members, uncompressed bytes)."""

    def __init__(self) -> None:
        self.count = 0
        self.size = 0


def _read_member(data: bytes, name: str, depth: int) -> Iterator[Article | Skip]:
    from storyline.ingest.datasets import timeline17_article, timeline17_member
    from storyline.ingest.formats import read_bytes, sniff_bytes

    t17 = timeline17_member(name)
    if t17 is not None:
        yield timeline17_article(data, name, *t17)
        return
    try:
        fmt = sniff_bytes(name, data)
    except InputError as exc:
        yield Skip(name, "unreadable file", str(exc).split(": ", 1)[-1])
        return
    if fmt is None:
        yield Skip(name, "unsupported file")
        return
    if fmt == "archive":
        if depth >= limits.MAX_ARCHIVE_DEPTH:
            yield Skip(name, "unsupported file",
                       f"archives nested deeper than {limits.MAX_ARCHIVE_DEPTH}")
            return
        try:
            # tarfile's "r:*" opens a gzipped tar itself.
            yield from _read(io.BytesIO(data), name, depth + 1)
        except InputError as exc:
            yield Skip(name, "unreadable file", str(exc).split(": ", 1)[-1])
        return
    try:
        yield from read_bytes(data, name, fmt)
    except InputError as exc:  # a corrupt or too large gzip member spoils that member only
        reason = exc.reason if exc.reason != InputError.reason else "unreadable file"
        yield Skip(name, reason, str(exc).split(": ", 1)[-1])


def _wanted(member: str) -> bool:
    parts = PurePosixPath(member).parts
    # macOS resource forks and hidden files are not articles.
    return not any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _zip_members(handle, name: str) -> Iterator[tuple[str, bytes | Skip]]:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{name}: corrupt zip ({exc})") from exc
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or not _wanted(info.filename):
                continue
            where = f"{name}!{info.filename}"
            if info.file_size > limits.MAX_INPUT_BYTES:
                yield info.filename, Skip(where, "too large", _too_large(info.file_size))
                continue
            try:
                yield info.filename, archive.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
                # RuntimeError: encrypted member; BadZipFile: CRC mismatch
                yield info.filename, Skip(where, "unreadable file", str(exc))


def _tar_members(handle, name: str) -> Iterator[tuple[str, bytes | Skip]]:
    try:
        archive = tarfile.open(fileobj=handle, mode="r:*")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(f"{name}: corrupt archive ({exc})") from exc
    with archive:
        while True:
            try:
                info = archive.next()
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise InputError(f"{name}: corrupt archive ({exc})") from exc
            if info is None:
                return
            # Only regular files: links could point anywhere on this machine.
            if not info.isfile() or not _wanted(info.name):
                continue
            where = f"{name}!{info.name}"
            if info.size > limits.MAX_INPUT_BYTES:
                yield info.name, Skip(where, "too large", _too_large(info.size))
                continue
            try:
                extracted = archive.extractfile(info)
                data = extracted.read() if extracted is not None else b""
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise InputError(f"{name}: corrupt archive ({exc})") from exc
            yield info.name, data


def _too_large(size: int) -> str:
    return f"{size} bytes uncompressed, more than the {limits.MAX_INPUT_BYTES} one input may hold"
