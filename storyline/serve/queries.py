"""The reads behind the story list: stories filtered by date, outlet, entity and words.

The list needs neither member ids nor texts, so it reads the ``stories`` row alone (one
query for the page, one for the count); full-text search goes through the store's article
index and lists the stories of the best-matching articles, best first.

>>> from storyline.store import open_store
>>> store = open_store("sqlite://")
>>> list_stories(store, StoryFilter(), limit=10).total
0
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, select

from storyline.store import schema
from storyline.store.database import Store

SEARCH_HITS = 1000  # articles read for a full-text query: enough to rank stories by


class Memo:
    """Values kept for ``seconds`` (0: not kept): counts and menus that many pages repeat.

    >>> memo = Memo(60)
    >>> memo.get("n", lambda: 1), memo.get("n", lambda: 2)
    (1, 1)
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._items: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        now = time.monotonic()
        with self._lock:
            item = self._items.get(key)
        if item is not None and item[0] > now:
            return item[1]
        value = compute()
        if self.seconds > 0:
            with self._lock:
                if len(self._items) > 1000:
                    self._items.clear()
                self._items[key] = (now + self.seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(slots=True)
class StoryFilter:
    """What the reader asked for on the story list (every part optional)."""

    q: str | None = None
    source: str | None = None
    entity: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    order: str = "recent"  # "recent" or "size"

    @property
    def active(self) -> bool:
        return any((self.q, self.source, self.entity, self.since, self.until))


@dataclass(slots=True)
class StoryCard:
    """A story as the list shows it."""

    id: str
    title: str
    size: int
    sources: list[str]
    first_published: datetime | None
    last_published: datetime | None
    entities: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "size": self.size, "sources": self.sources,
            "first_published": _iso(self.first_published),
            "last_published": _iso(self.last_published), "entities": self.entities,
        }


@dataclass(slots=True)
class StoryPage:
    total: int
    stories: list[StoryCard]


def list_stories(store: Store, f: StoryFilter, *, limit: int = 25, offset: int = 0,
                 memo: Memo | None = None) -> StoryPage:
    """One page of stories matching ``f``: newest (or biggest) first, best match for ``q``.

    ``memo`` keeps the total count a while (counting scans every matching story).
    """
    s = schema.stories
    conditions = [s.c.merged_into.is_(None)]
    if f.since:
        conditions.append(s.c.last_published >= f.since)
    if f.until:
        conditions.append(s.c.first_published <= f.until)
    if f.source:
        a, m = schema.articles, schema.memberships
        conditions.append(s.c.id.in_(
            select(m.c.story_id).select_from(m.join(a, a.c.id == m.c.article_id))
            .where(func.lower(a.c.source) == f.source.strip().lower())
        ))
    if f.entity and f.entity.strip():
        # Entities are a JSON list of names; match its text (escaped as JSON escapes it).
        needle = json.dumps(f.entity.strip().lower())[1:-1]
        needle = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(
            func.lower(cast(s.c.entities, String)).like(f"%{needle}%", escape="\\")
        )
    where = and_(*conditions)
    ranked: list[str] | None = None
    if f.q and f.q.strip():
        ranked = _stories_matching(store, f.q)
        if not ranked:
            return StoryPage(0, [])
        where = and_(where, s.c.id.in_(ranked))
    ordering = (
        [s.c.size.desc(), s.c.last_published.desc()]
        if f.order == "size" else [s.c.last_published.desc(), s.c.size.desc()]
    )
    columns = [s.c.id, s.c.title, s.c.size, s.c.sources, s.c.first_published,
               s.c.last_published, s.c.entities]
    with store.engine.connect() as conn:
        if ranked is None:
            def count() -> int:
                return int(conn.execute(select(func.count()).select_from(s).where(where))
                           .scalar())

            key = ("count", f.source, f.entity, f.since, f.until)
            total = memo.get(key, count) if memo else count()
            rows = conn.execute(
                select(*columns).where(where).order_by(*ordering, s.c.id)
                .limit(limit).offset(offset)
            ).all()
        else:
            # Few enough to order in Python by search rank (the order of ``ranked``).
            rows = conn.execute(select(*columns).where(where)).all()
            rank = {sid: i for i, sid in enumerate(ranked)}
            rows.sort(key=lambda r: rank[r[0]])
            total = len(rows)
            rows = rows[offset:offset + limit]
    return StoryPage(total, [_card(r) for r in rows])


def _stories_matching(store: Store, q: str) -> list[str]:
    """Stories of the articles best matching ``q``, in the order of their best article."""
    seen: dict[str, None] = {}
    for row in store.list_articles(query=q, limit=SEARCH_HITS):
        if row.story_id and row.story_id not in seen:
            seen[row.story_id] = None
    return list(seen)


def _card(row) -> StoryCard:
    return StoryCard(
        id=row[0], title=row[1] or "", size=int(row[2] or 0), sources=list(row[3] or []),
        first_published=_aware(row[4]), last_published=_aware(row[5]),
        entities=list(row[6] or []),
    )


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None
