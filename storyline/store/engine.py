"""Where a store lives and how it is opened: the database URL and the SQLAlchemy engine.

SQLite files get WAL and write transactions that take the lock first (``BEGIN IMMEDIATE``,
see ``storyline.store.writers``); PostgreSQL gets a pool that checks connections.

>>> normalize_db_url("sqlite://")
'sqlite://'
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from storyline.store.writers import _BUSY_S, Writing

DB_ENV = "STORYLINE_DB"


def default_db_url() -> str:
    """``$STORYLINE_DB``, else an SQLite file in the user's data directory."""
    configured = os.environ.get(DB_ENV)
    if configured:
        return normalize_db_url(configured)
    folder = Path(user_data_dir("storyline", appauthor=False))
    return f"sqlite:///{folder / 'storyline.db'}"


def normalize_db_url(url_or_path: str) -> str:
    """Accept a SQLAlchemy URL or a plain file path (taken as SQLite).

    >>> normalize_db_url("/tmp/x.db")
    'sqlite:////tmp/x.db'
    >>> normalize_db_url("postgresql://h/db")
    'postgresql+psycopg://h/db'
    """
    if "://" not in url_or_path:
        return f"sqlite:///{Path(url_or_path).expanduser().resolve()}"
    if url_or_path.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url_or_path.split("://", 1)[1]
    return url_or_path


def make_parent_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not parsed.database.startswith("file:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str, store: Writing) -> Engine:
    if url.startswith("sqlite"):
        # The driver's busy wait for one attempt at a lock; a writer waiting for another
        # process's transaction retries (and says so) in Store._begin_immediate.
        engine = create_engine(url, connect_args={"timeout": _BUSY_S})
        # One process owns an in-memory database, and all its connections share one: leave
        # transactions to the driver there.
        in_memory = ":memory:" in url or url in ("sqlite://", "sqlite+pysqlite://")

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            if not in_memory:
                # The driver's own transaction handling begins only before the first write
                # and never for DDL; SQLAlchemy's "begin" event below takes that over.
                dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        if not in_memory:
            @event.listens_for(engine, "begin")
            def _begin(conn):  # pragma: no cover - trivial
                if conn.get_execution_options().get("storyline_write"):
                    store._begin_immediate(conn)
                else:
                    conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def first_line(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()
    return message[0] if message else type(exc).__name__
