"""Writers on one store: the write lock, the change counter, and ingest runs.

Writers (CLI ingests, API requests, ``serve`` workers) may run in several processes at
once. Each write transaction takes the store's write lock first (``begin`` and
``lock_for_ingest``); one that must wait for another process says so once through
``on_wait`` and gives up with ``StoreBusy`` after ``write_wait`` seconds. A writer that keeps
state from the store in memory (the near-duplicate index, open stories) checks
``generation`` under the lock: every transaction that changes articles, stories or
memberships advances it (``advance_generation``), so a changed number means another writer
was there and the state must be read again.

``Writing`` is the part of ``Store`` that does this (``Store`` inherits it).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from storyline.store import schema
from storyline.store.errors import StoreBusy, safe_url


class Writing:
    """Write transactions, the writers' lock and change counter, ingest runs (see module)."""

    url: str
    engine: Engine
    on_wait: Callable[[str], None] | None
    write_wait: float
    _run_locks: dict[int, Connection]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction: ``with store.begin() as conn: ...`` commits on success.

        On SQLite it starts with ``BEGIN IMMEDIATE``: the write lock is taken before the
        first read, so what a transaction reads (which ids exist) is still true when it
        writes, even with another process ingesting into the same file. While another
        process holds the lock it waits (see the module), never failing with "database is
        locked" halfway through.
        """
        with self.engine.connect() as conn:
            conn.execution_options(storyline_write=True)
            with conn.begin():
                yield conn

    def lock_for_ingest(self, conn: Connection) -> None:
        """Serialize ingest batches across processes (on SQLite ``begin`` already does)."""
        if self.dialect != "postgresql":
            return
        key = {"key": _INGEST_LOCK}
        if conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), key).scalar():
            return
        self._waiting()
        # An advisory lock waits as long as lock_timeout allows, then the statement fails.
        conn.execute(text(f"SET LOCAL lock_timeout = {int(self.write_wait * 1000)}"))
        try:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), key)
        except OperationalError as exc:
            raise self._busy() from exc
        conn.execute(text("SET LOCAL lock_timeout = DEFAULT"))

    def _waiting(self) -> None:
        if self.on_wait:
            self.on_wait("another process is writing to the store; waiting for it to finish")

    def _busy(self) -> StoreBusy:
        return StoreBusy(f"store {safe_url(self.url)} is busy: another process has held its "
                         f"write lock for over {self.write_wait:g} s; try again later")

    def _begin_immediate(self, conn) -> None:
        """SQLite's ``BEGIN IMMEDIATE``, retried while another process holds the lock."""
        deadline = time.monotonic() + self.write_wait
        told = False
        while True:
            # Each attempt waits briefly in the driver, so the wait is told about early.
            attempt = min(_ATTEMPT_S, max(0.05, deadline - time.monotonic()))
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(attempt * 1000)}")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                break
            except OperationalError as exc:
                if "locked" not in str(exc.orig) and "busy" not in str(exc.orig):
                    raise
                if not told:
                    self._waiting()
                    told = True
                if time.monotonic() >= deadline:
                    raise self._busy() from exc
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(_BUSY_S * 1000)}")

    def generation(self, conn: Connection) -> int:
        """How many writes have changed articles or stories (see the class docstring)."""
        meta = schema.meta
        value = conn.execute(select(meta.c.value).where(meta.c.key == _GENERATION)).scalar()
        return int(value) if value else 0

    def advance_generation(self, conn: Connection) -> int:
        """Count one more change (call it in the transaction that writes, under the lock)."""
        meta = schema.meta
        number = self.generation(conn) + 1
        done = conn.execute(update(meta).where(meta.c.key == _GENERATION)
                            .values(value=str(number)))
        if done.rowcount == 0:
            conn.execute(insert(meta).values(key=_GENERATION, value=str(number)))
        return number

    def max_seq(self, conn: Connection) -> int:
        """The newest article's arrival number (0 for an empty store)."""
        a = schema.articles
        return int(conn.execute(select(func.coalesce(func.max(a.c.seq), 0))).scalar() or 0)

    def start_run(self, inputs: Sequence[str]) -> int:
        """Record an ingest run as running; earlier runs whose process died are marked
        "interrupted" now (their ``finished_at`` is the moment this was noticed)."""
        with self.begin() as conn:
            self._mark_interrupted(conn)
            result = conn.execute(
                insert(schema.ingest_runs).values(
                    started_at=_now(), inputs=list(inputs), ingested=0, duplicates=0,
                    already_present=0, skipped=0, skip_reasons={}, status="running",
                    owner=_OWNER,
                )
            )
            run_id = int(result.inserted_primary_key[0])
        if self.dialect == "postgresql":
            # Held by this session until the run finishes or the process dies: how a later
            # run on any machine tells a dead run from a live one.
            holder = self.engine.connect()
            holder.execute(text("SELECT pg_advisory_lock(:k, :run)"),
                           {"k": _RUN_LOCK_CLASS, "run": run_id})
            holder.commit()
            self._run_locks[run_id] = holder
        return run_id

    def finish_run(self, run_id: int, *, ingested: int, duplicates: int, already_present: int,
                   skipped: int, skip_reasons: dict[str, int]) -> None:
        with self.begin() as conn:
            conn.execute(
                update(schema.ingest_runs)
                .where(schema.ingest_runs.c.id == run_id)
                .values(finished_at=_now(), ingested=ingested, duplicates=duplicates,
                        already_present=already_present, skipped=skipped,
                        skip_reasons=skip_reasons, status="finished")
            )
        holder = self._run_locks.pop(run_id, None)
        if holder is not None:
            holder.close()  # ends the session, and the run's lock with it

    def _mark_interrupted(self, conn: Connection) -> None:
        runs = schema.ingest_runs
        unfinished = conn.execute(
            select(runs.c.id, runs.c.owner).where(runs.c.finished_at.is_(None))
        ).all()
        for run_id, owner in unfinished:
            if run_id in self._run_locks or not self._run_is_dead(conn, run_id, owner):
                continue
            a = schema.articles
            stored = conn.execute(select(func.count()).select_from(a)
                                  .where(a.c.ingest_run == run_id)).scalar()
            conn.execute(update(runs).where(runs.c.id == run_id).values(
                status="interrupted", finished_at=_now(), ingested=int(stored or 0)))

    def _run_is_dead(self, conn: Connection, run_id: int, owner: str | None) -> bool:
        if self.dialect == "postgresql":
            args = {"k": _RUN_LOCK_CLASS, "run": run_id}
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k, :run)"), args).scalar():
                return False
            conn.execute(text("SELECT pg_advisory_unlock(:k, :run)"), args)
            return True
        host, _, pid = (owner or "").rpartition(":")
        if host != socket.gethostname() or not pid.isdigit():
            return owner is None  # written before runs had owners: long gone
        return not _process_alive(int(pid))


_INGEST_LOCK = 0x5707_11E5  # pg_advisory_xact_lock key held by an ingest batch
_RUN_LOCK_CLASS = 0x5707_11E7 - 2**31  # pg_advisory_lock(class, run id) held by a live run
_GENERATION = "store.generation"  # storyline_meta key: see Store.generation
_OWNER = f"{socket.gethostname()}:{os.getpid()}"
_BUSY_S = 5.0  # SQLite: the driver's wait for a lock (reads in WAL mode hardly ever wait)
_ATTEMPT_S = 2.0  # ... and for one attempt at the write lock (see Writing._begin_immediate)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _now() -> datetime:
    return datetime.now(UTC)
