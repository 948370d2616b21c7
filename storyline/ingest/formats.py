"""Which reader reads an input: detected from extension and content; ``--format`` overrides.

An input is a file, a folder, or an ``http(s)://`` URL. Files are recognized by extension
first (``.gz`` looked through), then by their first bytes; the same detection serves archive
members and downloads, which are read from memory (``read_bytes``).

>>> sniff("news.jsonl.gz", b'{"text": "Rain fell."}\\n')
'jsonl'
>>> sniff("events.jsonl", b'{"id": "e1", "articles": [{"text": "Rain."}]}\\n')
'wcep'
>>> sniff("validation.csv", b"documents,num_documents,summary\\n")
'multinews'
>>> sniff("APW19981016.0240", b"<DOC>\\n<DOCNO> APW19981016.0240 </DOCNO>")
'duc'
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from storyline import limits
from storyline.ingest import datasets
from storyline.ingest.archives import is_archive, read_archive, read_archive_bytes
from storyline.ingest.csvfile import read_csv, read_csv_bytes
from storyline.ingest.feeds import looks_like_feed, read_feed, read_feed_bytes
from storyline.ingest.files import read_text, read_text_bytes
from storyline.ingest.jsondoc import read_json, read_json_bytes
from storyline.ingest.jsonl import read_jsonl, read_jsonl_bytes
from storyline.ingest.lines import read_lines, read_lines_bytes
from storyline.ingest.pages import read_html, read_html_bytes
from storyline.ingest.records import InputError, Skip, TooLarge, UnknownFormat, gunzip_limited
from storyline.ingest.urls import as_url, read_url
from storyline.model import Article

Reader = Callable[[Path], Iterator[Article | Skip]]
BytesReader = Callable[[bytes, str], Iterator[Article | Skip]]


def _read_folder(path: Path) -> Iterator[Article | Skip]:
    from storyline.ingest.folders import read_folder  # folders reads files through this module

    yield from read_folder(path)


#: ``--format`` names and the reader each one names; detection picks among the same.
READERS: dict[str, Reader] = {
    "jsonl": read_jsonl,  # Article JSON Lines
    "json": read_json,  # one JSON document: an array of Articles, or a cluster
    "csv": read_csv,  # CSV/TSV with a header (text/body/content column...)
    "text": read_text,  # .txt / .md: first line = title
    "lines": read_lines,  # a text file, one article per line (only with --format lines)
    "html": read_html,  # a web page (trafilatura + htmldate)
    "feed": read_feed,  # RSS / Atom
    "archive": read_archive,  # .zip, .tar, .tar.gz ... of any of these
    "folder": _read_folder,  # every supported file inside, recursively
    "duc": datasets.read_duc_folder,  # DUC/TREC SGML files or a DUC docs folder
    "timeline17": datasets.read_timeline17,  # <topic>/InputDocs/<date>/*.txt
    "multinews": datasets.read_multinews,  # CSV with a `documents` list per row
    "wcep": datasets.read_wcep,  # JSON Lines, one event with its `articles` per line
}

#: Readers that also read from memory (archive members, downloads).
BYTES_READERS: dict[str, BytesReader] = {
    "jsonl": read_jsonl_bytes,
    "json": read_json_bytes,
    "csv": read_csv_bytes,
    "text": read_text_bytes,
    "lines": read_lines_bytes,
    "html": read_html_bytes,
    "feed": read_feed_bytes,
    "archive": read_archive_bytes,
    "duc": datasets.read_duc_bytes,
    "multinews": datasets.read_multinews_bytes,
    "wcep": datasets.read_wcep_bytes,
}

FOLDER_FORMATS = ("folder", "timeline17", "duc")
HEAD_BYTES = 65536

_ARCHIVE_NAMES = (".zip", ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
_JSONL_EXT = (".jsonl", ".ndjson", ".jsonlines")
_BY_EXTENSION = {
    ".csv": "csv", ".tsv": "csv",
    ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
}
_HTML_START = re.compile(rb"^(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)",
                         re.I | re.S)
_ARTICLES_KEY = re.compile(rb'(?<!\\)"articles"\s*:\s*\[')


def sniff(name: str, head: bytes) -> str | None:
    """The format of a file called ``name`` whose (un-gzipped) first bytes are ``head``.

    ``None`` when it is nothing storyline reads.
    """
    base = os.path.basename(name.rsplit("!", 1)[-1].replace("\\", "/")).lower()
    if base.endswith(_ARCHIVE_NAMES) or is_archive(head):
        return "archive"
    base = base.removesuffix(".gz")
    ext = os.path.splitext(base)[1]
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if ext in _JSONL_EXT or ext == ".json":
        return _json_kind(body, ext)
    by_ext = _BY_EXTENSION.get(ext)
    if by_ext == "csv":
        first = body.split(b"\n", 1)[0].decode("utf-8", "replace")
        header = [h.strip('" ') for h in re.split(r"[,;\t]", first)]
        return "multinews" if datasets.is_multinews_header(header) else "csv"
    if by_ext in ("text", "feed") and datasets.is_sgml(head):
        return "duc"
    if ext == ".xml" and not looks_like_feed(head):
        return None
    if by_ext:
        return by_ext
    # No extension storyline knows: the content decides.
    if datasets.is_sgml(head):
        return "duc"
    if _HTML_START.match(body):
        return "html"
    if looks_like_feed(head):
        return "feed"
    if body[:1] in (b"{", b"["):
        return _json_kind(body, ext)
    return None


def _json_kind(body: bytes, ext: str) -> str:
    if body[:1] == b"[" and ext not in _JSONL_EXT:  # in a .jsonl, a line that is not an object
        return "json"
    first, newline, _ = body.partition(b"\n")
    try:
        value = json.loads(first)
    except (ValueError, RecursionError):
        if not newline:  # a first line longer than the head: one object per line
            return "wcep" if _ARTICLES_KEY.search(first) else "jsonl"
        return "jsonl" if ext in _JSONL_EXT else "json"
    if isinstance(value, dict) and isinstance(value.get("articles"), list):
        return "wcep"
    return "jsonl"


def head_of(path: Path) -> bytes:
    """The first bytes of a file, un-gzipped."""
    with open(path, "rb") as handle:
        raw = handle.read(HEAD_BYTES)
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        with gzip.open(path, "rb") as handle:
            return handle.read(HEAD_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: corrupt gzip ({exc})") from exc


def sniff_bytes(name: str, data: bytes) -> str | None:
    """``sniff`` for bytes in memory (gzip looked through)."""
    head = data[:HEAD_BYTES]
    if data[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=31).decompress(data[:4 * HEAD_BYTES], HEAD_BYTES)
        except zlib.error as exc:
            raise InputError(f"{name}: corrupt gzip ({exc})") from exc
    return sniff(name, head)


def detect_format(path: Path | str) -> str:
    """The name of the reader for an input (a key of READERS, or ``"url"``)."""
    if as_url(path):
        return "url"
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_dir():
        return "timeline17" if _only_timeline17(path) else "folder"
    try:
        fmt = sniff(path.name, head_of(path))
    except PermissionError as exc:
        raise InputError(f"{path}: unreadable ({exc.strerror})") from exc
    if fmt is None:
        raise UnknownFormat(f"{path}: unknown format (known: {known()})")
    return fmt


def _only_timeline17(path: Path) -> bool:
    """A Timeline17 topic, or a folder holding nothing but topics (a walk reads mixed ones)."""
    if (path / "InputDocs").is_dir():
        return True
    children = [c for c in path.iterdir() if not c.name.startswith(".")]
    return bool(children) and all((c / "InputDocs").is_dir() for c in children)


def input_name(path: Path | str) -> str:
    """How messages name an input: a URL as typed, even after ``Path`` collapsed its ``//``.

    >>> input_name(Path("https://example.org/feed.xml")), input_name(Path("a/b.csv"))
    ('https://example.org/feed.xml', 'a/b.csv')
    """
    return as_url(path) or str(path)


def known() -> str:
    return ", ".join(sorted(READERS))


def read_path(path: Path | str, fmt: str | None = None) -> Iterator[Article | Skip]:
    """Everything one input holds (file, folder or URL), with its reader chosen for it.

    Raises ``InputError`` (one line) when the input as a whole cannot be read.
    """
    if fmt is not None and fmt not in READERS:
        raise UnknownFormat(f"unknown format {fmt!r} (known: {known()})")
    url = as_url(path)
    if url:
        yield from read_url(url, fmt)
        return
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_dir() and fmt not in (None, *FOLDER_FORMATS):
        from storyline.ingest.folders import read_folder

        yield from read_folder(path, fmt)  # every file inside with the named reader
        return
    name = fmt or detect_format(path)
    if name in ("folder", "timeline17") and not path.is_dir():
        raise UnknownFormat(f"{path}: the {name} format reads folders, not files")
    count = 0
    try:
        for item in READERS[name](path):
            count += 1
            yield item
    except PermissionError as exc:
        raise InputError(f"{path}: unreadable ({exc.strerror})") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, not a {name} file") from exc
    except (OSError, EOFError, zlib.error) as exc:  # corrupt gzip and the like, mid-file
        raise InputError(f"{path}: unreadable ({exc})") from exc
    if count == 0:
        yield Skip(str(path), "empty folder" if path.is_dir() else "empty file")


def read_bytes(data: bytes, name: str, fmt: str | None = None) -> Iterator[Article | Skip]:
    """Everything in one file held in memory (``name`` names it in messages)."""
    fmt = fmt or sniff_bytes(name, data)
    if fmt is None:
        raise UnknownFormat(f"{name}: unknown format (known: {known()})")
    if fmt not in BYTES_READERS:
        raise UnknownFormat(f"{name}: the {fmt} format reads folders, not single files")
    if data[:2] == b"\x1f\x8b" and fmt != "archive":
        data = gunzip_limited(data, name)
    elif len(data) > limits.MAX_INPUT_BYTES:
        raise TooLarge(f"{name}: {len(data)} bytes, more than the {limits.MAX_INPUT_BYTES} "
                       "one input may hold")
    count = 0
    for item in BYTES_READERS[fmt](data, name):
        count += 1
        yield item
    if count == 0:
        yield Skip(name, "empty file")
