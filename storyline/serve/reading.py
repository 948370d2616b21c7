"""One story with its articles and digest: what the story page and ``/api/stories/{id}`` show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from storyline.errors import UsageError
from storyline.model import Article, Story
from storyline.serve.digests import DigestCache, story_version
from storyline.store.database import Store


@dataclass(slots=True)
class StoryBundle:
    story: Story
    articles: list[Article]  # in publication order
    by_id: dict[str, Article]
    digest: dict[str, Any] | None  # digest JSON with "locations", None when unavailable
    moved_to: str | None = None  # the story this one was merged into (nothing else loaded)
    pending: bool = False  # the digest is being built in the background

    @property
    def digest_status(self) -> str:
        """"ready", "pending" (being built), or "none" (no digest can be made)."""
        return "ready" if self.digest else "pending" if self.pending else "none"


def load_story(store: Store, digests: DigestCache, story_id: str,
               wait: float | None = None) -> StoryBundle | None:
    """The story ``story_id`` (or a unique prefix of it), or None when there is none.

    Reads the story with its articles (one store read) and its cached digest: this is the
    story page's whole cost when the digest is cached. A missing digest is built, waiting
    for it at most ``wait`` seconds when given (see ``DigestCache.get``).
    """
    record = store.story_with_articles(story_id)
    if record is None:
        return None
    story, articles = record.story, record.articles
    if record.merged_into:
        return StoryBundle(story, [], {}, None, moved_to=record.merged_into)
    version = story_version([x.id for x in articles])
    digest = digests.cached(story.id, version) if articles else None
    if articles and (digest is None or "failed" in digest):
        # Missing, or a failure that may be due for another try: the cache decides.
        digest = digests.get(story.id, articles, wait=wait)
    pending = digest is None and bool(articles) and digests.pending(story.id)
    if digest is None and articles and not pending:
        # The build ended between the two looks (a fast one, or a loaded machine pausing
        # this thread): it is stored by now, and "pending" would tell nobody to wait.
        stored = digests.cached(story.id, version)
        digest = stored if stored is not None and "failed" not in stored else None
    return StoryBundle(story, articles, {x.id: x for x in articles}, digest, pending=pending)


class BadParameter(UsageError, ValueError):
    """A query parameter the reader typed that cannot be used (message names it)."""


def parse_day(value: str | None, name: str, *, end: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` (or an ISO date-time) as an aware datetime; start or end of that day.

    >>> parse_day("2024-03-01", "from").isoformat()
    '2024-03-01T00:00:00+00:00'
    >>> parse_day("", "from") is None
    True
    """
    if value is None or not value.strip():
        return None
    raw = value.strip()
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(f"{name}={raw!r} is not a date (use YYYY-MM-DD)") from None
    if len(raw) <= 10:
        moment = datetime.combine(moment.date(), time.max if end else time.min)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
