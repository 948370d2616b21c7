"""The SQL of story assignment: open stories read and changes written on ingest's connection.

What to read and write is decided in ``storyline.stories.repository`` (the ``StoryStore``
protocol there is what this implements); the statements run here, on the connection of
the caller's transaction, so a batch's articles and their stories commit together or not
at all. The document frequencies live in ``storyline_meta`` under ``DF_KEY`` (one row).

``StoryWrites`` is the part of ``Store`` that does this (``Store`` inherits it).

>>> from storyline.store import open_store
>>> store = open_store("sqlite://")
>>> with store.begin() as conn:
...     store.latest_story_time(conn), list(store.story_states(conn, None))
(None, [])
>>> store.story_frequencies() is None
True
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.engine import Connection

from storyline.model import Article
from storyline.store import schema
from storyline.store.rows import row_to_article

if TYPE_CHECKING:  # the store sits above stories; only the types are needed here
    from storyline.stories.repository import StoryBatch

DF_KEY = "stories.document_frequencies"
_CHUNK = 500  # ids per IN (...) list, well under every driver's limit on parameters


class StoryWrites:
    """Reads and writes of story assignment, on the caller's connection (see module)."""

    engine: Engine

    def latest_story_time(self, conn: Connection) -> datetime | None:
        """The latest publication time of any stored story (None: no dated story)."""
        s = schema.stories
        return conn.execute(select(func.max(s.c.last_published))).scalar()

    def story_states(self, conn: Connection, since: datetime | None
                     ) -> Iterator[tuple[str, bytes, str | None]]:
        """(id, state, merged_into) of the stories not merged away that have a state and
        were last published at or after ``since`` or are undated (all when None), by id."""
        s = schema.stories
        query = select(s.c.id, s.c.state, s.c.merged_into).where(
            s.c.merged_into.is_(None), s.c.state.is_not(None)
        )
        if since is not None:
            query = query.where((s.c.last_published.is_(None)) | (s.c.last_published >= since))
        yield from map(tuple, conn.execute(query.order_by(s.c.id)))

    def story_frequencies(self, conn: Connection | None = None) -> str | None:
        """The stored document frequencies of story assignment (None before the first)."""
        meta = schema.meta
        query = select(meta.c.value).where(meta.c.key == DF_KEY)
        if conn is not None:
            return conn.execute(query).scalar()
        with self.engine.connect() as own:
            return own.execute(query).scalar()

    def save_stories(self, conn: Connection, batch: StoryBatch) -> None:
        """Write what one assignment changed: stories (inserted or updated), memberships,
        then merges and the moves of splits (in that order), and the frequencies."""
        s, m = schema.stories, schema.memberships
        if batch.stories:
            ids = [row.id for row in batch.stories]
            existing: set[str] = set()
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start:start + _CHUNK]
                existing.update(r[0] for r in conn.execute(select(s.c.id).where(s.c.id.in_(chunk))))
            rows = [_values(row) for row in batch.stories]
            new_rows = [row for row in rows if row["id"] not in existing]
            if new_rows:
                conn.execute(insert(s), new_rows)
            for row in rows:
                if row["id"] in existing:
                    conn.execute(update(s).where(s.c.id == row["id"]).values(
                        **{k: v for k, v in row.items() if k != "id"}))
        if batch.memberships:
            conn.execute(insert(m), [
                {"article_id": a, "story_id": sid, "score": score}
                for a, sid, score in batch.memberships
            ])
        for gone, into in batch.merges:
            conn.execute(update(m).where(m.c.story_id == gone).values(story_id=into))
            conn.execute(update(s).where(s.c.merged_into == gone).values(merged_into=into))
        for article_id, story_id in batch.moves:  # a split moved them (after any merges)
            conn.execute(update(m).where(m.c.article_id == article_id).values(story_id=story_id))
        self._save_frequencies(conn, batch.frequencies)

    def _save_frequencies(self, conn: Connection, value: str) -> None:
        meta = schema.meta
        done = conn.execute(update(meta).where(meta.c.key == DF_KEY).values(value=value))
        if done.rowcount == 0:
            conn.execute(insert(meta).values(key=DF_KEY, value=value))

    def unassigned_articles(self, conn: Connection) -> list[Article]:
        """Original articles without a story, by publication time, then arrival."""
        a, m = schema.articles, schema.memberships
        rows = conn.execute(
            select(a, m.c.story_id)
            .select_from(a.outerjoin(m, m.c.article_id == a.c.id))
            .where(a.c.duplicate_of.is_(None), m.c.story_id.is_(None))
            .order_by(a.c.published, a.c.seq)
        ).mappings()
        return [row_to_article(row).article for row in rows]


def _values(row) -> dict:
    """A ``StoryRow`` as column values (its fields are the ``stories`` table's columns)."""
    return {column.name: getattr(row, column.name) for column in schema.stories.columns}


__all__ = ["DF_KEY", "StoryWrites"]
