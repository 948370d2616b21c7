"""One article per line (``--format lines``): a pile of sentences or snippets.

Blank lines are skipped. A line ``source<TAB>text`` names the outlet too (docs/formats.md
§4); only a short first field counts as an outlet, so a tab inside a long text is
left alone. Lines carry no title and no date; each article's id is a hash of its text, so
the same line twice is one article.

>>> [(a.source, a.text) for a in read_lines_bytes(b"Reuters\\tRain fell.\\n\\nSun came.\\n", "p")]
[('Reuters', 'Rain fell.'), (None, 'Sun came.')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.ingest.records import Skip, decode, make_article, open_text_lines
from storyline.model import Article

# Longer than any outlet's name, shorter than a sentence worth reading as an article.
MAX_SOURCE_CHARS = 80


def read_lines(path: Path) -> Iterator[Article | Skip]:
    """Every non-blank line of a (possibly gzipped) text file, as one article each."""
    with open_text_lines(path) as handle:
        yield from read_line_records(handle, str(path))


def read_lines_bytes(data: bytes, name: str) -> Iterator[Article | Skip]:
    """The same from bytes in memory (an archive member, a fetched URL)."""
    yield from read_line_records(data.splitlines(), name)


def read_line_records(lines: Iterable[bytes], name: str) -> Iterator[Article | Skip]:
    """One article per non-blank line of raw bytes; messages name ``name:LINE``."""
    for number, raw in enumerate(lines, start=1):
        where = f"{name}:{number}"
        line = decode(raw, where)
        if isinstance(line, Skip):
            yield line
            continue
        line = line.strip("\r\n")
        if not line.strip():
            continue
        source, text = split_source(line)
        # "pile": the lines of one file are snippets gathered together (stories.snippets)
        yield make_article({"text": text.strip(), "source": source, "line": number,
                            "pile": name}, where)


def split_source(line: str) -> tuple[str | None, str]:
    """``(outlet, text)`` of one line: the outlet is a short field before the first tab.

    >>> split_source("BBC\\tTalks resumed."), split_source("Talks resumed.")
    (('BBC', 'Talks resumed.'), (None, 'Talks resumed.'))
    """
    head, tab, rest = line.partition("\t")
    if tab and head.strip() and len(head.strip()) <= MAX_SOURCE_CHARS and rest.strip():
        return head.strip(), rest
    return None, line
