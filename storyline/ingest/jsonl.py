"""Article JSON Lines (INTERFACES.md section 1), plain or gzipped."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.ingest.records import Skip, decode, make_article, open_text_lines
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

    Blank lines are passed over; a line that is not a JSON object is a ``Skip``.

    >>> [x if isinstance(x, tuple) else x.reason for x in json_objects([b'{"a": 1}', b'[1]'], "f")]
    [('f:1', {'a': 1}), 'malformed JSON']
    """
    for number, raw in enumerate(lines, start=1):
        where = f"{name}:{number}"
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
            yield Skip(where, "malformed JSON", "nested too deeply")
            continue
        if not isinstance(value, dict):
            yield Skip(where, "malformed JSON", "a line must be a JSON object")
            continue
        yield where, value
