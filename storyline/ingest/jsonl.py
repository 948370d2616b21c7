"""Article JSON Lines (docs/formats.md §1), plain or gzipped."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline import limits
from storyline.ingest.records import (
    LongLine,
    Skip,
    bounded_lines,
    decode,
    json_depth,
    make_article,
    open_text_lines,
)
from storyline.model import Article


def read_jsonl(path: Path) -> Iterator[Article | Skip]:
    """One Article per line; blank lines are ignored.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = p.write_text('{"text": "Hello."}\\n{oops\\n')
    >>> [type(x).__name__ for x in read_jsonl(p)]
    ['Article', 'Skip']
    """
    with open_text_lines(path) as handle:
        yield from read_jsonl_lines(handle, str(path))


def read_jsonl_bytes(data: bytes, name: str) -> Iterator[Article | Skip]:
    """The same from bytes in memory (an archive member, a fetched URL)."""
    yield from read_jsonl_lines(data.splitlines(), name)


def read_jsonl_lines(lines: Iterable[bytes], name: str) -> Iterator[Article | Skip]:
    """One Article per line of raw bytes; messages name ``name:LINE``."""
    for item in json_objects(lines, name):
        yield item if isinstance(item, Skip) else make_article(item[1], item[0])


def json_objects(lines: Iterable[bytes], name: str) -> Iterator[tuple[str, dict] | Skip]:
    """``(where, object)`` for each JSON object line; each line is decoded on its own.

    ``lines`` is a binary file (read a line at a time, each at most ``MAX_LINE_BYTES``) or
    lines in memory. Blank lines are passed over; a line that is not a JSON object, or one
    nested deeper than ``MAX_JSON_DEPTH``, is a ``Skip``.

    >>> [x if isinstance(x, tuple) else x.reason for x in json_objects([b'{"a": 1}', b'[1]'], "f")]
    [('f:1', {'a': 1}), 'malformed JSON']
    """
    for number, raw in enumerate(bounded_lines(lines), start=1):
        where = f"{name}:{number}"
        if isinstance(raw, LongLine):
            yield Skip(where, "line too long",
                       f"{raw.size} bytes; at most {limits.MAX_LINE_BYTES} in one line")
            continue
        line = decode(raw, where)
        if isinstance(line, Skip):
            yield line
            continue
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skip(where, "malformed JSON", f"{exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield Skip(where, "nested too deeply", f"more than {limits.MAX_JSON_DEPTH} levels")
            continue
        if not isinstance(value, dict):
            yield Skip(where, "malformed JSON", "a line must be a JSON object")
            continue
        if json_depth(value) > limits.MAX_JSON_DEPTH:
            yield Skip(where, "nested too deeply", f"more than {limits.MAX_JSON_DEPTH} levels")
            continue
        yield where, value
