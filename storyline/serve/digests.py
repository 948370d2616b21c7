"""Digests for the pages: computed once per story version, kept in the ``digests`` table.

Building a digest runs the NLP pipeline over every article of a story (seconds), while a
page must answer in milliseconds. So a digest is computed on the first visit (or ahead of
time with ``DigestCache.warm``), stored as compressed JSON keyed by the story's members, and
read back on every later visit by any worker process. A story that gains an article gets a
new version, and its digest is computed again on its next visit.

>>> from storyline.model import Citation, Digest
>>> d = Digest("s1", summary=[Citation("Rain fell.", "a1", 0, 10, ["a1", "a2"])])
>>> digest_from_json(digest_to_json(d)).summary[0].sources
['a1', 'a2']
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from storyline import limits
from storyline.model import Article, Citation, Digest, Disagreement, Quote, TimelineEntry
from storyline.serve.settings import SETTINGS
from storyline.store.database import Store
from storyline.store.errors import StoreBusy, StoreUnavailable
from storyline.versions import code_version

log = logging.getLogger("storyline.serve")

# The stored JSON's shape and the enrichment below: derived from this module, never bumped
# by hand.
FORMAT = code_version("serve/digests.py")

Builder = Callable[[Store, str], Digest]


def default_builder() -> Builder:
    """``storyline.digest.compose.build_digest``, imported when a digest is first built (a
    reader of stored digests never loads the summarizer's libraries)."""

    def build(store: Store, story_id: str) -> Digest:
        from storyline.digest.compose import build_digest

        return build_digest(store, story_id)

    return build


def story_version(article_ids: Sequence[str]) -> str:
    """A key naming exactly this set of member articles, this cache format and the versions
    of the analysis and the digest that made it (a new release recomputes old digests).

    >>> story_version(["b", "a"]) == story_version(["a", "b"])
    True
    """
    basis = FORMAT + "|" + method_version() + "|" + ",".join(sorted(article_ids))
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:24]


def method_version() -> str:
    """The analyzer's and the digest's versions."""
    from storyline.analyze.pipeline import VERSION as analysis
    from storyline.digest.version import VERSION as digest

    return f"{analysis}.{digest}"


# -- (de)serialization ---------------------------------------------------------------------


def _citation(obj: dict[str, Any]) -> Citation:
    return Citation(obj["text"], obj["article_id"], int(obj["start"]), int(obj["end"]),
                    list(obj.get("sources") or []))


def digest_to_json(d: Digest) -> dict[str, Any]:
    """The digest as plain JSON (the API's ``digest`` field): ``Digest.to_json``."""
    return d.to_json()


def digest_from_json(obj: dict[str, Any]) -> Digest:
    """Inverse of ``digest_to_json``."""
    quote_fields = set(Quote.__dataclass_fields__)
    return Digest(
        story_id=obj["story_id"],
        summary=[_citation(c) for c in obj.get("summary", [])],
        timeline=[
            TimelineEntry(date.fromisoformat(t["date"]), [_citation(c) for c in t["sentences"]])
            for t in obj.get("timeline", [])
        ],
        quotes=[Quote(**{k: v for k, v in q.items() if k in quote_fields})
                for q in obj.get("quotes", [])],
        entities=[(e[0], e[1], int(e[2])) for e in obj.get("entities", [])],
        disagreements=[
            Disagreement(x["kind"], x["description"], [_citation(c) for c in x["statements"]],
                         x.get("outlets", []))
            for x in obj.get("disagreements", [])
        ],
        lead_sentences=obj.get("lead_sentences"),
    )


# -- where each corroborating outlet says the same thing --------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")
_WORD = re.compile(r"\w+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Rough sentence spans ``[start, end)`` of ``text`` (enough to point a reader at one).

    >>> sentence_spans("One two. Three four!")
    [(0, 8), (9, 20)]
    """
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + len(match.group(0).rstrip())
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def best_match(sentence: str, text: str) -> tuple[int, int] | None:
    """The span of ``text`` whose words overlap ``sentence`` most (Jaccard), if any do."""
    target = {w.lower() for w in _WORD.findall(sentence)}
    if not target:
        return None
    best, best_score = None, 0.0
    for start, end in sentence_spans(text):
        words = {w.lower() for w in _WORD.findall(text[start:end])}
        if not words:
            continue
        score = len(target & words) / len(target | words)
        if score > best_score:
            best, best_score = (start, end), score
    return best if best_score >= 0.2 else None


def locate_sources(digest: Digest, articles: dict[str, Article]) -> dict[str, dict[str, list[int]]]:
    """For each cited sentence, where every corroborating article says it.

    Keys are ``"article_id:start:end"`` of the citation; values map a source article id to
    its ``[start, end]``. Computed once when the digest is cached, so a chip of every outlet
    can link to the sentence in that outlet's article.
    """
    citations = list(digest.summary)
    for entry in digest.timeline:
        citations.extend(entry.sentences)
    located: dict[str, dict[str, list[int]]] = {}
    for c in citations:
        key = f"{c.article_id}:{c.start}:{c.end}"
        if key in located:
            continue
        spots = {c.article_id: [c.start, c.end]}
        for source in c.sources:
            if source in spots or source not in articles:
                continue
            span = best_match(c.text, articles[source].text)
            if span:
                spots[source] = list(span)
        located[key] = spots
    return located


# -- the cache ------------------------------------------------------------------------------

def _stored_form(digest: Digest, articles: Sequence[Article]) -> dict[str, Any]:
    """The digest's JSON with where each cited sentence stands in every article citing it."""
    data = digest_to_json(digest)
    data["locations"] = locate_sources(digest, {a.id: a for a in articles})
    return data


def _stale_failure(data: dict[str, Any]) -> bool:
    age = time.time() - data.get("failed_at", 0)
    return "failed" in data and age > SETTINGS.retry_failed_seconds


class DigestCache:
    """Digests by story, computed at most once per story version across processes."""

    def __init__(self, store: Store, builder: Builder | None = None) -> None:
        self.store = store
        self.builder = builder
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        # One build at a time per process: the NLP pipeline already uses every core, and
        # page threads building side by side would only slow each other down.
        self._build_gate = threading.Semaphore(1)
        self._pending: dict[str, threading.Event] = {}
        self._waiters = 0  # requests in wait_async

    @property
    def available(self) -> bool:
        return self.builder is not None

    @contextmanager
    def nlp_turn(self):
        """This process's one turn at the NLP pipeline, which digest builds take too (other
        work that analyzes articles, such as a story's evidence, waits for it here)."""
        with self._build_gate:
            yield

    def cached(self, story_id: str, version: str, conn=None) -> dict[str, Any] | None:
        """The stored digest JSON for this story version, or None."""
        row = self.store.stored_digest(story_id, conn)
        if row is None or row[0] != version:
            return None
        return json.loads(zlib.decompress(row[1]))

    def get(self, story_id: str, articles: Sequence[Article],
            wait: float | None = None) -> dict[str, Any] | None:
        """The digest JSON (with ``locations``) of the story made of ``articles``.

        Computed and stored on a miss; None when no digest builder is installed or the
        builder fails (the page then shows the articles without a summary). With ``wait``,
        the build runs in the background and this waits at most ``wait`` seconds for it
        (``pending(story_id)`` then says whether it is still running).
        """
        version = story_version([a.id for a in articles])
        found = self.cached(story_id, version)
        if found is not None and _stale_failure(found):
            found = None
        if found is None and self.builder is not None:
            if wait is not None:
                self._schedule(story_id, version, list(articles)).wait(wait)
                found = self.cached(story_id, version)
            else:
                found = self._build_once(story_id, version, articles)
        return None if found is None or "failed" in found else found

    def pending(self, story_id: str) -> bool:
        """Whether a background build of this story's digest is running or queued."""
        with self._guard:
            return story_id in self._pending

    async def wait_async(self, story_id: str, seconds: float) -> bool:
        """Wait up to ``seconds`` for the background build of this story's digest, on the
        event loop (no thread is held); True when none is running any more.

        At most ``limits.MAX_DIGEST_WAITERS`` requests wait at once; others are answered at
        once (the build goes on; they may ask again).
        """
        with self._guard:
            event = self._pending.get(story_id)
            if event is None:
                return True
            if self._waiters >= limits.MAX_DIGEST_WAITERS:
                return False
            self._waiters += 1
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + seconds
            while not event.is_set():
                left = deadline - loop.time()
                if left <= 0:
                    return False
                await asyncio.sleep(min(0.1, left))
            return True
        finally:
            with self._guard:
                self._waiters -= 1

    def _build_once(self, story_id: str, version: str,
                    articles: Sequence[Article]) -> dict[str, Any]:
        with self._lock_for(story_id):
            found = self.cached(story_id, version)  # another thread may just have built it
            if found is None or _stale_failure(found):
                found = self._build(story_id, version, articles)
            return found

    def _schedule(self, story_id: str, version: str,
                  articles: list[Article]) -> threading.Event:
        with self._guard:
            event = self._pending.get(story_id)
            if event is not None:
                return event
            event = self._pending[story_id] = threading.Event()

        def run() -> None:
            try:
                self._build_once(story_id, version, articles)
            except Exception:  # noqa: BLE001 - logged; the page shows the articles meanwhile
                log.exception("background digest of story %s failed", story_id)
            finally:
                with self._guard:
                    self._pending.pop(story_id, None)
                event.set()

        threading.Thread(target=run, name=f"digest-{story_id}", daemon=True).start()
        return event

    def build(self, story_id: str, articles: Sequence[Article]) -> dict[str, Any]:
        """Build this story's digest now, store it (best effort: a busy store keeps it
        unstored) and return its JSON; raises what the builder raises."""
        with self._build_gate:
            digest = self.builder(self.store, story_id)
        data = _stored_form(digest, articles)
        try:
            self.put(story_id, story_version([a.id for a in articles]), data)
        except (StoreBusy, StoreUnavailable) as exc:  # another writer has the store: next time
            log.info("digest of story %s not stored: %s", story_id, exc)
        return data

    def _build(self, story_id: str, version: str, articles: Sequence[Article]) -> dict[str, Any]:
        try:
            with self._build_gate:
                digest = self.builder(self.store, story_id)
        except ImportError:
            raise  # a missing dependency is no failure of this story (and no cached one)
        except Exception as exc:  # noqa: BLE001 - a page without a summary beats an error page
            log.exception("building the digest of story %s failed", story_id)
            # Remembered, so that every visit does not rerun a failing pipeline; tried again
            # after ``retry_failed_seconds`` (the failure may have been passing) or when
            # the story changes.
            data = {"story_id": story_id, "failed": f"{type(exc).__name__}: {exc}"[:500],
                    "failed_at": time.time()}
        else:
            data = _stored_form(digest, articles)
        self.put(story_id, version, data)
        return data

    def put(self, story_id: str, version: str, data: dict[str, Any]) -> None:
        """Store ``data`` as the digest of this story version (replacing an older one)."""
        blob = zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 6)
        if not self.store.put_digest(story_id, version, blob):
            # Another worker process stored the same story's digest at the same moment.
            log.info("digest of story %s was stored concurrently", story_id)

    def warm(self, story_ids: Sequence[str]) -> int:
        """Compute missing digests for these stories now; returns how many were built."""
        built = 0
        for sid in story_ids:
            story = self.store.get_story(sid)
            if story is None or not story.articles:
                continue
            articles = [r.article for r in self.store.get_articles(story.articles)]
            version = story_version([a.id for a in articles])
            if self.cached(story.id, version) is None and self.get(story.id, articles):
                built += 1
        return built

    def _lock_for(self, story_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(story_id, threading.Lock())
