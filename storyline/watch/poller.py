"""Polling watched sources: fetch what is due, take new entries, store them as ``ingest`` does.

One poll of a source: a conditional GET of the feed (``If-None-Match`` /
``If-Modified-Since`` from the last answer); on 304 nothing else happens. Otherwise each
entry not taken before has its page fetched (politely, see ``polite``) and read with
trafilatura; an entry whose page cannot be had uses the text the feed carries. The articles
go through the ingest runner (duplicates, stories, batch transactions), then the entries are
recorded as taken, then the source's state (validators, error count, next due time). A
process killed anywhere in between loses nothing: what was not recorded is taken again and
the store recognizes the articles it already has.

Fetching runs on a few threads (one request at a time per host); storing runs on the
calling thread, one source at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from storyline import limits
from storyline.ingest.pages import read_html_bytes
from storyline.ingest.records import InputError, Skip, make_article
from storyline.ingest.runner import Ingestor, IngestReport, StoryAssigner, publication_order
from storyline.ingest.urls import HTTPStatusError, UnsafeURL, format_of_response
from storyline.model import Article
from storyline.store.database import Store
from storyline.store.feeds import (
    FeedState,
    RobotsCache,
    list_feeds,
    mark_entries,
    save_state,
    seen_entries,
)
from storyline.watch.entries import Entry, SourceContent, read_entries
from storyline.watch.polite import FetchSettings, PoliteClient, RobotsForbidden
from storyline.watch.sitemaps import follow_index

MAX_RETRY_AFTER_S = 24 * 3600.0


@dataclass(slots=True)
class WatchSettings:
    """How often to poll and how to fetch."""

    interval: float = 300.0
    fetch: FetchSettings = field(default_factory=FetchSettings)
    max_new_entries: int = limits.WATCH_MAX_NEW_ENTRIES
    threads: int = 8


@dataclass(slots=True)
class PollResult:
    """What one poll of one source found (before anything is stored)."""

    state: FeedState  # as it was before the poll
    status: str = "error"  # "200", "304" or "error"
    error: str | None = None
    retry_after: float | None = None
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    entries: int = 0  # entries the source lists
    articles: list[Article] = field(default_factory=list)
    taken: dict[str, str | None] = field(default_factory=dict)  # entry key -> article id
    skips: list[Skip] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for --verbose
    complete: bool = True  # False: more new entries than one poll takes
    retry: bool = False  # an entry's page failed for now: ask for the whole source next time
    seconds: float = 0.0
    untaken: set[str] = field(default_factory=set)  # new entries left for a later poll
    sitemaps_done: list[str] = field(default_factory=list)  # child sitemaps fully taken
    warning: str | None = None  # a part failed (a child sitemap), the poll went on
    index_note: str | None = None  # for a sitemap index: what came of its sitemaps


def next_delay(interval: float, errors: int, retry_after: float | None = None) -> float:
    """Seconds until the next poll: the interval, or after failures an exponential backoff
    (at least ``WATCH_BACKOFF_MIN_S``, doubled per failure in a row, at most
    ``WATCH_BACKOFF_MAX_S``), and never sooner than a ``Retry-After`` asked (up to a day).

    >>> next_delay(300, 0), next_delay(300, 1), next_delay(300, 3), next_delay(0, 1)
    (300, 300.0, 1200.0, 60.0)
    >>> next_delay(300, 1, retry_after=900)
    900.0
    """
    if errors <= 0:
        return interval
    delay = min(max(interval, limits.WATCH_BACKOFF_MIN_S) * 2 ** (errors - 1),
                limits.WATCH_BACKOFF_MAX_S)
    if retry_after:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER_S))
    return float(delay)


def poll_source(client: PoliteClient, store: Store, state: FeedState,
                settings: WatchSettings) -> PollResult:
    """Fetch one source and the pages of its new entries (nothing is written)."""
    started = time.monotonic()
    result = PollResult(state)
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    try:
        fetched = client.fetch(state.url, headers)
        result.etag = fetched.etag or state.etag
        result.last_modified = fetched.last_modified or state.last_modified
        if fetched.status == 304:
            result.status = "304"
        else:
            content = read_entries(fetched.data, fetched.url)
            result.title = content.title
            if content.kind == "sitemapindex":
                _read_index(client, store, result, content, settings)
            else:
                result.entries = len(content.entries)
                _take_entries(client, store, result, content.entries, settings)
            result.status = "200"
    except HTTPStatusError as exc:
        result.error, result.retry_after = _detail(exc, state.url), exc.retry_after
    except InputError as exc:
        result.error = _detail(exc, state.url)
    except Exception as exc:  # noqa: BLE001 - one source's surprise must not stop the others
        result.error = f"unexpected {type(exc).__name__}: {exc}"
    result.seconds = time.monotonic() - started
    return result


def _read_index(client: PoliteClient, store: Store, result: PollResult,
                index: SourceContent, settings: WatchSettings) -> None:
    """A sitemap index: its child sitemaps not taken whole before, then their entries.

    A child is marked taken (by its URL and ``lastmod``) once every entry it lists is; a
    child without a ``lastmod`` is read on every poll, and then so is the index (no
    conditional request: it may not change while that child does)."""
    done = seen_entries(store, result.state.id, [c.key for c in index.sitemaps if c.key])

    def fetch(url: str) -> tuple[bytes, str]:
        page = client.fetch(url)
        return page.data, page.url

    got = follow_index(fetch, index, done)
    if got.problems and not got.read:
        first = got.problems[0] if got.problems else "none listed"
        raise InputError(f"{result.state.url}: none of its {len(index.sitemaps)} sitemaps "
                         f"could be read ({first})")
    if got.problems:
        result.notes.extend(got.problems)
        result.warning = (f"{len(got.problems)} of its sitemaps failed: {got.problems[0]}")
        result.retry = True
    if got.left or any(c.key is None for c in index.sitemaps):
        result.retry = True  # the index again, whole, next poll
    if got.left:
        result.complete = False
    unchanged = sum(1 for c in index.sitemaps if c.key in done)
    result.index_note = (f"{len(index.sitemaps)} sitemaps: {got.read} read, {unchanged} "
                         f"unchanged, {len(got.problems)} failed"
                         + (f", {got.left} next poll" if got.left else ""))
    result.entries = len(got.entries)
    _take_entries(client, store, result, got.entries, settings)
    result.sitemaps_done = [key for key, listed in got.listed.items()
                            if not result.untaken.intersection(listed)]


def _take_entries(client: PoliteClient, store: Store, result: PollResult,
                  entries: list[Entry], settings: WatchSettings) -> None:
    seen = seen_entries(store, result.state.id, [e.key for e in entries])
    fresh = [e for e in entries if e.key not in seen]
    fresh = list({e.key: e for e in fresh}.values())  # a feed that lists an entry twice
    # An entry whose page is stored already (a restart after a crash, another feed) is taken.
    with store.engine.connect() as conn:
        _, by_url, _ = store.existing(conn, [], [e.link for e in fresh if e.link], [])
    for entry in fresh:
        if entry.link in by_url:
            result.taken[entry.key] = by_url[entry.link]
    fresh = [e for e in fresh if e.key not in result.taken]
    if len(fresh) > settings.max_new_entries:
        result.untaken.update(e.key for e in fresh[settings.max_new_entries:])
        fresh, result.complete = fresh[:settings.max_new_entries], False
    for entry in fresh:
        article, permanent = _entry_article(client, entry, result)
        if article is not None:
            result.articles.append(article)
            result.taken[entry.key] = article.id
        elif permanent:
            result.taken[entry.key] = None
        else:
            result.retry = True
            result.untaken.add(entry.key)


def _entry_article(client: PoliteClient, entry: Entry,
                   result: PollResult) -> tuple[Article | None, bool]:
    """The entry's article (from its page, else from the feed's text), and whether a
    failure is for good (so the entry is not tried again)."""
    where = entry.link or f"{result.state.url}: entry"
    problem, permanent = None, True
    if entry.link:
        try:
            page = client.fetch(entry.link)
            if format_of_response(page) == "html":
                for item in read_html_bytes(page.data, entry.link, url=page.url):
                    if isinstance(item, Article):
                        _fill_from_feed(item, entry)
                        return item, True
                    problem = item.message()
            else:
                problem = f"{entry.link}: not a web page ({page.content_type or 'no type'})"
        except InputError as exc:
            problem = str(exc)
            # A page that did not answer may answer next time; a forbidden one (robots.txt,
            # or the SSRF guard: not http(s), a private address) will not.
            gone = isinstance(exc, HTTPStatusError) and exc.status in (404, 410)
            permanent = gone or isinstance(exc, RobotsForbidden | UnsafeURL)
        except Exception as exc:  # noqa: BLE001 - a page the extractor chokes on
            problem = f"{entry.link}: unreadable page ({type(exc).__name__}: {exc})"
    if entry.fields.get("text"):
        made = make_article(entry.fields, where)
        if isinstance(made, Article):
            if problem:
                result.notes.append(f"{problem}; used the feed's text")
            return made, True
        result.skips.append(made)
        return None, True
    if problem:
        result.notes.append(problem)
    result.skips.append(Skip(where, "no page text", problem or "the entry has no link"))
    return None, permanent


def _fill_from_feed(article: Article, entry: Entry) -> None:
    """What the page lacks and the feed says: title and publication date; a news sitemap's
    publication date (``entry.dated``) even over the page's."""
    fields = entry.fields
    if not article.title and fields.get("title"):
        article.title = fields["title"]
    if (article.published is None or entry.dated) and fields.get("published"):
        made = make_article({"text": article.text, "published": fields["published"]}, "")
        if isinstance(made, Article):
            article.published = made.published


def _detail(exc: InputError, url: str) -> str:
    return str(exc).removeprefix(f"{url}: ")


class Watcher:
    """Polls the sources in the store that are due and stores what they bring.

    ``sources`` (feed ids) limits it to those: several watchers may share a store, each
    with its own sources. ``log`` hears one line per poll; ``verbose`` (if given) the details.
    """

    def __init__(self, store: Store, settings: WatchSettings | None = None,
                 assigner: StoryAssigner | None = None,
                 log: Callable[[str], None] = print,
                 verbose: Callable[[str], None] | None = None,
                 sources: Collection[str] | None = None) -> None:
        self.store = store
        self.sources = None if sources is None else set(sources)
        self.settings = settings or WatchSettings()
        self.assigner = assigner
        self.log = log
        self.verbose = verbose
        self.client = PoliteClient(self.settings.fetch, RobotsCache(store))
        self._ingestor: Ingestor | None = None

    def poll_due(self, now: datetime | None = None) -> list[PollResult]:
        """One round: poll every source due at ``now``; the results, in the order stored."""
        now = now or datetime.now(UTC)
        due = [s for s in self._states() if s.due(now)]
        if not due:
            return []
        run_id = self.store.start_run([f"watch {s.url}" for s in due])
        total = IngestReport()
        done: list[PollResult] = []
        try:
            with ThreadPoolExecutor(max_workers=max(1, min(self.settings.threads, len(due))),
                                    thread_name_prefix="watch") as pool:
                futures = [pool.submit(poll_source, self.client, self.store, s, self.settings)
                           for s in due]
                for future in as_completed(futures):
                    result = future.result()
                    self._store(result, run_id, total)
                    done.append(result)
        finally:
            self.store.finish_run(run_id, ingested=total.ingested, duplicates=total.duplicates,
                                  already_present=total.already_present, skipped=total.skipped,
                                  skip_reasons=dict(total.skip_reasons))
        return done

    def seconds_to_next(self, now: datetime | None = None) -> float:
        """How long until the next source is due (the interval when none is watched)."""
        now = now or datetime.now(UTC)
        dues = [s.next_due for s in self._states()]
        if not dues:
            return self.settings.interval
        if any(d is None for d in dues):
            return 0.0
        return max(0.0, min((d - now).total_seconds() for d in dues))

    def _states(self) -> list[FeedState]:
        states = list_feeds(self.store)
        return states if self.sources is None else [s for s in states if s.id in self.sources]

    def _store(self, result: PollResult, run_id: int, total: IngestReport) -> None:
        report = IngestReport()
        for skip in result.skips:
            report.skipped += 1
            report.skip_reasons[skip.reason] += 1
        if result.articles:
            if self._ingestor is None:
                self._ingestor = Ingestor(self.store, self.assigner)
            self._ingestor.store_articles(publication_order(result.articles), report,
                                          run_id=run_id)
        mark_entries(self.store, result.state.id,
                     {**result.taken, **dict.fromkeys(result.sitemaps_done)})
        state = self._new_state(result, report)
        save_state(self.store, state)
        for key in ("ingested", "duplicates", "already_present", "skipped"):
            setattr(total, key, getattr(total, key) + getattr(report, key))
        total.skip_reasons.update(report.skip_reasons)
        self.log(_line(result, report, state))
        if self.verbose:
            for note in result.notes:
                self.verbose(f"  {note}")
            for skip in result.skips:
                self.verbose(f"  skipped {skip.message()}")

    def _new_state(self, result: PollResult, report: IngestReport) -> FeedState:
        now = datetime.now(UTC)
        state = replace(result.state, last_fetch=now, last_status=result.status)
        if result.error is not None:
            state.error_count += 1
            state.last_error = result.error
        else:
            state.error_count, state.last_error = 0, result.warning
            state.last_success = now
            state.title = result.title or state.title
            if result.complete and not result.retry:
                state.etag, state.last_modified = result.etag, result.last_modified
            else:  # the next poll must see the whole source again, not a 304
                state.etag = state.last_modified = None
            state.entries_seen += len(result.taken)
            state.articles_stored += report.ingested
        delay = next_delay(self.settings.interval, state.error_count, result.retry_after)
        if not result.complete:
            delay = 0.0
        state.next_due = now + timedelta(seconds=delay)
        return state


def _line(result: PollResult, report: IngestReport, state: FeedState) -> str:
    """The one log line of a poll."""
    url, took = result.state.url, f"({result.seconds:.1f} s)"
    wait = (state.next_due - (state.last_fetch or state.next_due)).total_seconds()
    if result.error is not None:
        return (f"watch {url}: failed ({state.error_count} in a row): {result.error}; "
                f"next try in {wait:.0f} s {took}")
    if result.status == "304":
        return f"watch {url}: not modified {took}"
    new = len(result.taken)
    index = f"{result.index_note}; " if result.index_note else ""
    line = (f"watch {url}: {index}{result.entries} entries, {new} new: ingested {report.ingested}, "
            f"duplicates {report.duplicates}, skipped {report.skipped}")
    if report.already_present:
        line += f", {report.already_present} already stored"
    if not result.complete:
        line += "; more next poll"
    return f"{line} {took}"
