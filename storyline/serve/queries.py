"""The reads behind the story list: stories filtered by date, outlet, entity and words.

The list needs neither member ids nor texts, so the store reads the ``stories`` row alone
(``Store.story_cards``, and ``count_story_cards`` for the count); full-text search goes
through the store's article index and lists the stories of the best-matching articles, best
first.

>>> from storyline.store import open_store
>>> store = open_store("sqlite://")
>>> list_stories(store, StoryFilter(), limit=10).total
0
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storyline.serve.recent import Recent
from storyline.serve.settings import SETTINGS
from storyline.store.changes import story_cursor
from storyline.store.database import Store
from storyline.store.story_reads import StoryCardRow


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
class StoryCard(StoryCardRow):
    """A story as the list shows it."""

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
                 memo: Recent | None = None) -> StoryPage:
    """One page of stories matching ``f``: newest (or biggest) first, best match for ``q``.

    ``memo`` keeps the total count a while (counting scans every matching story), and
    only while no story changed: another process (a cron ``storyline ingest``) may add
    stories at any time, and a list of two under "1 story" tells the reader a lie.
    """
    filters = {"source": f.source, "entity": f.entity, "since": f.since, "until": f.until}
    if f.q and f.q.strip():
        ranked = _stories_matching(store, f.q)
        if not ranked:
            return StoryPage(0, [])
        # Few enough (SETTINGS.search_hits articles) to read whole, and ordered by search rank.
        rows = store.story_cards(**filters, among=ranked, limit=len(ranked), offset=0)
        return StoryPage(len(rows), [_card(r) for r in rows[offset:offset + limit]])

    def count() -> int:
        return store.count_story_cards(**filters)

    key = ("count", story_cursor(store), f.source, f.entity, f.since, f.until)
    total = memo.get_or(key, count) if memo else count()
    rows = store.story_cards(**filters, order=f.order, limit=limit, offset=offset)
    return StoryPage(total, [_card(r) for r in rows])


def _stories_matching(store: Store, q: str) -> list[str]:
    """Stories of the articles best matching ``q``, in the order of their best article."""
    seen: dict[str, None] = {}
    for row in store.list_articles(query=q, limit=SETTINGS.search_hits):
        if row.story_id and row.story_id not in seen:
            seen[row.story_id] = None
    return list(seen)


def _card(row: StoryCardRow) -> StoryCard:
    return StoryCard(id=row.id, title=row.title, size=row.size, sources=row.sources,
                     first_published=row.first_published, last_published=row.last_published,
                     entities=row.entities)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None
