"""Generic CSV (or TSV) with a header row: one article per row.

Columns are matched by name, case-insensitively; the first present name of each group wins:

| Article field | column names |
|---|---|
| ``text`` | text, body, content, article |
| ``title`` | title, headline |
| ``url`` | url, link |
| ``source`` | source, outlet, publisher |
| ``published`` | published, date, time, pubdate |
| ``id`` | id |

Every other column is kept in ``Article.extra``.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from storyline.ingest.records import Skip, make_article, open_bytes
from storyline.model import Article

COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "source": ("source", "outlet", "publisher"),
    "published": ("published", "date", "time", "pubdate"),
    "id": ("id",),
}

# Bytes that are not UTF-8 are decoded to lone surrogates (U+DC80..U+DCFF) so that one bad
# row is skipped, not the whole file.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


def read_csv(path: Path) -> Iterator[Article | Skip]:
    """Articles from a (possibly gzipped) CSV file with a header."""
    yield from read_csv_bytes(open_bytes(path), str(path))


def read_csv_bytes(data: bytes, name: str) -> Iterator[Article | Skip]:
    """Articles from CSV bytes; ``name`` names the input in messages.

    >>> rows = b"headline,body,date\\nRain,Rain fell.,2024-03-05\\nDry,,2024-03-06\\n"
    >>> [getattr(x, "title", None) or x.message() for x in read_csv_bytes(rows, "n.csv")]
    ['Rain', 'n.csv: row 2: missing text (empty text cell)']
    """
    header, rows = iter_csv_rows(data, name)
    if header is None:
        yield from rows  # the file's only Skip
        return
    mapping = column_mapping(header)
    if "text" not in mapping:
        yield Skip(name, "missing text column",
                   f"header has {', '.join(header) or 'no columns'}; "
                   f"expected one of {', '.join(COLUMNS['text'])}")
        return
    used = set(mapping.values())
    for number, row in rows:
        if isinstance(row, Skip):
            yield row
            continue
        where = f"{name}: row {number}"
        if not row.get(mapping["text"], "").strip():
            yield Skip(where, "missing text", "empty text cell")
            continue
        fields: dict[str, object] = {field: row.get(column) for field, column in mapping.items()}
        fields.update({k: v for k, v in row.items() if k not in used and k})
        yield make_article(fields, where)


def column_mapping(header: list[str]) -> dict[str, str]:
    """Article field -> the column that holds it.

    >>> column_mapping(["Headline", "Body", "Link", "extra"])
    {'text': 'body', 'title': 'headline', 'url': 'link'}
    """
    present = {h.strip().lower() for h in header}
    mapping = {}
    for field, names in COLUMNS.items():
        for column in names:
            if column in present:
                mapping[field] = column
                break
    return mapping


def iter_csv_rows(data: bytes, name: str) -> tuple[list[str] | None,
                                                  Iterator[tuple[int, dict[str, str] | Skip]]]:
    """The header (lower-cased) and ``(row number, row)`` pairs; rows count from 1.

    A row holding bytes that are not UTF-8 comes as a Skip; a file with no header row gives
    header ``None`` and a single Skip.
    """
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    if not text.strip():
        return None, iter([(0, Skip(name, "empty file"))])
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    first_line = text.split("\n", 1)[0]
    is_tsv = name.lower().removesuffix(".gz").endswith(".tsv")
    delimiter = "\t" if is_tsv else _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        return None, iter([(0, Skip(f"{name}: header", "malformed CSV", str(exc)))])
    if _UNDECODABLE.search("".join(header)):
        skip = Skip(f"{name}: header", "undecodable bytes", "header is not UTF-8")
        return None, iter([(0, skip)])
    return header, _rows(reader, header, name)


def _rows(reader, header: list[str], name: str) -> Iterator[tuple[int, dict[str, str] | Skip]]:
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield number, Skip(f"{name}: row {number}", "malformed CSV", str(exc))
            return
        if not any(cell.strip() for cell in cells):
            continue
        if any(_UNDECODABLE.search(cell) for cell in cells):
            yield number, Skip(f"{name}: row {number}", "undecodable bytes", "not UTF-8")
            continue
        # Missing trailing cells are empty; surplus cells are kept under numbered names.
        row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}
        for i in range(len(header), len(cells)):
            row[f"column_{i + 1}"] = cells[i]
        yield number, row


def _delimiter(first_line: str) -> str:
    """The header's most frequent of comma, semicolon, tab (comma on a tie)."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","
