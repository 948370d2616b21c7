"""Story rows in the store: load the open stories, write what assignment changed.

Everything is written on the caller's connection, inside ingest's batch transaction, so a
batch's articles and their story assignments commit together or not at all. The online
document frequencies live in ``storyline_meta`` under ``DF_KEY`` (one compressed row).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from storyline.store import schema
from storyline.stories.cluster import Changes, OnlineClusterer, Params
from storyline.stories.features import ENTITY_FEATURES, WORD_FEATURES
from storyline.stories.frequencies import DocumentFrequencies
from storyline.stories.moments import from_posix, posix
from storyline.stories.state import StoryState

DF_KEY = "stories.document_frequencies"


def load_clusterer(conn: Connection, params: Params | None = None) -> OnlineClusterer:
    """An online clusterer holding the store's open stories and document frequencies."""
    params = params or Params()
    word_df, entity_df = _load_frequencies(conn)
    return OnlineClusterer(params, word_df=word_df, entity_df=entity_df,
                           stories=list(open_stories(conn, params)))


def open_stories(conn: Connection, params: Params) -> Iterable[StoryState]:
    """Stories that can still take articles: not merged, and last seen within the longest
    window of the latest publication time in the store (undated stories are always open)."""
    s = schema.stories
    latest = conn.execute(select(func.max(s.c.last_published))).scalar()
    query = select(s.c.id, s.c.state, s.c.merged_into).where(
        s.c.merged_into.is_(None), s.c.state.is_not(None)
    )
    if latest is not None:
        horizon = posix(latest) - params.max_window_days * 86_400.0 - 86_400.0
        query = query.where(
            (s.c.last_published.is_(None)) | (s.c.last_published >= from_posix(horizon))
        )
    for story_id, blob, merged_into in conn.execute(query.order_by(s.c.id)):
        state = StoryState.from_bytes(story_id, blob, merged_into)
        if latest is None or state.last is None or (
            state.last + params.window(state.size) * 86_400.0 >= posix(latest) - 86_400.0
        ):
            yield state


def save(conn: Connection, clusterer: OnlineClusterer, changes: Changes, seq: int) -> None:
    """Write ``changes`` (stories, memberships, merges) and the document frequencies."""
    s, m = schema.stories, schema.memberships
    if changes.stories:
        ids = [st.id for st in changes.stories]
        existing = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            existing.update(r[0] for r in conn.execute(select(s.c.id).where(s.c.id.in_(chunk))))
        new_rows, updates = [], []
        for state in changes.stories:
            row = _story_row(state, clusterer, seq)
            (updates if state.id in existing else new_rows).append(row)
        if new_rows:
            conn.execute(insert(s), new_rows)
        for row in updates:
            conn.execute(update(s).where(s.c.id == row["id"]).values(
                **{k: v for k, v in row.items() if k != "id"}))
    if changes.memberships:
        conn.execute(insert(m), [
            {"article_id": a, "story_id": sid, "score": score}
            for a, sid, score in changes.memberships
        ])
    for gone, into in changes.merges:
        conn.execute(update(m).where(m.c.story_id == gone).values(story_id=into))
        conn.execute(update(s).where(s.c.merged_into == gone).values(merged_into=into))
    for article_id, story_id in changes.moves:  # a split moved them (after any merges)
        conn.execute(update(m).where(m.c.article_id == article_id).values(story_id=story_id))
    _save_frequencies(conn, clusterer.word_df, clusterer.entity_df)


def _story_row(state: StoryState, clusterer: OnlineClusterer, seq: int) -> dict:
    sources = [name for name, _ in sorted(state.sources.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {
        "id": state.id,
        "title": state.title or "",
        "first_published": from_posix(state.first),
        "last_published": from_posix(state.last),
        "size": state.size,
        "sources": sources,
        "entities": clusterer.key_entities(state),
        "state": state.to_bytes(),
        "merged_into": state.merged_into,
        "updated_seq": seq,
    }


def load_frequencies(conn: Connection) -> tuple[DocumentFrequencies, DocumentFrequencies]:
    """The stored document frequencies of words and of entities (empty ones when none)."""
    return _load_frequencies(conn)


def _load_frequencies(conn: Connection) -> tuple[DocumentFrequencies, DocumentFrequencies]:
    meta = schema.meta
    value = conn.execute(select(meta.c.value).where(meta.c.key == DF_KEY)).scalar()
    if not value:
        return DocumentFrequencies(WORD_FEATURES), DocumentFrequencies(ENTITY_FEATURES)
    data = json.loads(value)
    return (DocumentFrequencies.from_bytes(base64.b64decode(data["words"])),
            DocumentFrequencies.from_bytes(base64.b64decode(data["entities"])))


def _save_frequencies(conn: Connection, words: DocumentFrequencies,
                      entities: DocumentFrequencies) -> None:
    meta = schema.meta
    value = json.dumps({
        "words": base64.b64encode(words.to_bytes()).decode("ascii"),
        "entities": base64.b64encode(entities.to_bytes()).decode("ascii"),
    })
    done = conn.execute(update(meta).where(meta.c.key == DF_KEY).values(value=value))
    if done.rowcount == 0:
        conn.execute(insert(meta).values(key=DF_KEY, value=value))


def max_seq(conn: Connection) -> int:
    """The newest article's arrival number (stamps ``updated_seq`` of changed stories)."""
    a = schema.articles
    return int(conn.execute(select(func.coalesce(func.max(a.c.seq), 0))).scalar() or 0)
