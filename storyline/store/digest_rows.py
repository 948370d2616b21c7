"""Stored digests: one compressed row per story, keyed by the story's version.

The web server's digest cache (``storyline.serve.digests``) decides what a version is and
what the row holds (compressed JSON); this reads and writes the rows. A digest is replaced
whole, in one transaction, so a reader sees the old one or the new one, never a mix.

``DigestRows`` is the part of ``Store`` that does this (``Store`` inherits it).

>>> from storyline.store import open_store
>>> store = open_store("sqlite://")
>>> store.put_digest("s1", "v1", b"zipped"), store.stored_digest("s1")
(True, ('v1', b'zipped'))
>>> store.stored_digest("s2") is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from storyline.store import schema
from storyline.store.errors import driver_errors


class DigestRows:
    """Reads and writes of the ``digests`` table (see module)."""

    engine: Engine
    begin: Callable[[], AbstractContextManager[Connection]]  # Writing.begin

    def stored_digest(self, story_id: str, conn: Connection | None = None
                      ) -> tuple[str, bytes] | None:
        """(version, data) of the digest stored for ``story_id`` (on ``conn`` when given),
        or None; raises ``StoreUnavailable`` when the database fails."""
        d = schema.digests
        query = select(d.c.version, d.c.data).where(d.c.story_id == story_id)
        with driver_errors():
            if conn is not None:
                row = conn.execute(query).first()
            else:
                with self.engine.connect() as own:
                    row = own.execute(query).first()
        return None if row is None else (row[0], row[1])

    def put_digest(self, story_id: str, version: str, data: bytes) -> bool:
        """Store ``data`` as the digest of this story version, replacing any older one.

        False when another process stored this story's digest at the same moment (its row
        stays); raises ``StoreBusy`` or ``StoreUnavailable`` when the store cannot be
        written now.
        """
        d = schema.digests
        try:
            with driver_errors(), self.begin() as conn:
                conn.execute(delete(d).where(d.c.story_id == story_id))
                conn.execute(insert(d).values(story_id=story_id, version=version, data=data,
                                              computed_at=datetime.now(UTC)))
        except IntegrityError:
            return False
        return True


__all__ = ["DigestRows"]
