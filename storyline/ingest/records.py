"""What readers yield: articles, and skips that say where and why.

Every reader is a generator ``read(path) -> Iterator[Article | Skip]``. A reader never
raises for a user's bad data: it yields a ``Skip`` naming the place (file, line or
record) and the problem, and goes on with the rest.
"""

from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dateutil import parser as dateutil_parser

from storyline.model import Article


@dataclass(slots=True, frozen=True)
class Skip:
    """One input that could not become an article."""

    where: str  # "news.jsonl:12", "docs/a.html", "multi_news.csv: row 7, document 2"
    reason: str  # a short category that is counted: "malformed JSON", "missing text", ...
    detail: str = ""

    def message(self) -> str:
        return f"{self.where}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


class InputError(Exception):
    """A whole input cannot be read at all (one line for the user)."""


def parse_published(value: Any) -> datetime | None:
    """An ISO 8601 (or common written) date or date-time, as an aware UTC datetime.

    Raises ``ValueError`` when ``value`` is present but no date can be read from it.

    >>> parse_published("2016-09-24").isoformat()
    '2016-09-24T00:00:00+00:00'
    >>> parse_published("2016-09-24T10:31:00+02:00").isoformat()
    '2016-09-24T08:31:00+00:00'
    >>> parse_published("Sat, 24 Sep 2016 10:31:00 GMT").isoformat()
    '2016-09-24T10:31:00+00:00'
    >>> parse_published(None) is None
    True
    >>> parse_published("Friday")  # no year: the date would be made up
    Traceback (most recent call last):
    ValueError: unparseable date 'Friday' (no year)
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise ValueError(f"unparseable date {value!r} (out of range)") from exc
    if not isinstance(value, str):
        raise ValueError(f"unparseable date {value!r}")
    raw = value.strip()
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = dateutil_parser.parse(raw, default=_DEFAULT_A)
            # dateutil fills what the text lacks from `default`: parse again with another
            # default, and a year that changes was never in the text.
            other = dateutil_parser.parse(raw, default=_DEFAULT_B)
        except (ValueError, OverflowError, TypeError) as exc:
            raise ValueError(f"unparseable date {raw!r}") from exc
        if moment.year != other.year:
            raise ValueError(f"unparseable date {raw!r} (no year)") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_DEFAULT_A = datetime(2001, 1, 1)
_DEFAULT_B = datetime(2002, 1, 1)


def make_article(fields: dict[str, Any], where: str) -> Article | Skip:
    """Build an Article from an INTERFACES.md section 1 object, or say why not."""
    text = fields.get("text")
    if text is None:
        return Skip(where, "missing text", "no 'text' field")
    if not isinstance(text, str):
        return Skip(where, "missing text", f"'text' is a {type(text).__name__}, not a string")
    if not _WORDS.search(text):
        return Skip(where, "empty text", "no words in 'text'" if text.strip() else "")
    try:
        published = parse_published(fields.get("published"))
    except ValueError as exc:
        return Skip(where, "unparseable date", str(exc).removeprefix("unparseable date "))
    known = {"id", "url", "source", "title", "text", "published"}
    return Article(
        text=_storable(text),
        id=_opt_str(fields.get("id")) or "",
        url=_opt_str(fields.get("url")),
        source=_opt_str(fields.get("source")),
        title=_opt_str(fields.get("title")),
        published=published,
        extra={k: _storable_value(v) for k, v in fields.items() if k not in known},
    )


_WORDS = re.compile(r"\w")
# NUL (which PostgreSQL cannot store) and lone surrogates (which are not UTF-8, e.g. from a
# JSON "\\ud800"): each becomes U+FFFD, one character for one, so offsets into text still hold.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: str) -> str:
    if value.isascii() and "\x00" not in value:  # the common case, checked at C speed
        return value
    return _UNSTORABLE.sub("\ufffd", value)


def _storable_value(value: Any) -> Any:
    if isinstance(value, str):
        return _storable(value)
    if isinstance(value, list):
        return [_storable_value(v) for v in value]
    if isinstance(value, dict):
        return {_storable(str(k)): _storable_value(v) for k, v in value.items()}
    return value


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    value = _storable(str(value)).strip()
    return value or None


def open_bytes(path: Path) -> bytes:
    """The file's bytes, transparently un-gzipped."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"{path}: corrupt gzip ({exc})") from exc
    return data


def open_text_lines(path: Path) -> io.TextIOBase:
    """A line iterator over a (possibly gzipped) file, decoded as UTF-8 strictly per line."""
    raw = gzip.open(path, "rb") if _is_gzip(path) else open(path, "rb")  # noqa: SIM115
    return raw


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def decode(data: bytes, where: str) -> str | Skip:
    """UTF-8 text (a BOM is dropped), or a Skip for undecodable bytes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Skip(where, "undecodable bytes", f"not UTF-8 at byte {exc.start}")
