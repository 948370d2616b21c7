"""Which stories changed after a point: what a page that follows the store asks for.

Every transaction that changes stories stamps the stories it touched with ``updated_seq``,
the newest article's arrival number at that moment (``stories/repository.py``). Writers take
the store's write lock one at a time, so the stamps grow in the order the changes were
committed. A reader keeps the highest stamp it has seen (its *cursor*) and asks for the
stories stamped after it: new stories, stories that gained articles, and stories merged
into another (``merged_into`` says where they went).

>>> from storyline.store import open_store
>>> store = open_store("sqlite://")
>>> story_cursor(store)
0
>>> changed_stories(store, after=0)
StoryChanges(cursor=0, stories=[], more=False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from storyline.store import schema
from storyline.store.rows import aware
from storyline.store.story_reads import StoryCardRow


@dataclass(slots=True)
class ChangedStory(StoryCardRow):
    """A story as it is now, stamped ``seq`` by the change that touched it last."""

    merged_into: str | None = None
    seq: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "size": self.size, "sources": self.sources,
                "first_published": _iso(self.first_published),
                "last_published": _iso(self.last_published), "entities": self.entities,
                "moved_to": self.merged_into, "seq": self.seq}


@dataclass(slots=True)
class StoryChanges:
    """The stories changed after a cursor, newest change first, and the cursor to ask
    with next time; ``more``: more stories changed than were listed."""

    cursor: int
    stories: list[ChangedStory] = field(default_factory=list)
    more: bool = False


def story_cursor(store, conn=None) -> int:
    """The highest stamp of any story (0 for a store without stories)."""
    s = schema.stories
    query = select(func.coalesce(func.max(s.c.updated_seq), 0))
    if conn is not None:
        return int(conn.execute(query).scalar() or 0)
    with store.engine.connect() as own:
        return int(own.execute(query).scalar() or 0)


def changed_stories(store, after: int, limit: int = 50) -> StoryChanges:
    """Stories stamped after ``after``, at most ``limit`` of them (the newest changes).

    The cursor is read first and the stories up to it, so a change committed between the
    two reads is left for the next call rather than skipped.
    """
    s = schema.stories
    with store.engine.connect() as conn:
        cursor = story_cursor(store, conn)
        if cursor <= after:
            return StoryChanges(max(cursor, 0))
        rows = conn.execute(
            select(s.c.id, s.c.title, s.c.size, s.c.sources, s.c.first_published,
                   s.c.last_published, s.c.entities, s.c.merged_into, s.c.updated_seq)
            .where(s.c.updated_seq > after, s.c.updated_seq <= cursor)
            .order_by(s.c.updated_seq.desc(), s.c.id).limit(limit + 1)
        ).all()
    stories = [ChangedStory(
        id=r[0], title=r[1] or "", size=int(r[2] or 0), sources=list(r[3] or []),
        first_published=aware(r[4]), last_published=aware(r[5]), entities=list(r[6] or []),
        merged_into=r[7], seq=int(r[8] or 0)) for r in rows[:limit]]
    return StoryChanges(cursor, stories, more=len(rows) > limit)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None
