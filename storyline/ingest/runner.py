"""Ingest: read inputs, recognize duplicates, store in batch transactions, assign stories.

Idempotent and crash-safe: article ids are stable, every batch is one transaction
(articles, duplicate links and story assignments together), and a rerun skips what is
already stored. Killing a run at any moment and running it again ends with every article
exactly once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import numpy as np

from storyline.analyze.nlp import import_spacy
from storyline.ingest import dedup
from storyline.ingest.formats import read_path
from storyline.ingest.records import InputError, Skip
from storyline.ingest.report import IngestReport
from storyline.model import Article
from storyline.store.database import Connection, Store, article_row

BATCH_SIZE = 500
_LATEST = datetime.max.replace(tzinfo=UTC)


class StoryAssigner(Protocol):
    """Puts newly stored original articles into stories, inside the batch's transaction.

    It may also have ``prepare(articles)``, called before the write lock is taken (do the
    slow analysis there), and ``forget()``, called under the lock when another writer
    changed the store since (state kept in memory must be read again)."""

    def assign(self, conn: Connection, articles: Sequence[Article]) -> None: ...


class StrictStop(InputError):
    """``--strict``: the first problem in the input ends the run before anything is stored."""


def collect(paths: Iterable[Path | str], fmt: str | None, report: IngestReport,
            on_skip: Callable[[Skip], None] | None = None, *,
            strict: bool = False, progress: Callable[[int], None] | None = None) -> list[Article]:
    """Read every input; skips and unreadable inputs are recorded in ``report``.

    With ``strict`` the first skip raises ``StrictStop`` (its message names the place).
    ``progress(n)`` hears of every 1,000 articles read.
    """
    articles: list[Article] = []
    for path in paths:  # as given: a URL must not go through Path (it folds "//")
        try:
            for item in read_path(path, fmt):
                if isinstance(item, Skip):
                    _skip(report, item, on_skip, strict)
                else:
                    articles.append(item)
                    if progress and len(articles) % 1000 == 0:
                        progress(1000)
        except StrictStop:
            raise
        except InputError as exc:
            report.failed_inputs.append(str(exc))
            detail = str(exc).removeprefix(f"{path}: ")
            _skip(report, Skip(str(path), exc.reason, detail), on_skip, strict)
        except (OSError, EOFError) as exc:  # a read error in the middle of a file
            detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            report.failed_inputs.append(f"{path}: {detail}")
            _skip(report, Skip(str(path), "unreadable input", detail), on_skip, strict)
    if progress and len(articles) % 1000:
        progress(len(articles) % 1000)
    report.read = len(articles)
    return articles


def _skip(report: IngestReport, item: Skip, on_skip, strict: bool = False) -> None:
    report.skipped += 1
    report.skip_reasons[item.reason] += 1
    if len(report.skips) < 10_000:
        report.skips.append(item)
    if strict:
        raise StrictStop(item.message())
    if on_skip:
        on_skip(item)


def publication_order(articles: list[Article]) -> list[Article]:
    """Stable sort by publication date; undated articles keep input order, at the end."""
    return sorted(articles, key=lambda a: a.published or _LATEST)


class Ingestor:
    """Stores articles with duplicate detection; keeps the near-duplicate index warm.

    Each batch is one transaction: the articles, their duplicate links and their story
    assignments are committed together or not at all. An article whose id is already stored
    is left alone, so a rerun after a crash (or of the same input) stores each article once.

    The store is the truth: other processes (another ``ingest``, the API of a ``serve``
    worker) may write between two batches. Each batch takes the store's write lock and, when
    the store's generation moved, first reads what changed (new originals into the
    near-duplicate index; the assigner forgets its stories and reads them again). The slow
    work (fingerprints, story features) happens before the lock is taken.
    """

    def __init__(self, store: Store, assigner: StoryAssigner | None = None,
                 batch_size: int = BATCH_SIZE, *,
                 on_fresh: Callable[[list[Article]], None] | None = None) -> None:
        self.store = store
        self.assigner = assigner
        self.on_fresh = on_fresh  # hears of the articles that look new, before analysis
        self.batch_size = batch_size
        self.index = dedup.NearDuplicateIndex()
        self._seq = 0  # the newest stored article the index has been given
        self._seq_id: str | None = None  # ... and its id (to notice a store emptied since)
        self._generation: int | None = None  # the store's generation this state reflects
        self._load_index()  # the bulk of it, before any lock is held

    def _load_index(self, conn: Connection | None = None) -> None:
        """Index the originals stored after ``self._seq`` (on ``conn`` when given)."""
        ids, blobs, stale = [], [], []
        for key, data, seq in self.store.minhashes_since(self._seq, conn):
            if seq > self._seq:
                self._seq, self._seq_id = seq, key
            if len(data) == dedup.NUM_PERM * 4:
                ids.append(key)
                blobs.append(data)
            else:  # written by an older signature scheme
                stale.append(key)
        if conn is not None and len(ids) < 5000:  # a few from another writer: no re-sort
            for key, data in zip(ids, blobs, strict=True):
                self.index.add(key, dedup.from_bytes(data))
        else:
            matrix = np.frombuffer(b"".join(blobs), dtype=np.uint32).reshape(-1, dedup.NUM_PERM)
            self.index.load(ids, matrix)
        if stale:
            self._rehash(stale, conn)

    def _rehash(self, ids: list[str], conn: Connection | None = None) -> None:
        """Signatures written by an older scheme: recompute them from the stored texts."""
        for start in range(0, len(ids), self.batch_size):
            if conn is not None:
                self._rehash_on(conn, ids[start:start + self.batch_size])
                continue
            with self.store.begin() as own:
                self._rehash_on(own, ids[start:start + self.batch_size])

    def _rehash_on(self, conn: Connection, ids: list[str]) -> None:
        fresh = {}
        for key, body in self.store.article_texts(conn, ids).items():
            signature = dedup.fingerprint(body).signature
            if signature is not None:
                self.index.add(key, signature)
                fresh[key] = dedup.to_bytes(signature)
        self.store.set_minhashes(conn, fresh)

    def _catch_up(self, conn: Connection) -> None:
        """Under the write lock: make what this ingestor keeps match the store."""
        generation = self.store.generation(conn)
        if generation == self._generation:
            return  # nobody else wrote since this ingestor's last batch
        if self._seq and self.store.article_texts(conn, [self._seq_id or ""]) == {}:
            # The store was emptied since (``demo --fresh``): start the index again.
            self.index = dedup.NearDuplicateIndex()
            self._seq, self._seq_id = 0, None
        self._load_index(conn)
        forget = getattr(self.assigner, "forget", None)
        if forget is not None:
            forget()
        self._generation = generation

    def _prepare(self, batch: Sequence[Article], prints: list[dedup.Fingerprint]) -> None:
        """Outside the lock: let the assigner analyze the articles that look new."""
        prepare = getattr(self.assigner, "prepare", None)
        if prepare is None:
            return
        with self.store.engine.connect() as conn:
            have, by_url, by_hash = self.store.existing(
                conn, [a.id for a in batch], [a.url for a in batch if a.url],
                [p.text_hash for p in prints])
        seen: set[str] = set()
        fresh = []
        for article, fp in zip(batch, prints, strict=True):
            if (article.id in have or article.url in by_url or fp.text_hash in by_hash
                    or fp.text_hash in seen):
                continue
            seen.add(fp.text_hash)
            fresh.append(article)
        if fresh:
            import_spacy()  # before story features import spaCy: without torch (see there)
            if self.on_fresh is not None:
                self.on_fresh(fresh)
        prepare(fresh)

    def assign_unassigned(self, progress: Callable[[int], None] | None = None) -> int:
        """Give a story to stored originals that have none (stored with ``--no-stories``)."""
        if self.assigner is None:
            return 0
        ids = self.store.unassigned_article_ids()
        for start in range(0, len(ids), self.batch_size):
            rows = self.store.get_articles(ids[start:start + self.batch_size])
            waiting = [r.article for r in rows if r.story_id is None]
            if hasattr(self.assigner, "prepare"):
                self.assigner.prepare(waiting)
            try:
                with self.store.begin() as conn:
                    self.store.lock_for_ingest(conn)
                    self._catch_up(conn)
                    done = self.store.assigned(conn, [a.id for a in waiting])  # by another
                    self.assigner.assign(conn, [a for a in waiting if a.id not in done])
                    generation = self.store.advance_generation(conn)
            except BaseException:
                self._generation = None
                raise
            self._generation = generation
            if progress:
                progress(len(rows))
        return len(ids)

    def store_articles(self, articles: Sequence[Article], report: IngestReport, *,
                       run_id: int | None = None,
                       progress: Callable[[int], None] | None = None) -> None:
        """Store ``articles`` (in the order given) in batches of ``batch_size``."""
        for start in range(0, len(articles), self.batch_size):
            batch = articles[start:start + self.batch_size]
            self._store_batch(batch, report, run_id)
            if progress:
                progress(len(batch))

    def _store_batch(self, batch: Sequence[Article], report: IngestReport,
                     run_id: int | None) -> None:
        prints = dedup.fingerprints([a.text for a in batch])
        self._prepare(batch, prints)
        added: list[str] = []  # keys added to the index, taken back if the batch fails
        try:
            with self.store.begin() as conn:
                self.store.lock_for_ingest(conn)
                self._catch_up(conn)
                newest = self._write_batch(conn, batch, prints, report, run_id, added)
                generation = self._generation
                if newest is not None:
                    generation = self.store.advance_generation(conn)
        except BaseException:
            self.index.remove(added)
            self._generation = None  # read the store again before the next batch
            raise
        self._generation = generation
        if newest is not None:
            self._seq, self._seq_id = newest

    def _write_batch(self, conn: Connection, batch: Sequence[Article],
                     prints: list[dedup.Fingerprint], report: IngestReport,
                     run_id: int | None, added: list[str]) -> tuple[int, str] | None:
        """Store the batch; the newest stored ``(seq, id)``, None when nothing was new."""
        have, by_url, by_hash = self.store.existing(
            conn, [a.id for a in batch], [a.url for a in batch if a.url],
            [p.text_hash for p in prints],
        )
        shingles: dict[str, object] = {}  # this batch's originals, for the exact Jaccard check
        rows, originals = [], []
        counts = Counter()
        for article, fp in zip(batch, prints, strict=True):
            known = have.get(article.id)
            if known is not None:
                if known == fp.text_hash:  # the same article again: nothing to do
                    counts["already_present"] += 1
                else:  # another text under a stored id: a copy that cannot get its own row
                    counts["duplicates"] += 1
                    counts["kind:id"] += 1
                continue
            have[article.id] = fp.text_hash
            original, kind = None, None
            if article.url and article.url in by_url:
                original, kind = by_url[article.url], "exact"
            elif fp.text_hash in by_hash:
                original, kind = by_hash[fp.text_hash], "exact"
            elif fp.signature is not None:
                original = self._near_original(conn, fp, shingles)
                kind = "near" if original else None
            if original is None:
                originals.append(article)
                shingles[article.id] = fp.shingles
                if fp.signature is not None:
                    self.index.add(article.id, fp.signature)
                    added.append(article.id)
            else:
                counts["duplicates"] += 1
                counts[f"kind:{kind}"] += 1
            target = original or article.id
            by_hash.setdefault(fp.text_hash, target)
            if article.url:
                by_url.setdefault(article.url, target)
            rows.append(article_row(
                article, fp.text_hash, run_id, duplicate_of=original, duplicate_kind=kind,
                minhash=dedup.to_bytes(fp.signature)
                if fp.signature is not None and original is None else None,
            ))
        newest = self.store.insert_articles(conn, rows)
        if self.assigner and originals:
            self.assigner.assign(conn, originals)
        # Counted only now: a batch that fails leaves the report as it was.
        report.ingested += len(originals)
        report.duplicates += counts["duplicates"]
        report.already_present += counts["already_present"]
        for key, n in counts.items():
            if key.startswith("kind:"):
                report.duplicate_kinds[key[5:]] += n
        return (newest, rows[-1]["id"]) if rows else None

    def _near_original(self, conn: Connection, fp: dedup.Fingerprint,
                       shingles: dict[str, object]) -> str | None:
        """The indexed original whose shingle set has Jaccard >= THRESHOLD with ``fp``'s."""
        candidates = self.index.candidates(fp.signature)
        if not candidates:
            return None
        missing = [key for key, _ in candidates if key not in shingles]
        if missing:
            for key, body in self.store.article_texts(conn, missing).items():
                shingles[key] = dedup.fingerprint(body).shingles
        best, best_score = None, dedup.THRESHOLD
        for key, _ in candidates:
            if key in shingles:
                score = dedup.jaccard(fp.shingles, shingles[key])
                if score >= best_score:
                    best, best_score = key, score
        return best


def ingest_paths(store: Store, paths: Sequence[Path | str], *, fmt: str | None = None,
                 assigner: StoryAssigner | None = None,
                 on_skip: Callable[[Skip], None] | None = None,
                 progress_factory=None, strict: bool = False,
                 on_fresh: Callable[[list[Article]], None] | None = None) -> IngestReport:
    """Read ``paths`` and store what they hold, in publication order.

    Articles stored earlier without stories (``assigner=None``) get theirs first when an
    ``assigner`` is given. ``progress_factory(total, label) -> callable(advance)`` shows
    progress (``total`` None while reading: the count is not known before the end). With
    ``strict`` the first unreadable input or bad record raises ``StrictStop`` and nothing
    is stored. ``on_fresh(articles)`` hears of each batch's new-looking articles early.

    >>> import tempfile, pathlib
    >>> from storyline.store import open_store
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = p.write_text('{"text": "Rain in Oslo."}\\n{"text": "rain in  oslo"}\\n{"id": 1}\\n')
    >>> ingest_paths(open_store("sqlite://"), [p], on_skip=lambda s: None).summary()
    'ingested 1, duplicates 1, skipped 1 (1 missing text)'
    """
    report = IngestReport()
    reading = progress_factory(None, "reading") if progress_factory else None
    articles = publication_order(collect(paths, fmt, report, on_skip, strict=strict,
                                         progress=reading))
    run_id = store.start_run([str(p) for p in paths])
    ingestor = Ingestor(store, assigner, on_fresh=on_fresh)
    if assigner is not None and (waiting := len(store.unassigned_article_ids())):
        ingestor.assign_unassigned(
            progress_factory(waiting, "stories for earlier articles") if progress_factory
            else None)
    advance = progress_factory(len(articles), "storing") if progress_factory else None
    ingestor.store_articles(articles, report, run_id=run_id, progress=advance)
    store.finish_run(run_id, ingested=report.ingested, duplicates=report.duplicates,
                     already_present=report.already_present, skipped=report.skipped,
                     skip_reasons=dict(report.skip_reasons))
    return report
