"""Which stories changed since their digests were last computed ahead of reading.

A story's row carries ``updated_seq``: the newest article's arrival number when the story
last changed. The store keeps one mark in ``storyline_meta``: every story changed at or
before it has had its digest computed (``storyline.serve.digests_ahead``). An ingest reads
the mark before it stores anything and advances it only when every digest it owes is
stored, so a run killed in between leaves the mark behind and the next run computes what
was missed (digests already stored for the same members are not computed twice).

>>> from storyline.store import open_store
>>> store = open_store("sqlite://")
>>> pending_since(store, with_stories=True)
0
>>> advance(store, 12); mark(store)
12
>>> changed_after(store, 0)
[]
"""

from __future__ import annotations

from sqlalchemy import func, insert, select, update

from storyline.store import schema
from storyline.store.database import Store

KEY = "digests_through_seq"


def mark(store: Store) -> int | None:
    """The mark: stories changed at or before this arrival number have their digests."""
    meta = schema.meta
    with store.engine.connect() as conn:
        value = conn.execute(select(meta.c.value).where(meta.c.key == KEY)).scalar()
    return int(value) if value is not None else None


def _write(conn, value: int) -> None:
    meta = schema.meta
    done = conn.execute(update(meta).where(meta.c.key == KEY).values(value=str(value)))
    if done.rowcount == 0:
        conn.execute(insert(meta).values(key=KEY, value=str(value)))


def pending_since(store: Store, *, with_stories: bool) -> int:
    """Call before an ingest stores anything: the arrival number after which stories may
    change without a digest (the mark, lowered to what the store holds now).

    A store that never had digests computed ahead starts at its newest article: its older
    stories get theirs when first shown. Articles stored without stories (``--no-stories``)
    get stories now, so their stories are owed digests too. The value is written as the
    mark when it is lower, so that a run killed before its digests are stored is noticed.
    """
    a, m = schema.articles, schema.memberships
    with store.engine.connect() as conn:  # read first: a write lock only to move the mark
        newest = int(conn.execute(select(func.coalesce(func.max(a.c.seq), 0))).scalar() or 0)
        value = conn.execute(select(schema.meta.c.value)
                             .where(schema.meta.c.key == KEY)).scalar()
        since = newest if value is None else min(int(value), newest)  # emptied since?
        if with_stories:
            waiting = conn.execute(
                select(func.min(a.c.seq))
                .select_from(a.outerjoin(m, m.c.article_id == a.c.id))
                .where(a.c.duplicate_of.is_(None), m.c.story_id.is_(None))).scalar()
            if waiting is not None:
                since = min(since, int(waiting) - 1)
    if value is None or int(value) != since:
        with store.begin() as conn:
            _write(conn, since)
    return since


def newest_seq(store: Store) -> int:
    """The newest article's arrival number (0 for an empty store)."""
    a = schema.articles
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(a.c.seq), 0))).scalar() or 0)


def changed_after(store: Store, seq: int) -> list[str]:
    """Ids of the stories (not merged away) changed after arrival number ``seq``, newest
    change first."""
    s = schema.stories
    with store.engine.connect() as conn:
        rows = conn.execute(select(s.c.id).where(s.c.updated_seq > seq,
                                                 s.c.merged_into.is_(None), s.c.size > 0)
                            .order_by(s.c.updated_seq.desc(), s.c.id))
        return [r[0] for r in rows]


def advance(store: Store, seq: int) -> None:
    """Every story changed at or before ``seq`` has its digest: move the mark there (never
    back: another run may have moved it further)."""
    with store.begin() as conn:
        value = conn.execute(select(schema.meta.c.value)
                             .where(schema.meta.c.key == KEY)).scalar()
        if value is None or int(value) < seq:
            _write(conn, seq)
