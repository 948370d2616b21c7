"""Versioned schema migrations, applied in order, each in its own transaction.

The installed schema version lives in ``storyline_meta``. A database written by an
older storyline is brought forward step by step; nothing is ever dropped, so a
user's articles survive every upgrade. To change the schema, append a step here
(and describe the new shape in ``schema.py``); never edit a step that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy import Connection, inspect, select, text

from storyline.store import schema

Step = Callable[[Connection], None]
_MIGRATION_LOCK = 0x5707_11E6  # pg_advisory_xact_lock key held while a step is applied


def _v1_base(conn: Connection) -> None:
    tables = [schema.meta, schema.ingest_runs, schema.articles, schema.stories, schema.memberships]
    schema.metadata.create_all(conn, tables=tables)
    if conn.dialect.name == "sqlite":
        # External-content FTS5 index over title and text, kept in step by triggers.
        conn.execute(text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
            "title, text, content='articles', content_rowid='seq', tokenize='porter unicode61')"
        ))
        conn.execute(text(
            "CREATE TRIGGER IF NOT EXISTS articles_fts_ai AFTER INSERT ON articles BEGIN "
            "INSERT INTO articles_fts(rowid, title, text) "
            "VALUES (new.seq, new.title, new.text); END"
        ))
        conn.execute(text(
            "CREATE TRIGGER IF NOT EXISTS articles_fts_ad AFTER DELETE ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
            "VALUES ('delete', old.seq, old.title, old.text); END"
        ))
        conn.execute(text(
            "CREATE TRIGGER IF NOT EXISTS articles_fts_au AFTER UPDATE OF title, text ON articles "
            "BEGIN INSERT INTO articles_fts(articles_fts, rowid, title, text) "
            "VALUES ('delete', old.seq, old.title, old.text); "
            "INSERT INTO articles_fts(rowid, title, text) "
            "VALUES (new.seq, new.title, new.text); END"
        ))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(
            "ALTER TABLE articles ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS "
            "(to_tsvector('english', coalesce(title, '') || ' ' || text)) STORED"
        ))
        conn.execute(text("CREATE INDEX IF NOT EXISTS ix_articles_tsv ON articles USING gin(tsv)"))
    conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS ux_articles_seq ON articles(seq)"))


def _v2_analyses(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.analyses])


def _v3_digests(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.digests])


def _v4_live_stories_index(conn: Connection) -> None:
    # The story list counts and pages live (not merged) stories newest first; without this
    # index both scan every story row (and its state blob).
    conn.execute(text(
        "CREATE INDEX IF NOT EXISTS ix_stories_live ON stories(merged_into, last_published)"
    ))


def _v5_run_status(conn: Connection) -> None:
    # Which process runs an ingest, so that a later run can tell a killed one (its process
    # is gone) from one still running, and mark it "interrupted".
    # A new database got them from step 1, which creates tables from today's schema.
    present = {c["name"] for c in inspect(conn).get_columns("ingest_runs")}
    for name, kind in (("status", "VARCHAR(16)"), ("owner", "VARCHAR(300)")):
        if name not in present:
            conn.execute(text(f"ALTER TABLE ingest_runs ADD COLUMN {name} {kind}"))
    conn.execute(text(
        "UPDATE ingest_runs SET status = 'finished' WHERE finished_at IS NOT NULL"))


def _v6_watched_feeds(conn: Connection) -> None:
    # ``storyline watch``: the state of each polled source, the entries it has taken, and
    # the robots.txt rules of the hosts it fetches from.
    schema.metadata.create_all(conn, tables=[schema.feeds, schema.feed_entries,
                                             schema.robots_rules])


def _v7_story_changes_index(conn: Connection) -> None:
    # Pages that follow the store ask which stories changed after a stamp
    # (``store/changes.py``); without this index each question scans every story row.
    conn.execute(text(
        "CREATE INDEX IF NOT EXISTS ix_stories_updated_seq ON stories(updated_seq)"))


STEPS: list[Step] = [_v1_base, _v2_analyses, _v3_digests, _v4_live_stories_index,
                     _v5_run_status, _v6_watched_feeds, _v7_story_changes_index]
LATEST = len(STEPS)


def installed_version(conn: Connection) -> int:
    """The schema version of the database behind ``conn`` (0 for an empty one)."""
    if not conn.dialect.has_table(conn, "storyline_meta"):
        return 0
    row = conn.execute(
        select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
    ).first()
    return int(row[0]) if row else 0


def upgrade(engine, target: int = LATEST) -> int:
    """Apply every step between the installed version and ``target``; return the new version."""
    with engine.begin() as conn:
        version = installed_version(conn)
    if version > LATEST:
        raise RuntimeError(
            f"the database has schema version {version}, newer than this storyline "
            f"understands ({LATEST}); upgrade storyline"
        )
    for number in range(version + 1, target + 1):
        with _write_transaction(engine) as conn:
            # Another process may have applied this step while we waited for the lock.
            if installed_version(conn) >= number:
                continue
            STEPS[number - 1](conn)
            _set_version(conn, number)
    return max(version, target)


@contextmanager
def _write_transaction(engine):
    """One step's transaction, holding the write lock from its first statement, so two
    processes opening a new database at once apply each step exactly once."""
    with engine.connect() as conn:
        conn.execution_options(storyline_write=True)  # BEGIN IMMEDIATE on SQLite
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            yield conn


def _set_version(conn: Connection, number: int) -> None:
    table = schema.meta
    updated = conn.execute(
        table.update().where(table.c.key == "schema_version").values(value=str(number))
    )
    if updated.rowcount == 0:
        conn.execute(table.insert().values(key="schema_version", value=str(number)))
