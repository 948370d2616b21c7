"""The reads behind the web pages: story cards for the list, one story with its articles.

A card needs neither member ids nor texts, so the list reads the ``stories`` row alone (one
query for the page, one for the count); a story page reads the story and its articles over
one connection.

``StoryReads`` is the part of ``Store`` that does this (``Store`` inherits it).

>>> from storyline.store import open_store
>>> store = open_store("sqlite://")
>>> store.story_cards(limit=10), store.count_story_cards(), store.story_with_articles("x")
([], 0, None)
>>> store.stored_digest_data(["x"]), store.merged_into("x")
(({}, {}), None)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import String, and_, cast, func, select
from sqlalchemy.engine import Engine

from storyline.model import Article, Story
from storyline.store import schema
from storyline.store.rows import aware


@dataclass(slots=True)
class StoryCardRow:
    """A story as the list shows it: its ``stories`` row without members."""

    id: str
    title: str
    size: int
    sources: list[str]
    first_published: datetime | None
    last_published: datetime | None
    entities: list[str] = field(default_factory=list)


@dataclass(slots=True)
class StoryRecord:
    """A story with its articles in publication order; ``merged_into`` names the story it
    was merged into (then ``articles`` is empty and the story carries only id and title)."""

    story: Story
    articles: list[Article]
    merged_into: str | None = None


class StoryReads:
    """Story cards and story pages (see the module)."""

    engine: Engine

    def story_cards(self, *, source: str | None = None, entity: str | None = None,
                    since: datetime | None = None, until: datetime | None = None,
                    order: str = "recent", among: Sequence[str] | None = None,
                    limit: int = 25, offset: int = 0) -> list[StoryCardRow]:
        """One page of the live stories matching the filters, newest (``order="size"``:
        biggest) first. ``among``: only these stories, in that order (a search's ranking).

        ``source`` is an outlet (any case); ``entity`` is a substring of a key entity.
        """
        s = schema.stories
        where = _conditions(source, entity, since, until)
        columns = [s.c.id, s.c.title, s.c.size, s.c.sources, s.c.first_published,
                   s.c.last_published, s.c.entities]
        with self.engine.connect() as conn:
            if among is None:
                ordering = ([s.c.size.desc(), s.c.last_published.desc()] if order == "size"
                            else [s.c.last_published.desc(), s.c.size.desc()])
                rows = conn.execute(select(*columns).where(where).order_by(*ordering, s.c.id)
                                    .limit(limit).offset(offset)).all()
            else:
                # Few enough to order in Python by the given ranking.
                ids = list(among)
                rows = conn.execute(select(*columns).where(and_(where, s.c.id.in_(ids)))).all()
                rank = {sid: i for i, sid in enumerate(ids)}
                rows = sorted(rows, key=lambda r: rank[r[0]])[offset:offset + limit]
        return [StoryCardRow(r[0], r[1] or "", int(r[2] or 0), list(r[3] or []), aware(r[4]),
                             aware(r[5]), list(r[6] or [])) for r in rows]

    def count_story_cards(self, *, source: str | None = None, entity: str | None = None,
                          since: datetime | None = None, until: datetime | None = None,
                          among: Sequence[str] | None = None) -> int:
        """How many live stories match the filters (see ``story_cards``)."""
        s = schema.stories
        where = _conditions(source, entity, since, until)
        if among is not None:
            where = and_(where, s.c.id.in_(list(among)))
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(s).where(where)).scalar())

    def story_with_articles(self, story_id: str) -> StoryRecord | None:
        """The story ``story_id`` (or the one story whose id starts so, as users copy short
        ids) with its articles, or None when there is none."""
        s, a, m = schema.stories, schema.articles, schema.memberships
        with self.engine.connect() as conn:
            row = conn.execute(select(s).where(s.c.id == story_id)).mappings().first()
            if row is None:
                found = self.get_story(story_id)  # type: ignore[attr-defined] - Store's
                if found is None:
                    return None
                row = conn.execute(select(s).where(s.c.id == found.id)).mappings().first()
                if row is None:  # deleted in between
                    return None
            if row["merged_into"]:
                return StoryRecord(Story(id=row["id"], title=row["title"] or ""), [],
                                   merged_into=row["merged_into"])
            articles = [
                Article(text=r.text, id=r.id, url=r.url, source=r.source, title=r.title,
                        published=aware(r.published))
                for r in conn.execute(
                    select(a.c.id, a.c.url, a.c.source, a.c.title, a.c.text, a.c.published)
                    .select_from(m.join(a, a.c.id == m.c.article_id))
                    .where(m.c.story_id == row["id"])
                    .order_by(a.c.published, a.c.seq))
            ]
        story = Story(id=row["id"], title=row["title"] or "", articles=[x.id for x in articles],
                      sources=list(row["sources"] or []),
                      first_published=aware(row["first_published"]),
                      last_published=aware(row["last_published"]),
                      entities=list(row["entities"] or []))
        return StoryRecord(story, articles)

    def stored_digest_data(self, story_ids: Sequence[str]) -> tuple[
            dict[str, bytes], dict[str, set[str]]]:
        """For the list's story leads: the stored digest (as written, compressed) of each of
        ``story_ids`` that has one, and the member article ids of those stories; one
        connection for both."""
        d, m = schema.digests, schema.memberships
        ids = list(dict.fromkeys(story_ids))
        if not ids:
            return {}, {}
        with self.engine.connect() as conn:
            data = dict(conn.execute(select(d.c.story_id, d.c.data)
                                     .where(d.c.story_id.in_(ids))).all())
            members: dict[str, set[str]] = {i: set() for i in data}
            if data:
                for article_id, story_id in conn.execute(
                        select(m.c.article_id, m.c.story_id)
                        .where(m.c.story_id.in_(list(data)))):
                    members[story_id].add(article_id)
        return data, members

    def merged_into(self, story_id: str) -> str | None:
        """The story ``story_id`` was merged into, or None."""
        s = schema.stories
        with self.engine.connect() as conn:
            return conn.execute(select(s.c.merged_into).where(s.c.id == story_id)).scalar()


def _conditions(source: str | None, entity: str | None, since: datetime | None,
                until: datetime | None):
    s = schema.stories
    conditions = [s.c.merged_into.is_(None)]
    if since:
        conditions.append(s.c.last_published >= since)
    if until:
        conditions.append(s.c.first_published <= until)
    if source:
        a, m = schema.articles, schema.memberships
        conditions.append(s.c.id.in_(
            select(m.c.story_id).select_from(m.join(a, a.c.id == m.c.article_id))
            .where(func.lower(a.c.source) == source.strip().lower())
        ))
    if entity and entity.strip():
        # Entities are a JSON list of names; match its text (escaped as JSON escapes it).
        needle = json.dumps(entity.strip().lower())[1:-1]
        needle = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(func.lower(cast(s.c.entities, String)).like(f"%{needle}%",
                                                                       escape="\\"))
    return and_(*conditions)
