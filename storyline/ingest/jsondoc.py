"""A whole JSON document: an array of Article objects, one Article object, or an object with an
``articles`` array (a cluster, as ``storyline summarize`` reads them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from storyline import limits
from storyline.ingest.files import nonempty_text
from storyline.ingest.records import Skip, json_depth, make_article, open_bytes
from storyline.model import Article


def read_json(path: Path) -> Iterator[Article | Skip]:
    """The articles in one (possibly gzipped) ``.json`` document."""
    yield from read_json_bytes(open_bytes(path), str(path))


def read_json_bytes(data: bytes, name: str) -> Iterator[Article | Skip]:
    """Articles of a JSON document's bytes, named ``name: record N`` in messages.

    >>> [type(x).__name__ for x in read_json_bytes(b'[{"text": "Rain."}, {"title": "x"}]', "a")]
    ['Article', 'Skip']
    """
    text = nonempty_text(data, name)
    if isinstance(text, Skip):
        yield text
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Skip(f"{name}:{exc.lineno}", "malformed JSON", exc.msg)
        return
    except RecursionError:
        yield Skip(name, "nested too deeply", f"more than {limits.MAX_JSON_DEPTH} levels")
        return
    cluster = None
    if isinstance(value, dict) and isinstance(value.get("articles"), list):
        cluster = value.get("id")
        value = value["articles"]
    records = value if isinstance(value, list) else [value]
    for number, record in enumerate(records, start=1):
        where = f"{name}: record {number}"
        if not isinstance(record, dict):
            yield Skip(where, "malformed JSON", "a record must be a JSON object")
            continue
        if json_depth(record) > limits.MAX_JSON_DEPTH:
            yield Skip(where, "nested too deeply", f"more than {limits.MAX_JSON_DEPTH} levels")
            continue
        if cluster is not None and "cluster" not in record:
            record = {**record, "cluster": str(cluster)}
        yield make_article(record, where)
