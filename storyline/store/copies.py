"""Copies of a story's articles, and the outlet view of a stored story.

Ingest links an exact or near copy to its original (``articles.duplicate_of``); copies never
join a story, so the outlet view (``digest/outlets.py``) reads them here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from storyline.digest.outlets import Copy, OutletView, outlet_view
from storyline.model import Citation
from storyline.store import schema


def story_outlets(store, story_id: str, statements: Sequence[Citation] | None = None
                  ) -> OutletView | None:
    """The outlet view of a stored story (None for an unknown id); ``statements`` are the
    digest's cited sentences (none given: the view without its matrix)."""
    story = store.get_story(story_id)
    if story is None:
        return None
    articles = [row.article for row in store.get_articles(story.articles)]
    return outlet_view(story.id, articles, copies_of(store, story.articles), statements or [])


def copies_of(store, article_ids: Sequence[str]) -> list[Copy]:
    """Stored copies (exact or near duplicates) of these articles."""
    if not article_ids:
        return []
    a = schema.articles
    found = []
    with store.engine.connect() as conn:
        for start in range(0, len(article_ids), 500):
            chunk = list(article_ids[start:start + 500])
            found += conn.execute(select(a.c.id).where(a.c.duplicate_of.in_(chunk))).scalars()
    rows = store.get_articles(found) if found else []
    return [Copy(r.article, r.duplicate_of, r.duplicate_kind) for r in rows if r.duplicate_of]
