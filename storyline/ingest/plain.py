"""Storing articles as they are, without duplicate detection or story assignment.

For tests and fixtures that need articles in a store and nothing else: each row gets the
text hash ingest would give it (``dedup.text_hash``), so a later ``storyline ingest`` of the
same text still sees the copy. ``storyline ingest`` itself goes through ``Ingestor``.

>>> from storyline.model import Article
>>> from storyline.store import open_store
>>> store = open_store("sqlite://")
>>> add_articles(store, [Article("Rain in Oslo.", id="a"), Article("Sun.", id="b")])
2
>>> add_articles(store, [Article("Rain in Oslo.", id="a")])  # stored already: skipped
0
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.ingest.dedup import text_hash
from storyline.model import Article
from storyline.store.database import Store, article_row


def add_articles(store: Store, articles: Sequence[Article], run_id: int | None = None) -> int:
    """Insert the articles whose ids are not stored yet; returns how many were inserted."""
    with store.begin() as conn:
        have, _, _ = store.existing(conn, [a.id for a in articles], [], [])
        rows = [article_row(a, text_hash(a.text), run_id) for a in articles if a.id not in have]
        store.insert_articles(conn, rows)
        return len(rows)
