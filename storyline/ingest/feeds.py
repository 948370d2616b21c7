"""RSS and Atom feeds (files, archive members or fetched URLs): one article per entry.

An entry's text is its full content where the feed carries it, else its summary (most
feeds only carry summaries); HTML in either is flattened to text. The outlet is the feed's
title, else the host of the entry's link.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from storyline.ingest.pages import html_to_text
from storyline.ingest.records import Skip, make_article, open_bytes
from storyline.model import Article

_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)


def looks_like_feed(head: bytes) -> bool:
    """Does this start like an RSS, Atom or RDF feed?

    >>> looks_like_feed(b'<?xml version="1.0"?>\\n<rss version="2.0"><channel>')
    True
    >>> looks_like_feed(b"<html><body>")
    False
    """
    return bool(_FEED_ROOT.search(head[:2048]))


def read_feed(path: Path) -> Iterator[Article | Skip]:
    """The entries of one (possibly gzipped) feed file."""
    yield from read_feed_bytes(open_bytes(path), str(path))


def read_feed_bytes(data: bytes, name: str) -> Iterator[Article | Skip]:
    """The entries of a feed's bytes, each named ``name: entry N`` in messages."""
    import feedparser

    if not data.strip():
        yield Skip(name, "empty file")
        return
    parsed = feedparser.parse(data)
    if not parsed.entries:
        problem = str(parsed.get("bozo_exception") or "no entries")
        yield Skip(name, "not a feed" if parsed.get("bozo") else "empty feed", problem)
        return
    outlet = (parsed.feed.get("title") or "").strip() or None
    for number, entry in enumerate(parsed.entries, start=1):
        yield make_article(entry_fields(entry, outlet), f"{name}: entry {number}")


def entry_fields(entry, outlet: str | None) -> dict:
    """The article fields of one feedparser entry (for ``records.make_article``).

    >>> import feedparser
    >>> feed = feedparser.parse(b'<rss><channel><item><title>Rain</title>'
    ...     b'<link>https://x.org/a</link><description>It rained.</description></item>'
    ...     b'</channel></rss>')
    >>> entry_fields(feed.entries[0], "X News")["text"]
    'It rained.'
    """
    fields = {
        "id": None,
        "url": entry.get("link"),
        "title": html_to_text(entry.get("title") or "") or None,
        "text": _entry_text(entry),
        "source": outlet,
        "published": _entry_date(entry),
    }
    if entry.get("id") and entry.get("id") != entry.get("link"):
        fields["guid"] = entry["id"]
    return fields


def _entry_text(entry) -> str:
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if value.strip():
            return html_to_text(value)
    return html_to_text(entry.get("summary") or entry.get("description") or "")


def _entry_date(entry) -> str | None:
    """feedparser's parsed UTC time where it read one, else the raw string (checked later)."""
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).isoformat()
        if entry.get(key):
            return entry[key]
    return None
