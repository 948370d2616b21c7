"""Storing articles on SQLite and on PostgreSQL: articles/s of ``ingest --no-stories``.

    .venv/bin/python benchmarks/store_backends.py [--articles 2000] [--pg postgresql://...]

The same Timeline17 sample as ``benchmarks/ray_ingest.py`` (sorted by id), read, checked for
duplicates (exact and MinHash near copies) and stored in batch transactions, without story
assignment, into a fresh SQLite file and into a fresh PostgreSQL database (created and
dropped by the benchmark; default: the server the tests use, $STORYLINE_TEST_PG_URL or
postgres@127.0.0.1:5432). Wall and CPU seconds per article for each.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ray_ingest import sample  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from storyline.ingest.runner import Ingestor, IngestReport, publication_order  # noqa: E402
from storyline.store import open_store  # noqa: E402
from storyline.store.database import normalize_db_url  # noqa: E402


def timed_store(url: str, articles) -> dict:
    store = open_store(url)
    before = _size(store)
    wall, cpu = time.perf_counter(), time.process_time()
    report = IngestReport()
    Ingestor(store).store_articles(publication_order(articles), report)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    grown = _size(store) - before
    store.close()
    return {"articles": len(articles), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "articles_per_s": round(len(articles) / wall), "ms_per_article_cpu":
            round(1000 * cpu / len(articles), 2), "summary": report.summary(),
            "kb_per_article_on_disk": round(grown / 1024 / len(articles), 1)}


def _size(store) -> int:
    """Bytes the database takes on disk (SQLite: the file and its WAL)."""
    if store.dialect == "postgresql":
        with store.engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar())
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(store.engine.url.database)
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--pg", default=os.environ.get(
        "STORYLINE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    articles = sample(args.articles)
    print(f"{len(articles)} articles, load average {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        print("sqlite", timed_store(f"sqlite:///{tmp}/s.db", articles), flush=True)
    admin = create_engine(normalize_db_url(args.pg), isolation_level="AUTOCOMMIT")
    name = f"storyline_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(normalize_db_url(args.pg)).set(database=name)
        print("postgresql", timed_store(url.render_as_string(hide_password=False), articles),
              flush=True)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
