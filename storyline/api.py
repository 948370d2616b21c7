"""storyline as a library: read, group and digest in memory, or keep it all in a Store.

The in-memory path runs the same code as ``storyline ingest``: :func:`read` reads every input
with ingest's readers and marks duplicates with ingest's duplicate detection, :func:`group`
assigns the originals to stories as ingest does (in publication order, then the merge sweep
of a bulk run), and ``storyline.digest(story)`` builds the digest ``storyline show`` prints.
:class:`Store` is the persistent path: ``storyline ingest``, ``stories`` and ``show`` as calls.

Reading marks a copy, and nothing else:

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "news.jsonl"
>>> _ = path.write_text('{"id": "a", "text": "Rain fell on Oslo all day, the forecasters '
...     'said."}\\n{"id": "b", "text": "Rain fell on Oslo all day, the forecasters said."}\\n')
>>> [(a.id, a.extra.get("duplicate_of")) for a in read([path])]
[('a', None), ('b', 'a')]

Nothing is imported at ``import storyline`` beyond the data model: each call imports the
stage it needs (spaCy and the sentence encoder load on the first ``group`` or ``digest``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from storyline import model
from storyline.errors import InputError
from storyline.model import Article, Digest

if TYPE_CHECKING:  # for the annotations only: importing these costs time
    from storyline.digest.compose import DigestSize
    from storyline.ingest.records import Skip
    from storyline.ingest.runner import IngestReport
    from storyline.stories.cluster import Params

log = logging.getLogger("storyline.api")

DUPLICATE_OF = "duplicate_of"  # the ``extra`` key that names a duplicate's original
DUPLICATE_KIND = "duplicate_kind"  # ... and how it was recognized: "exact", "near" or "id"

PathLike = str | Path


@dataclass(slots=True)
class Story(model.Story):
    """A story found by :func:`group`: the model's ``Story`` with its articles in ``members``
    (in publication order), which ``storyline.digest(story)`` reads."""

    members: list[Article] = field(default_factory=list, repr=False)


def read(paths: PathLike | Iterable[PathLike], *, format: str | None = None,
         strict: bool = False, on_skip: Callable[[Skip], None] | None = None) -> list[Article]:
    """The articles of every input (files, folders, archives, URLs), in the order read.

    Every reader of ``storyline ingest`` is used, chosen per input unless ``format`` names
    one. Duplicates are found as ingest finds them (same id, URL or text; MinHash near
    duplicates in publication order) and kept, marked ``extra["duplicate_of"]`` (the
    original's id) and ``extra["duplicate_kind"]``; :func:`group` leaves them out.

    A bad record or an unreadable input is skipped: ``on_skip(skip)`` hears of it (by
    default it is logged as a warning), and with ``strict`` the first one raises
    ``InputError``. So does an unknown ``format``, and inputs of which nothing could be read.
    """
    from storyline.ingest.runner import IngestReport, collect

    paths = _as_list(paths)
    _check_format(format)
    report = IngestReport()
    articles = collect(paths, format, report, on_skip or _log_skip, strict=strict)
    if not articles and report.skips:  # the first skip names the input and the problem
        more = f" (and {report.skipped - 1} more skipped)" if report.skipped > 1 else ""
        raise InputError(f"nothing could be read: {report.skips[0].message()}{more}")
    _mark_duplicates(articles)
    log.info("read %d articles (%d duplicates), skipped %d", len(articles),
             sum(DUPLICATE_OF in a.extra for a in articles), report.skipped)
    return articles


def group(articles: Iterable[Article], *, params: Params | None = None) -> list[Story]:
    """The stories of ``articles``, biggest first (then the earliest).

    Duplicates marked by :func:`read` and a second article with an id already seen are left
    out. Assignment is the online one of ``storyline ingest`` (each article, in publication
    order, joins the best open story or opens one), followed by the merge sweep of a bulk
    run (``storyline.stories.cluster_bulk``); ``params`` tunes it.
    """
    from storyline.stories.cluster import OnlineClusterer, publication_order
    from storyline.stories.features import featurize
    from storyline.stories.moments import from_posix

    originals: dict[str, Article] = {}
    for article in articles:
        if not article.extra.get(DUPLICATE_OF):
            originals.setdefault(article.id, article)
    if not originals:
        return []
    features = publication_order(featurize(list(originals.values())))
    clusterer = OnlineClusterer(params, dim=len(features[0].vector))
    clusterer.add_all(features)
    clusterer.merge_sweep()
    members: dict[str, list[Article]] = defaultdict(list)
    for feature in features:  # publication order
        members[clusterer.story_of(feature.id)].append(originals[feature.id])
    stories = []
    for story_id, found in members.items():
        state = clusterer.stories[story_id]
        stories.append(Story(
            id=story_id, title=state.title, articles=[a.id for a in found],
            sources=[name for name, _ in sorted(state.sources.items(),
                                                key=lambda kv: (-kv[1], kv[0]))],
            first_published=from_posix(state.first), last_published=from_posix(state.last),
            entities=clusterer.key_entities(state), members=found))
    return sorted(stories, key=lambda s: (-len(s.articles), _time_key(s.first_published), s.id))


class Store:
    """A persistent store of articles and stories: what the ``storyline`` commands use.

    ``url`` is a SQLAlchemy URL or an SQLite file path; by default ``$STORYLINE_DB``, else a
    file in the user's data directory (``"sqlite://"`` keeps it in memory).

    >>> store = Store("sqlite://")
    >>> store.stories()
    []
    >>> store.close()
    """

    def __init__(self, url: str | None = None) -> None:
        from storyline.store.database import open_store

        self._store = open_store(url)

    @property
    def url(self) -> str:
        return self._store.url

    def ingest(self, paths: PathLike | Iterable[PathLike], *, format: str | None = None,
               stories: bool = True, strict: bool = False,
               on_skip: Callable[[Skip], None] | None = None) -> IngestReport:
        """``storyline ingest``: read, store (duplicates linked to their original) and
        assign stories; rerunning an input changes nothing. Returns the report
        (``report.summary()`` is the command's result line)."""
        from storyline.ingest.runner import ingest_paths
        from storyline.stories import make_assigner

        paths = _as_list(paths)
        _check_format(format)
        report = ingest_paths(self._store, paths, fmt=format,
                              assigner=make_assigner(self._store) if stories else None,
                              on_skip=on_skip or _log_skip, strict=strict)
        log.info("%s", report.summary())
        return report

    def stories(self, *, order: str = "recent", limit: int | None = None,
                offset: int = 0) -> list[model.Story]:
        """Stories, newest first (``order="size"``: biggest first)."""
        return self._store.list_stories(order=order, limit=limit, offset=offset)

    def story(self, story_id: str) -> model.Story | None:
        """One story by id or unique id prefix; None when there is none."""
        return self._store.get_story(story_id)

    def articles(self, ids: Sequence[str]) -> list[Article]:
        """The stored articles with these ids (a story's ``articles``), in that order."""
        return [row.article for row in self._store.get_articles(ids)]

    def digest(self, story_id: str, *, size: DigestSize | None = None) -> Digest:
        """``storyline show``'s digest of a stored story (analyses cached in the store).
        Raises ``StoryNotFound`` (a ``storyline.DigestError``) for an unknown id."""
        from storyline.digest.compose import build_digest

        return build_digest(self._store, story_id, size)

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _as_list(paths: PathLike | Iterable[PathLike]) -> list[PathLike]:
    return [paths] if isinstance(paths, str | Path) else list(paths)


def _check_format(fmt: str | None) -> None:
    from storyline.ingest.formats import READERS, known

    if fmt is not None and fmt not in READERS:
        raise InputError(f"unknown format {fmt!r} (known: {known()})")


def _log_skip(skip: Skip) -> None:
    log.warning("skipped %s", skip.message())


def _mark_duplicates(articles: Sequence[Article]) -> None:
    """Mark copies as ``storyline ingest`` recognizes them, by running its duplicate
    detection (``Ingestor``) over a store in memory."""
    from storyline.ingest.dedup import text_hash
    from storyline.ingest.runner import Ingestor, IngestReport, publication_order
    from storyline.store.database import open_store

    ordered = publication_order(list(articles))
    store = open_store("sqlite://")
    try:
        Ingestor(store).store_articles(ordered, IngestReport())
        rows = {row.article.id: row for row in store.get_articles(
            list(dict.fromkeys(a.id for a in ordered)))}
    finally:
        store.close()
    first: dict[str, Article] = {}
    for article in ordered:
        earlier = first.setdefault(article.id, article)
        if earlier is not article:  # the same id again: ingest stores it once
            same = text_hash(earlier.text) == text_hash(article.text)
            article.extra.update({DUPLICATE_OF: article.id,
                                  DUPLICATE_KIND: "exact" if same else "id"})
            continue
        row = rows.get(article.id)
        if row is not None and row.duplicate_of:
            article.extra.update({DUPLICATE_OF: row.duplicate_of,
                                  DUPLICATE_KIND: row.duplicate_kind})


def _time_key(moment: datetime | None) -> float:
    return moment.timestamp() if moment else float("inf")
