"""The ``Store``: every read and write of storyline's data, on SQLite or PostgreSQL.

Its parts live beside it: ``writers`` (write transactions, locks, ingest runs),
``analyses`` (stored analyses), ``story_reads`` (what the web pages read),
``story_writes`` (the story rows assignment reads and writes), ``digest_rows`` (stored
digests), ``rows`` (rows as the model's objects) and ``engine`` (URLs and connections).

>>> store = open_store("sqlite://")          # an in-memory database
>>> with store.begin() as conn:
...     store.insert_articles(conn, [article_row(Article("Rain in Oslo.", source="NRK"),
...                                              "hash", None)])
1
>>> store.count_articles()
1
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Engine,
    Float,
    Integer,
    and_,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from storyline import limits
from storyline.model import Article, Story  # noqa: F401 - Article: for the doctest
from storyline.store import migrations, schema
from storyline.store.analyses import AnalysisRows
from storyline.store.digest_rows import DigestRows
from storyline.store.engine import (
    DB_ENV,
    default_db_url,
    first_line,
    make_engine,
    make_parent_folder,
    normalize_db_url,
)
from storyline.store.errors import StoreBusy, StoreError, safe_url
from storyline.store.rows import ArticleRow, article_row, row_to_article, row_to_story
from storyline.store.story_reads import StoryReads
from storyline.store.story_writes import StoryWrites
from storyline.store.writers import Writing


def open_store(url: str | None = None) -> Store:
    """Open (creating and migrating as needed) the store at ``url``."""
    return Store(normalize_db_url(url) if url else default_db_url())


class Store(Writing, AnalysisRows, StoryReads, StoryWrites, DigestRows):
    """All access to storyline's tables. Safe to share within one process; several
    processes may write to one store at once (see ``storyline.store.writers``)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.on_wait: Callable[[str], None] | None = None  # told once when a writer waits
        self.write_wait = limits.WRITE_WAIT_SECONDS
        self._run_locks: dict[int, Connection] = {}  # PostgreSQL sessions holding a run
        try:
            make_parent_folder(url)
            self.engine: Engine = make_engine(url, self)
            migrations.upgrade(self.engine)
        except ImportError as exc:  # a driver left out of the install (the postgres extra)
            raise StoreError(f"cannot open store {safe_url(url)}: its driver {exc.name} is "
                             "not installed (pip install 'storyline[postgres]')") from exc
        except Exception as exc:  # noqa: BLE001 - reported as one line to the user
            raise StoreError(f"cannot open store {safe_url(url)}: {first_line(exc)}") from exc

    def close(self) -> None:
        for conn in self._run_locks.values():
            conn.close()
        self._run_locks.clear()
        self.engine.dispose()

    # -- ingest -----------------------------------------------------------------------

    def existing(self, conn: Connection, ids: Iterable[str], urls: Iterable[str],
                 hashes: Iterable[str]) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """Which ids exist (with their text hash); which urls and text hashes map to which
        original article."""
        ids, urls, hashes = list(dict.fromkeys(ids)), list({u for u in urls if u}), list(hashes)
        a = schema.articles
        found_ids: dict[str, str] = {}
        by_url: dict[str, str] = {}
        by_hash: dict[str, str] = {}
        for chunk in _chunks(ids):
            rows = conn.execute(select(a.c.id, a.c.text_hash).where(a.c.id.in_(chunk)))
            found_ids.update((aid, digest) for aid, digest in rows)
        for chunk in _chunks(urls):
            rows = conn.execute(
                select(a.c.url, a.c.id, a.c.duplicate_of).where(a.c.url.in_(chunk))
            )
            for url, aid, dup in rows:
                by_url.setdefault(url, dup or aid)
        for chunk in _chunks(list(set(hashes))):
            rows = conn.execute(
                select(a.c.text_hash, a.c.id, a.c.duplicate_of).where(a.c.text_hash.in_(chunk))
            )
            for h, aid, dup in rows:
                by_hash.setdefault(h, dup or aid)
        return found_ids, by_url, by_hash

    def article_texts(self, conn: Connection, ids: Iterable[str]) -> dict[str, str]:
        """The text of each stored article among ``ids``."""
        a = schema.articles
        out: dict[str, str] = {}
        for chunk in _chunks(list(ids)):
            rows = conn.execute(select(a.c.id, a.c.text).where(a.c.id.in_(chunk)))
            out.update((aid, body) for aid, body in rows)
        return out

    def set_minhashes(self, conn: Connection, values: dict[str, bytes]) -> None:
        """Replace stored near-duplicate signatures (after the signature scheme changed)."""
        a = schema.articles
        for article_id, data in values.items():
            conn.execute(update(a).where(a.c.id == article_id).values(minhash=data))

    def insert_articles(self, conn: Connection, rows: list[dict[str, Any]]) -> int:
        """Insert prepared article rows (see ``ingest.runner``), numbering them in order;
        returns the newest ``seq`` (the store's, when ``rows`` is empty)."""
        next_seq = self.max_seq(conn)
        if not rows:
            return next_seq
        for offset, row in enumerate(rows, start=1):
            row["seq"] = next_seq + offset
        conn.execute(insert(schema.articles), rows)
        return next_seq + len(rows)

    def minhashes(self) -> Iterable[tuple[str, bytes]]:
        """(id, minhash signature) of every original article, for the near-duplicate index."""
        for key, data, _seq in self.minhashes_since(0):
            yield key, data

    def minhashes_since(self, after_seq: int, conn: Connection | None = None,
                        ) -> Iterator[tuple[str, bytes, int]]:
        """(id, minhash signature, seq) of the original articles that arrived after
        ``after_seq`` (on ``conn`` when given): what a near-duplicate index lacks."""
        a = schema.articles
        query = select(a.c.id, a.c.minhash, a.c.seq).where(
            a.c.duplicate_of.is_(None), a.c.minhash.is_not(None), a.c.seq > after_seq
        )
        if conn is not None:
            yield from conn.execute(query)
            return
        with self.engine.connect() as own:
            yield from own.execute(query.execution_options(yield_per=2000))

    # -- reading articles ---------------------------------------------------------------

    def count_articles(self, *, originals_only: bool = False) -> int:
        a = schema.articles
        query = select(func.count()).select_from(a)
        if originals_only:
            query = query.where(a.c.duplicate_of.is_(None))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def get_article(self, article_id: str) -> ArticleRow | None:
        rows = self.get_articles([article_id])
        return rows[0] if rows else None

    def get_articles(self, ids: Sequence[str]) -> list[ArticleRow]:
        """The stored articles with these ids, in the order given (missing ids left out)."""
        a, m = schema.articles, schema.memberships
        found: dict[str, ArticleRow] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(ids)):
                query = (
                    select(a, m.c.story_id)
                    .select_from(a.outerjoin(m, m.c.article_id == a.c.id))
                    .where(a.c.id.in_(chunk))
                )
                for row in conn.execute(query).mappings():
                    found[row["id"]] = row_to_article(row)
        return [found[i] for i in ids if i in found]

    def list_articles(
        self,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        query: str | None = None,
        story_id: str | None = None,
        include_duplicates: bool = True,
        limit: int | None = 50,
        offset: int = 0,
    ) -> list[ArticleRow]:
        """Articles matching the filters: newest first, or best match first for ``query``."""
        a, m = schema.articles, schema.memberships
        stmt = select(a, m.c.story_id).select_from(a.outerjoin(m, m.c.article_id == a.c.id))
        conditions = []
        if source:
            conditions.append(func.lower(a.c.source) == source.lower())
        if since:
            conditions.append(a.c.published >= since)
        if until:
            conditions.append(a.c.published <= until)
        if story_id:
            conditions.append(m.c.story_id == story_id)
        if not include_duplicates:
            conditions.append(a.c.duplicate_of.is_(None))
        order = [a.c.published.desc().nulls_last(), a.c.seq.desc()]
        if query and query.strip():
            words = re.findall(r"\w+", query)
            if not words:
                return []
            if self.dialect == "sqlite":
                # Quote every word so user text is never read as FTS5 syntax.
                fts_query = " ".join('"' + w + '"' for w in words)
                hits = (
                    text("SELECT rowid AS rid, bm25(articles_fts) AS rank FROM articles_fts "
                         "WHERE articles_fts MATCH :q")
                    .bindparams(q=fts_query)
                    .columns(rid=Integer, rank=Float)
                    .subquery("hits")
                )
                stmt = stmt.join(hits, hits.c.rid == a.c.seq)
                order = [hits.c.rank]
            else:
                tsquery = func.websearch_to_tsquery("english", " ".join(words))
                tsv = literal_column("articles.tsv")
                conditions.append(tsv.op("@@")(tsquery))
                order = [func.ts_rank(tsv, tsquery).desc()]
        if conditions:
            stmt = stmt.where(and_(*conditions))
        if offset > limits.MAX_OFFSET:  # past any store; and past what SQLite can count
            return []
        stmt = stmt.order_by(*order).offset(offset)
        if limit is not None:
            stmt = stmt.limit(min(limit, limits.MAX_OFFSET))
        with self.engine.connect() as conn:
            return [row_to_article(r) for r in conn.execute(stmt).mappings()]

    def sources(self) -> list[tuple[str, int]]:
        """Outlets and how many articles each has, most first."""
        a = schema.articles
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a.c.source, func.count()).group_by(a.c.source).order_by(func.count().desc())
            )
            return [(s or "", int(n)) for s, n in rows]

    # -- stories --------------------------------------------------------------------------

    def list_stories(self, *, limit: int | None = None, offset: int = 0,
                     order: str = "recent") -> list[Story]:
        """Stories (not merged away), newest first or biggest first."""
        s = schema.stories
        ordering = (
            [s.c.size.desc(), s.c.last_published.desc()]
            if order == "size"
            else [s.c.last_published.desc(), s.c.size.desc()]
        )
        if offset > limits.MAX_OFFSET:
            return []
        stmt = select(s).where(s.c.merged_into.is_(None)).order_by(*ordering, s.c.id)
        stmt = stmt.offset(offset)
        if limit is not None:
            stmt = stmt.limit(min(limit, limits.MAX_OFFSET))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).mappings().all()
            members = self._members(conn, [r["id"] for r in rows])
        return [row_to_story(r, members.get(r["id"], [])) for r in rows]

    def get_story(self, story_id: str) -> Story | None:
        s = schema.stories
        with self.engine.connect() as conn:
            row = conn.execute(select(s).where(s.c.id == story_id)).mappings().first()
            if row is None:
                # Allow a unique prefix, as users copy short ids.
                prefix = re.sub(r"([\\%_])", r"\\\1", story_id)  # literal, not LIKE syntax
                rows = conn.execute(
                    select(s).where(s.c.id.like(prefix + "%", escape="\\")).limit(2)
                ).mappings().all()
                if len(rows) != 1:
                    return None
                row = rows[0]
            members = self._members(conn, [row["id"]])
        return row_to_story(row, members.get(row["id"], []))

    def count_stories(self) -> int:
        s = schema.stories
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(s).where(s.c.merged_into.is_(None))
                ).scalar() or 0
            )

    def _members(self, conn: Connection, story_ids: list[str]) -> dict[str, list[str]]:
        a, m = schema.articles, schema.memberships
        out: dict[str, list[str]] = {}
        for chunk in _chunks(story_ids):
            rows = conn.execute(
                select(m.c.story_id, m.c.article_id)
                .select_from(m.join(a, a.c.id == m.c.article_id))
                .where(m.c.story_id.in_(chunk))
                .order_by(a.c.published.nulls_last(), a.c.seq)
            )
            for sid, aid in rows:
                out.setdefault(sid, []).append(aid)
        return out

    def search_stories_by_entity(self, needle: str) -> list[str]:
        """Ids of stories whose key entities contain ``needle`` (case-insensitive)."""
        s = schema.stories
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.c.id, s.c.entities).where(s.c.merged_into.is_(None)))
            low = needle.lower()
            return [sid for sid, ents in rows if any(low in e.lower() for e in ents or [])]

    def assigned(self, conn: Connection, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` belong to a story already."""
        m = schema.memberships
        found: set[str] = set()
        for chunk in _chunks(list(ids)):
            found.update(r[0] for r in conn.execute(
                select(m.c.article_id).where(m.c.article_id.in_(chunk))))
        return found

    def unassigned_article_ids(self) -> list[str]:
        """Original articles that belong to no story yet, in publication order."""
        a, m = schema.articles, schema.memberships
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a.c.id)
                .select_from(a.outerjoin(m, m.c.article_id == a.c.id))
                .where(a.c.duplicate_of.is_(None), m.c.story_id.is_(None))
                .order_by(a.c.published.nulls_last(), a.c.seq)
            )
            return [r[0] for r in rows]

    def delete_all(self) -> None:
        """Empty every table (for ``storyline demo --fresh`` and tests)."""
        with self.begin() as conn:
            for table in (schema.analyses, schema.memberships, schema.stories,
                          schema.articles, schema.ingest_runs):
                conn.execute(table.delete())
            if self.dialect == "sqlite":
                conn.execute(text("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')"))
            self.advance_generation(conn)


def _chunks(items: list, size: int = 500):
    for i in range(0, len(items), size):
        yield items[i:i + size]


# ``Connection``: the type of the connection ``Store.begin`` hands out, for the layers above
# that pass one along (ingest's batch transaction) without running SQL on it.
__all__ = ["DB_ENV", "ArticleRow", "Connection", "Store", "StoreBusy", "StoreError",
           "article_row", "default_db_url", "normalize_db_url", "open_store"]
