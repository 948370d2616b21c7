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
import itertools
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
        yield from (skip for _, skip in rows)  # the file's only Skip
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

    Fields are read with CSV quoting (a field holding the delimiter, a quote or a line break
    is quoted). A row that cannot be right is a Skip naming its line, never data silently
    lost: one with more or fewer fields than the header (an unquoted delimiter in a text),
    one whose quotation marks do not balance (a stray quote would otherwise swallow every
    row after it into one field; reading starts again on the line after the row's first).
    A row holding bytes that are not UTF-8 is a Skip too. A file with no header row gives
    header ``None`` and a single Skip.

    >>> _, rows = iter_csv_rows(b'title,text\\nA,"one\\nB,two\\nC,three\\n', "s.csv")
    >>> [r.message() if isinstance(r, Skip) else r["title"] for _, r in rows]
    ['s.csv: row 1: malformed CSV (line 2: its quotation marks do not balance)', 'B', 'C']
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte order mark (Excel)
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None, iter([(0, Skip(name, "undecodable bytes", "broken UTF-16"))])
    else:
        text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    if not text.strip():
        return None, iter([(0, Skip(name, "empty file"))])
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    # Physical lines as the csv module sees them (\n, \r\n or \r ends one), so that a bad
    # row can be named by line and reading can start again after it.
    lines = io.StringIO(text, newline="").readlines()
    is_tsv = name.lower().removesuffix(".gz").endswith(".tsv")
    delimiter = "\t" if is_tsv else _delimiter(lines[0])
    reader = csv.reader(iter(lines), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (csv.Error, StopIteration) as exc:
        return None, iter([(0, Skip(f"{name}: header", "malformed CSV", str(exc)))])
    if _UNDECODABLE.search("".join(header)):
        skip = Skip(f"{name}: header", "undecodable bytes", "header is not UTF-8")
        return None, iter([(0, skip)])
    return header, _rows(lines, reader.line_num, header, name, delimiter)


def _rows(lines: list[str], position: int, header: list[str], name: str,
          delimiter: str) -> Iterator[tuple[int, dict[str, str] | Skip]]:
    """Rows from physical line index ``position`` on (see ``iter_csv_rows``)."""
    number = 0
    while position < len(lines):
        reader = csv.reader(itertools.islice(lines, position, None), delimiter=delimiter)
        read = 0  # lines this reader has consumed
        restart = None
        while restart is None:
            first = position + read  # the row's first physical line (0-based)
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield number, Skip(f"{name}: row {number}", "malformed CSV",
                                   f"line {first + 1}: {exc}")
                restart = first + 1
                continue
            spanned = reader.line_num - read
            read = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            number += 1
            where = f"{name}: row {number}"
            problem = None
            if spanned > 1 and sum(line.count('"') for line in lines[first:first + spanned]) % 2:
                problem = "its quotation marks do not balance"
            elif len(cells) > len(header):
                problem = (f"{len(cells)} fields where the header has {len(header)} "
                           f"(quote a field that holds {_DELIMITER_NAMES[delimiter]})")
            elif len(cells) < len(header):
                problem = (f"{len(cells)} field{'s' if len(cells) > 1 else ''} where the "
                           f"header has {len(header)}")
            if problem:
                yield number, Skip(where, "malformed CSV", f"line {first + 1}: {problem}")
                if spanned > 1:  # what it swallowed may be good rows: read them again
                    restart = first + 1
                continue
            if any(_UNDECODABLE.search(cell) for cell in cells):
                yield number, Skip(where, "undecodable bytes", "not UTF-8")
                continue
            yield number, dict(zip(header, cells, strict=True))
        position = restart


_DELIMITER_NAMES = {",": "a comma", ";": "a semicolon", "\t": "a tab"}


def _delimiter(first_line: str) -> str:
    """The header's most frequent of comma, semicolon, tab (comma on a tie)."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","
