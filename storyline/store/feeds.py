"""The state of watched sources (``storyline watch``): tables ``feeds`` and ``feed_entries``.

>>> from storyline.store import open_store
>>> store = open_store("sqlite://")
>>> [state] = add_feeds(store, ["https://example.org/feed.xml"])
>>> state.health(), state.next_due is None
('new', True)
>>> mark_entries(store, state.id, {"k1": "a1"})
>>> seen_entries(store, state.id, ["k1", "k2"])
{'k1'}
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from storyline.store import schema
from storyline.store.database import Store


def feed_id(url: str) -> str:
    """The key of a watched source: the sha1 of its URL.

    >>> len(feed_id("https://example.org/feed.xml"))
    40
    """
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


def entry_key(value: str) -> str:
    """The key of a feed entry (its guid, else its link) in ``feed_entries``."""
    return hashlib.sha1(value.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class FeedState:
    """One watched source as the store knows it."""

    id: str
    url: str
    added_at: datetime
    title: str | None = None
    last_fetch: datetime | None = None
    last_success: datetime | None = None
    last_status: str | None = None  # "200", "304", or "error"
    etag: str | None = None
    last_modified: str | None = None
    error_count: int = 0
    last_error: str | None = None
    next_due: datetime | None = None
    entries_seen: int = 0
    articles_stored: int = 0

    def due(self, now: datetime) -> bool:
        """Should the source be polled at ``now``?"""
        return self.next_due is None or self.next_due <= now

    def health(self) -> str:
        """``new`` (never polled), ``ok``, or ``failing`` (the last poll failed).

        >>> s = FeedState("x", "https://x.org/f", datetime.now(UTC))
        >>> s.last_fetch, s.error_count, s.last_status = s.added_at, 2, "error"
        >>> s.health()
        'failing'
        """
        if self.last_fetch is None:
            return "new"
        return "failing" if self.error_count else "ok"

    def to_json(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for key, value in out.items():
            if isinstance(value, datetime):
                out[key] = value.isoformat()
        out["health"] = self.health()
        return out


def add_feeds(store: Store, urls: Sequence[str]) -> list[FeedState]:
    """Register ``urls`` (those not watched yet); the states of all of them, in order."""
    table = schema.feeds
    wanted = list(dict.fromkeys(urls))
    with store.begin() as conn:
        have = {r[0] for r in conn.execute(
            select(table.c.id).where(table.c.id.in_([feed_id(u) for u in wanted])))}
        new = [{"id": feed_id(u), "url": u, "added_at": _now(), "error_count": 0,
                "entries_seen": 0, "articles_stored": 0}
               for u in wanted if feed_id(u) not in have]
        if new:
            conn.execute(insert(table), new)
    by_id = {s.id: s for s in list_feeds(store)}
    return [by_id[feed_id(u)] for u in wanted]


def list_feeds(store: Store) -> list[FeedState]:
    """Every watched source, in the order they were added."""
    table = schema.feeds
    with store.engine.connect() as conn:
        rows = conn.execute(select(table).order_by(table.c.added_at, table.c.url)).mappings()
        return [_state(row) for row in rows]


def save_state(store: Store, state: FeedState) -> None:
    """Write back what a poll learned about a source."""
    table = schema.feeds
    values = {f.name: getattr(state, f.name) for f in fields(state)
              if f.name not in ("id", "url", "added_at")}
    with store.begin() as conn:
        conn.execute(update(table).where(table.c.id == state.id).values(**values))


def seen_entries(store: Store, feed: str, keys: Iterable[str]) -> set[str]:
    """Which of the entry ``keys`` of source ``feed`` were taken already."""
    table = schema.feed_entries
    keys = list(dict.fromkeys(keys))
    found: set[str] = set()
    with store.engine.connect() as conn:
        for start in range(0, len(keys), 500):
            found.update(r[0] for r in conn.execute(
                select(table.c.entry).where(table.c.feed_id == feed,
                                            table.c.entry.in_(keys[start:start + 500]))))
    return found


def mark_entries(store: Store, feed: str, entries: dict[str, str | None]) -> None:
    """Record entries of ``feed`` as taken (``{entry key: article id or None}``)."""
    if not entries:
        return
    table = schema.feed_entries
    with store.begin() as conn:
        have = set()
        keys = list(entries)
        for start in range(0, len(keys), 500):
            have.update(r[0] for r in conn.execute(
                select(table.c.entry).where(table.c.feed_id == feed,
                                            table.c.entry.in_(keys[start:start + 500]))))
        rows = [{"feed_id": feed, "entry": k, "article_id": v, "seen_at": _now()}
                for k, v in entries.items() if k not in have]
        if rows:
            conn.execute(insert(table), rows)


def _state(row) -> FeedState:
    values = {f.name: row[f.name] for f in fields(FeedState)}
    for key, value in values.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            values[key] = value.replace(tzinfo=UTC)
    return FeedState(**values)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class RobotsRecord:
    """A host's robots.txt as fetched (``body`` None when it has none)."""

    body: str | None
    error: str | None
    fetched_at: datetime


class RobotsCache:
    """robots.txt per host, kept in the store (``get`` / ``put``; safe from any thread).

    >>> from storyline.store import open_store
    >>> cache = RobotsCache(open_store("sqlite://"))
    >>> cache.put("https://x.org", RobotsRecord("User-agent: *", None, _now()))
    >>> cache.get("https://x.org").body, cache.get("https://y.org")
    ('User-agent: *', None)
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, host: str) -> RobotsRecord | None:
        table = schema.robots_rules
        with self.store.engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.host == host)).mappings().first()
        if row is None:
            return None
        moment = row["fetched_at"]
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return RobotsRecord(row["body"], row["error"], moment)

    def put(self, host: str, record: RobotsRecord) -> None:
        table = schema.robots_rules
        values = {"body": record.body, "error": record.error, "fetched_at": record.fetched_at}
        with self.store.begin() as conn:
            done = conn.execute(update(table).where(table.c.host == host).values(**values))
            if done.rowcount == 0:
                conn.execute(insert(table).values(host=host, **values))
