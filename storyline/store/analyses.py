"""Stored analyses: the rows of the ``analyses`` table, one per analyzed article.

The store keeps a row as the analyzer encoded it (``storyline.analyze.cache``: compressed
JSON and a float32 matrix) and never reads inside it; the version column lets a reader ask
for rows made by the current analyzer only.

``AnalysisRows`` is the part of ``Store`` that reads and writes them (``Store`` inherits it).

>>> from storyline.model import Article
>>> from storyline.store.database import article_row, open_store
>>> store = open_store("sqlite://")
>>> with store.begin() as conn:
...     _ = store.insert_articles(conn, [article_row(Article("Rain.", id="a"), "h", None)])
>>> store.save_analyses([{"article_id": "a", "version": "v1", "data": b"x", "vectors": None}])
>>> store.load_analyses(["a", "b"], version="v1")
[('a', b'x', None)]
>>> store.load_analyses(["a"], version="v2")
[]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from storyline.store import schema

_CHUNK = 500  # ids per IN (...) list: well under SQLite's bound-parameter limit


class AnalysisRows:
    """Reads and writes of the ``analyses`` table (see the module)."""

    engine: Engine

    def load_analyses(self, article_ids: Sequence[str], *, version: str,
                      ) -> list[tuple[str, bytes, bytes | None]]:
        """``(article_id, data, vectors)`` of the stored analyses of ``article_ids`` made by
        analyzer ``version`` (others are left out), in no particular order."""
        table = schema.analyses
        ids = list(dict.fromkeys(article_ids))
        found: list[tuple[str, bytes, bytes | None]] = []
        with self.engine.connect() as conn:
            for i in range(0, len(ids), _CHUNK):
                rows = conn.execute(select(table.c.article_id, table.c.data, table.c.vectors)
                                    .where(table.c.article_id.in_(ids[i:i + _CHUNK]))
                                    .where(table.c.version == version))
                found += [(aid, data, blob) for aid, data, blob in rows]
        return found

    def analyzed_ids(self, article_ids: Sequence[str], *, version: str) -> set[str]:
        """Which of ``article_ids`` have a stored analysis made by analyzer ``version``
        (read without the rows themselves: cheaper than ``load_analyses``)."""
        table = schema.analyses
        ids = list(dict.fromkeys(article_ids))
        have: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(ids), _CHUNK):
                have.update(r[0] for r in conn.execute(
                    select(table.c.article_id).where(table.c.article_id.in_(ids[i:i + _CHUNK]))
                    .where(table.c.version == version)))
        return have

    def save_analyses(self, rows: Sequence[dict[str, Any]]) -> None:
        """Store (or replace) analyses: each row has ``article_id``, ``version``, ``data``
        and ``vectors``; their articles must be in the store."""
        if not rows:
            return
        table = schema.analyses
        with self.begin() as conn:  # type: ignore[attr-defined] - Store's write transaction
            ids = [r["article_id"] for r in rows]
            for i in range(0, len(ids), _CHUNK):
                conn.execute(delete(table).where(table.c.article_id.in_(ids[i:i + _CHUNK])))
            conn.execute(insert(table), list(rows))
