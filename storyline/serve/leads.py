"""The lead of each story card: its summary's first sentence and how many articles cite it.

Read from the digests already stored (one query for a page of stories); a story whose digest
is not built yet has no lead (the list page never waits for the NLP pipeline). A stored
digest whose lead cites an article that is no longer in the story is not used.

>>> Lead("Rain fell.", 3).sources
3
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from storyline.store import schema


@dataclass(slots=True)
class Lead:
    text: str
    sources: int  # articles citing the sentence (its corroboration), its own first
    article_id: str = ""


def leads(store, stories: Sequence) -> dict[str, Lead]:
    """Story id -> lead, for the stories (anything with an ``id``) whose digest is stored."""
    ids = [s.id for s in stories]
    if not ids:
        return {}
    d, m = schema.digests, schema.memberships
    out: dict[str, Lead] = {}
    members: dict[str, set[str]] = {i: set() for i in ids}
    with store.engine.connect() as conn:
        rows = conn.execute(select(d.c.story_id, d.c.data).where(d.c.story_id.in_(ids))).all()
        if not rows:
            return {}
        for article_id, story_id in conn.execute(
                select(m.c.article_id, m.c.story_id)
                .where(m.c.story_id.in_([r[0] for r in rows]))):
            members[story_id].add(article_id)
    for story_id, blob in rows:
        try:
            data = json.loads(zlib.decompress(blob))
        except (zlib.error, ValueError):
            continue
        summary = data.get("summary") or []
        if not summary:
            continue
        first = summary[0]
        if first.get("article_id") not in members[story_id]:
            continue
        sources = [s for s in first.get("sources", []) if s in members[story_id]]
        out[story_id] = Lead(first.get("text", ""), max(1, len(sources)), first["article_id"])
    return out
