"""What readers yield: articles, and skips that say where and why.

Every reader is a generator ``read(path) -> Iterator[Article | Skip]``. A reader never
raises for a user's bad data: it yields a ``Skip`` naming the place (file, line or
record) and the problem, and goes on with the rest.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from dateutil import parser as dateutil_parser

from storyline import limits
from storyline.errors import InputError
from storyline.model import Article


@dataclass(slots=True, frozen=True)
class Skip:
    """One input that could not become an article."""

    where: str  # "news.jsonl:12", "docs/a.html", "multi_news.csv: row 7, document 2"
    reason: str  # a short category that is counted: "malformed JSON", "missing text", ...
    detail: str = ""

    def message(self) -> str:
        return f"{self.where}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


class UnknownFormat(InputError):
    """An input whose format is not known or not given (the CLI adds how to name one)."""


class TooLarge(InputError):
    """An input is larger than a limit in ``storyline.limits`` allows."""

    reason = "too large"


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
            moment = datetime.fromtimestamp(value, tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise ValueError(f"unparseable date {value!r}: out of range") from exc
        if not limits.MIN_PUBLISHED_YEAR <= moment.year <= limits.MAX_PUBLISHED_YEAR:
            raise ValueError(f"unparseable date {value!r}: out of range (years "
                             f"{limits.MIN_PUBLISHED_YEAR}-{limits.MAX_PUBLISHED_YEAR})")
        return moment
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
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (OverflowError, ValueError):  # 9999-12-31T23:59:59-05:00 is in year 10000 in UTC
        moment = None
    if moment is None or not limits.MIN_PUBLISHED_YEAR <= moment.year <= limits.MAX_PUBLISHED_YEAR:
        raise ValueError(f"unparseable date {raw!r}: out of range (years "
                         f"{limits.MIN_PUBLISHED_YEAR}-{limits.MAX_PUBLISHED_YEAR})")
    return moment


_DEFAULT_A = datetime(2001, 1, 1)
_DEFAULT_B = datetime(2002, 1, 1)


def make_article(fields: dict[str, Any], where: str) -> Article | Skip:
    """Build an Article from an docs/formats.md §1 object, or say why not.

    Everything a store could refuse is refused here, one record at a time and the same way
    for SQLite and PostgreSQL (see ``storyline.limits``): ids longer than the key columns,
    texts and titles past their limits, dates outside the calendar later stages can count
    in, and extra fields that are not plain JSON (NaN, nested too deeply, too large).

    >>> make_article({"text": "Rain.", "id": "x" * 65}, "a.jsonl:3").message()
    'a.jsonl:3: id too long (65 characters; at most 64)'
    >>> make_article({"text": "Rain.", "score": float("nan")}, "a.jsonl:4").message()
    "a.jsonl:4: unstorable field (extra field 'score' is not plain JSON: NaN or infinity)"
    """
    text = fields.get("text")
    if text is None:
        return Skip(where, "missing text", "no 'text' field")
    if not isinstance(text, str):
        return Skip(where, "missing text", f"'text' is a {type(text).__name__}, not a string")
    for name, value, limit in (("text", text, limits.MAX_TEXT_CHARS),
                               ("title", fields.get("title"), limits.MAX_TITLE_CHARS),
                               ("source", fields.get("source"), limits.MAX_SOURCE_CHARS),
                               ("url", fields.get("url"), limits.MAX_URL_CHARS),
                               ("id", fields.get("id"), limits.MAX_ID_CHARS)):
        if isinstance(value, str) and len(value) > limit:
            return Skip(where, f"{name} too long",
                        f"{len(value)} characters; at most {limit}")
    if not _WORDS.search(text):
        return Skip(where, "empty text", "no words in 'text'" if text.strip() else "")
    try:
        published = parse_published(fields.get("published"))
    except ValueError as exc:
        return Skip(where, "unparseable date", str(exc).removeprefix("unparseable date "))
    known = {"id", "url", "source", "title", "text", "published"}
    extra = {k: v for k, v in fields.items() if k not in known}
    problem = _unstorable_extra(extra)
    if problem:
        return Skip(where, *problem)
    article_id = _opt_str(fields.get("id")) or ""
    if len(article_id) > limits.MAX_ID_CHARS:  # a number or other value written out
        return Skip(where, "id too long",
                    f"{len(article_id)} characters; at most {limits.MAX_ID_CHARS}")
    try:
        title = _opt_str(fields.get("title"))
        return Article(
            text=_storable(without_ptb_brackets(text)),
            id=article_id,
            url=_opt_str(fields.get("url")),
            source=_opt_str(fields.get("source")),
            title=without_ptb_brackets(title) if title else title,
            published=published,
            extra={_storable(str(k)): _storable_value(v) for k, v in extra.items()},
        )
    except ValueError as exc:  # e.g. a url whose host part cannot be parsed
        return Skip(where, "unstorable field", str(exc))


def _unstorable_extra(extra: dict[str, Any]) -> tuple[str, str] | None:
    """``(reason, detail)`` when the extra fields cannot be stored as plain JSON."""
    if not extra:
        return None
    for key, value in extra.items():
        depth = json_depth(value)
        if depth > limits.MAX_JSON_DEPTH - 1:  # the record itself is one level
            return ("nested too deeply",
                    f"extra field {str(key)[:40]!r} nests {depth} levels; "
                    f"at most {limits.MAX_JSON_DEPTH} in a record")
    try:
        size = len(json.dumps(extra, allow_nan=False, ensure_ascii=False, default=_refuse))
    except ValueError:
        bad = next((k for k, v in extra.items() if not _plain_json(v)), "?")
        return ("unstorable field",
                f"extra field {str(bad)[:40]!r} is not plain JSON: NaN or infinity")
    except TypeError as exc:
        return "unstorable field", f"extra fields are not plain JSON ({exc})"
    if size > limits.MAX_EXTRA_BYTES:
        return "extra fields too large", f"{size} bytes as JSON; at most {limits.MAX_EXTRA_BYTES}"
    return None


def _refuse(value: Any) -> Any:
    raise TypeError(f"a {type(value).__name__} is not JSON")


def _plain_json(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False, default=_refuse)
    except (ValueError, TypeError):
        return False
    return True


def json_depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursion.

    >>> json_depth({"a": [1, {"b": []}]}), json_depth("x")
    (4, 0)
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > limits.MAX_JSON_DEPTH + 1:  # deep enough to refuse: stop counting
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


_WORDS = re.compile(r"\w")
# NUL (which PostgreSQL cannot store) and lone surrogates (which are not UTF-8, e.g. from a
# JSON "\\ud800"): each becomes U+FFFD, one character for one, so offsets into text still hold.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


_PTB_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{",
                 "-RCB-": "}"}
_PTB = re.compile("|".join(_PTB_BRACKETS))


def without_ptb_brackets(text: str) -> str:
    """Brackets as written, where a tokenizer spelt them out (Penn Treebank style, as in
    Timeline17's texts): otherwise "-RRB-" becomes a name and a quote keeps "-LRB- 1,550
    sq km -RRB-".

    >>> without_ptb_brackets("600 sq miles -LRB- 1,550 sq km -RRB- of sea")
    '600 sq miles ( 1,550 sq km ) of sea'
    """
    if "-" not in text:
        return text
    return _PTB.sub(lambda m: _PTB_BRACKETS[m.group()], text)


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
    """The file's bytes, transparently un-gzipped; ``TooLarge`` past ``MAX_INPUT_BYTES``.

    A gzip is inflated a piece at a time and given up as soon as it passes the limit, so a
    small file that inflates to gigabytes costs at most the limit in memory.
    """
    size = path.stat().st_size
    with open(path, "rb") as handle:
        if handle.read(2) == b"\x1f\x8b":
            handle.seek(0)
            return gunzip_limited(handle, str(path))
    if size > limits.MAX_INPUT_BYTES:
        raise TooLarge(f"{path}: {size} bytes, more than the {limits.MAX_INPUT_BYTES} "
                       "one input may hold")
    return path.read_bytes()


def gunzip_limited(source: IO[bytes] | bytes, name: str,
                   limit: int | None = None) -> bytes:
    """Inflate a gzip (every member of it) held in a file or in memory, up to ``limit``
    bytes (``MAX_INPUT_BYTES``); raises ``TooLarge`` past it, ``InputError`` when corrupt.

    >>> gunzip_limited(gzip.compress(b"rain " * 3), "r.gz")
    b'rain rain rain '
    >>> gunzip_limited(gzip.compress(b"0" * 100), "z.gz", limit=10)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    storyline.ingest.records.TooLarge: z.gz: more than 10 bytes uncompressed, the most ...
    """
    limit = limits.MAX_INPUT_BYTES if limit is None else limit
    handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    # Pieces of at most 1 MiB, joined at the end: memory never holds much more than the
    # limit, even at the moment it is passed.
    pieces: list[bytes] = []
    size = 0
    inflater = None  # None between members: a gzip may hold several, one after another
    pending = b""
    try:
        while True:
            if not pending:
                pending = handle.read(1 << 20)
                if not pending:
                    break
            if inflater is None:
                pending = pending.lstrip(b"\x00")  # zero padding after the last member
                if not pending:
                    continue
                inflater = zlib.decompressobj(wbits=31)
            piece = inflater.decompress(pending, 1 << 20)
            size += len(piece)
            if size > limit:
                raise TooLarge(f"{name}: more than {limit} bytes uncompressed, "
                               "the most one input may hold")
            pieces.append(piece)
            if inflater.eof:
                pending, inflater = inflater.unused_data, None
            else:
                pending = inflater.unconsumed_tail
    except zlib.error as exc:
        raise InputError(f"{name}: corrupt gzip ({exc})") from exc
    if inflater is not None:
        raise InputError(f"{name}: corrupt gzip (it ends in the middle of its data)")
    return b"".join(pieces)


class LongLine(bytes):
    """Stands for a line longer than ``MAX_LINE_BYTES`` (its bytes were not kept)."""

    size: int = 0


def bounded_lines(handle: Iterable[bytes] | IO[bytes]) -> Iterator[bytes]:
    """The lines of a binary file, each at most ``MAX_LINE_BYTES``; a longer line comes as an
    empty ``LongLine`` (its ``size`` says how long it was) and reading goes on after it."""
    limit = limits.MAX_LINE_BYTES
    readline = getattr(handle, "readline", None)
    if readline is None:  # a list of lines already in memory
        for line in handle:
            yield _long(len(line)) if len(line) > limit else line
        return
    while True:
        line = readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n") and len(line) == limit + 1:
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n"):  # drop the rest of the line, a piece at a time
            line = readline(1 << 20)
            if not line:
                break
            size += len(line)
        yield _long(size)


def _long(size: int) -> LongLine:
    marker = LongLine()
    marker.size = size
    return marker


def open_text_lines(path: Path) -> io.TextIOBase:
    """A binary line iterator over a (possibly gzipped) file (decode each line yourself)."""
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
