"""The last look at a story, per store: what ``storyline show --since-last`` compares with.

Kept in ``storyline_meta`` under a key derived from the story id; the value is the arrival
number (``seq``) of the newest article the last ``show`` printed.

>>> _visit_key("3f9a")[:6]
'visit.'
"""

from __future__ import annotations

import hashlib

from sqlalchemy import insert, select, update

from storyline.store import schema
from storyline.store.errors import driver_errors


def _visit_key(story_id: str) -> str:
    return "visit." + hashlib.sha1(story_id.encode("utf-8")).hexdigest()[:24]


def last_visit(store, story_id: str) -> int | None:
    """The arrival number (``seq``) of the newest article shown at the last ``show``."""
    meta = schema.meta
    with store.engine.connect() as conn:
        value = conn.execute(select(meta.c.value)
                             .where(meta.c.key == _visit_key(story_id))).scalar()
    return int(value) if value and value.isdigit() else None


def remember_visit(store, story_id: str, seq: int) -> None:
    """Remember that every article of the story up to arrival number ``seq`` was shown
    (raises ``StoreError``: busy, read-only, or failed)."""
    meta = schema.meta
    key, value = _visit_key(story_id), str(int(seq))
    with driver_errors(), store.begin() as conn:
        done = conn.execute(update(meta).where(meta.c.key == key).values(value=value))
        if done.rowcount == 0:
            conn.execute(insert(meta).values(key=key, value=value))
