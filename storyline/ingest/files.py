"""Plain-text and Markdown articles: one file, one article.

The first non-empty line is the title (Markdown heading marks dropped) when it reads as one,
the rest is the text; a file of one line, or one whose first line is a paragraph (more than
20 words, or more than 12 ending in a full stop), is text without a title. The publication
date is the last ``YYYY-MM-DD`` in the file's path (``news/2016-09-24/aleppo.txt``,
``2016-09-24-aleppo.md``), if any.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from storyline.ingest.records import Skip, make_article, open_bytes
from storyline.model import Article

_PATH_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+|\s+#+\s*$")


def read_text(path: Path) -> Iterator[Article | Skip]:
    """The article in one (possibly gzipped) .txt or .md file."""
    yield from read_text_bytes(open_bytes(path), str(path))


def read_text_bytes(data: bytes, name: str) -> Iterator[Article | Skip]:
    """The article in text bytes; ``name`` is the file's path (or archive member).

    >>> a = next(read_text_bytes(b"# Rain\\n\\nRain fell all day.\\n", "2024-03-05/r.md"))
    >>> a.title, a.text, a.published.date().isoformat()
    ('Rain', 'Rain fell all day.', '2024-03-05')
    """
    text = nonempty_text(data, name)
    if isinstance(text, Skip):
        yield text
        return
    title, body = split_title(text)
    if name.lower().removesuffix(".gz").endswith((".md", ".markdown")) and title:
        title = _HEADING.sub("", title).strip() or None
    fields = {"title": title, "text": body, "published": date_in_path(name),
              "file": name}
    yield make_article(fields, name)


def decode_text(data: bytes, name: str) -> str | Skip:
    """UTF-8 text (BOM dropped), or a Skip naming the line of the first undecodable byte.

    >>> decode_text(b"ok\\nbad \\xff", "a.txt").where
    'a.txt:2'
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return Skip(f"{name}:{line}", "undecodable bytes", f"not UTF-8 at byte {exc.start}")


def nonempty_text(data: bytes, name: str) -> str | Skip:
    """``decode_text``, and a Skip ("empty file") for a file with nothing but white space."""
    text = decode_text(data, name)
    if isinstance(text, str) and not text.strip():
        return Skip(name, "empty file")
    return text


def split_title(text: str) -> tuple[str | None, str]:
    """First non-empty line and the rest (stripped); one line is all text.

    >>> split_title("\\n Title \\nBody line one.\\nTwo.\\n")
    ('Title', 'Body line one.\\nTwo.')
    >>> split_title("Only a line.")
    (None, 'Only a line.')
    """
    stripped = text.strip()
    first, _, rest = stripped.partition("\n")
    if not rest.strip() or not _reads_as_title(first):
        return None, stripped
    return first.strip(), rest.strip()


def _reads_as_title(line: str) -> bool:
    """A headline is short and seldom a full sentence; a crawled page's first line may be
    its headline, a caption and the lead run together (Timeline17's plain text files: 58
    words, "Haiti quake survivors spend second night in streets The BBC 's Andy Gallacher :
    The hospital car park was strewn with bodies Thousands of ...").

    >>> _reads_as_title("Harmon to build heat pump line in Ashford, saving 250 jobs")
    True
    >>> _reads_as_title("Dockworkers at Port Calloway walked out on Monday, halting work at all "
    ...                 "three container terminals.")
    False
    """
    words = len(line.split())
    return words <= _TITLE_WORDS and not (words > _SENTENCE_TITLE_WORDS
                                          and line.rstrip().endswith("."))


_TITLE_WORDS = 20  # the demo's longest headline has 13 words
_SENTENCE_TITLE_WORDS = 12


def date_in_path(name: str) -> str | None:
    """The last valid ``YYYY-MM-DD`` in a path, as that string.

    >>> date_in_path("news/2016-09-24/x-2016-13-40.txt")
    '2016-09-24'
    >>> date_in_path("notes.txt") is None
    True
    """
    for match in reversed(list(_PATH_DATE.finditer(name))):
        try:
            return date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            continue
    return None
