"""Ingest: read inputs, recognize duplicates, store in batch transactions, assign stories.

Idempotent and crash-safe: article ids are stable, every batch is one transaction
(articles, duplicate links and story assignments together), and a rerun skips what is
already stored. Killing a run at any moment and running it again ends with every article
exactly once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import Connection

from storyline.ingest import dedup
from storyline.ingest.formats import read_path
from storyline.ingest.records import InputError, Skip
from storyline.model import Article
from storyline.store.database import Store, article_row

BATCH_SIZE = 500
_LATEST = datetime.max.replace(tzinfo=UTC)


class StoryAssigner(Protocol):
    """Puts newly stored original articles into stories, inside the batch's transaction."""

    def assign(self, conn: Connection, articles: Sequence[Article]) -> None: ...


@dataclass(slots=True)
class IngestReport:
    ingested: int = 0
    duplicates: int = 0
    already_present: int = 0
    skipped: int = 0
    skip_reasons: Counter = field(default_factory=Counter)
    skips: list[Skip] = field(default_factory=list)
    failed_inputs: list[str] = field(default_factory=list)
    read: int = 0

    def summary(self) -> str:
        """ "ingested N, duplicates D, skipped S (reasons...)" """
        line = f"ingested {self.ingested}, duplicates {self.duplicates}, skipped {self.skipped}"
        if self.skip_reasons:
            reasons = ", ".join(f"{n} {r}" for r, n in self.skip_reasons.most_common())
            line += f" ({reasons})"
        if self.already_present:
            line += f"; {self.already_present} already in the store"
        return line

    def to_json(self) -> dict:
        return {
            "ingested": self.ingested, "duplicates": self.duplicates,
            "already_present": self.already_present, "skipped": self.skipped,
            "skip_reasons": dict(self.skip_reasons),
            "failed_inputs": self.failed_inputs,
        }


def collect(paths: Iterable[Path], fmt: str | None, report: IngestReport,
            on_skip: Callable[[Skip], None] | None = None) -> list[Article]:
    """Read every input; skips and unreadable inputs are recorded in ``report``."""
    articles: list[Article] = []
    for path in paths:
        try:
            for item in read_path(Path(path), fmt):
                if isinstance(item, Skip):
                    _skip(report, item, on_skip)
                else:
                    articles.append(item)
        except InputError as exc:
            report.failed_inputs.append(str(exc))
            _skip(report, Skip(str(path), "unreadable input", str(exc).split(": ", 1)[-1]),
                  on_skip)
    report.read = len(articles)
    return articles


def _skip(report: IngestReport, item: Skip, on_skip) -> None:
    report.skipped += 1
    report.skip_reasons[item.reason] += 1
    if len(report.skips) < 10_000:
        report.skips.append(item)
    if on_skip:
        on_skip(item)


def publication_order(articles: list[Article]) -> list[Article]:
    """Stable sort by publication date; undated articles keep input order, at the end."""
    return sorted(articles, key=lambda a: a.published or _LATEST)


class Ingestor:
    """Stores articles with duplicate detection; keeps the near-duplicate index warm."""

    def __init__(self, store: Store, assigner: StoryAssigner | None = None,
                 batch_size: int = BATCH_SIZE) -> None:
        self.store = store
        self.assigner = assigner
        self.batch_size = batch_size
        self.index = dedup.NearDuplicateIndex()
        for key, data in store.minhashes():
            self.index.add(key, dedup.from_bytes(data))

    def store_articles(self, articles: Sequence[Article], report: IngestReport, *,
                       run_id: int | None = None,
                       progress: Callable[[int], None] | None = None) -> None:
        for start in range(0, len(articles), self.batch_size):
            batch = articles[start:start + self.batch_size]
            self._store_batch(batch, report, run_id)
            if progress:
                progress(len(batch))

    def _store_batch(self, batch: Sequence[Article], report: IngestReport,
                     run_id: int | None) -> None:
        hashes = [dedup.text_hash(a.text) for a in batch]
        with self.store.begin() as conn:
            have, by_url, by_hash = self.store.existing(
                conn, [a.id for a in batch], [a.url for a in batch if a.url], hashes
            )
            fresh = [(a, h) for a, h in zip(batch, hashes, strict=True) if a.id not in have]
            seen_ids: set[str] = set()
            unique = []
            for article, digest in fresh:
                if article.id in seen_ids:  # the same article twice in one input
                    report.already_present += 1
                    continue
                seen_ids.add(article.id)
                unique.append((article, digest))
            report.already_present += len(batch) - len(fresh)
            sigs = dedup.signatures([a.text for a, _ in unique])
            rows, originals, pending = [], [], []
            for (article, digest), sig in zip(unique, sigs, strict=True):
                original, kind = None, None
                if article.url and article.url in by_url:
                    original, kind = by_url[article.url], "exact"
                elif digest in by_hash:
                    original, kind = by_hash[digest], "exact"
                elif sig is not None and (near := self.index.find(sig)) is not None:
                    original, kind = near, "near"
                if original is None:
                    by_hash[digest] = article.id
                    if article.url:
                        by_url[article.url] = article.id
                    if sig is not None:
                        self.index.add(article.id, sig)
                    originals.append(article)
                    pending.append(article.id)
                else:
                    report.duplicates += 1
                rows.append(article_row(
                    article, digest, run_id, duplicate_of=original, duplicate_kind=kind,
                    minhash=dedup.to_bytes(sig) if sig is not None and original is None else None,
                ))
            self.store.insert_articles(conn, rows)
            if self.assigner and originals:
                self.assigner.assign(conn, originals)
            report.ingested += len(rows) - sum(1 for r in rows if r["duplicate_of"])


def ingest_paths(store: Store, paths: Sequence[Path], *, fmt: str | None = None,
                 assigner: StoryAssigner | None = None,
                 on_skip: Callable[[Skip], None] | None = None,
                 progress_factory=None) -> IngestReport:
    """Read ``paths`` and store what they hold, in publication order.

    ``progress_factory(total) -> callable(advance)`` shows progress, if given.
    """
    report = IngestReport()
    run_id = store.start_run([str(p) for p in paths])
    articles = publication_order(collect(paths, fmt, report, on_skip))
    ingestor = Ingestor(store, assigner)
    advance = progress_factory(len(articles)) if progress_factory else None
    ingestor.store_articles(articles, report, run_id=run_id, progress=advance)
    store.finish_run(run_id, ingested=report.ingested, duplicates=report.duplicates,
                     already_present=report.already_present, skipped=report.skipped,
                     skip_reasons=dict(report.skip_reasons))
    return report
