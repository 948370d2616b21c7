"""One story with its articles and digest: what the story page and ``/api/stories/{id}`` show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from storyline.model import Article, Story
from storyline.serve.digests import DigestCache
from storyline.store.database import Store


@dataclass(slots=True)
class StoryBundle:
    story: Story
    articles: list[Article]  # in publication order
    by_id: dict[str, Article]
    digest: dict[str, Any] | None  # digest JSON with "locations", None when unavailable


def load_story(store: Store, digests: DigestCache, story_id: str) -> StoryBundle | None:
    """The story ``story_id`` (or a unique prefix of it), or None when there is none."""
    story = store.get_story(story_id)
    if story is None:
        return None
    articles = [row.article for row in store.get_articles(story.articles)]
    digest = digests.get(story.id, articles) if articles else None
    return StoryBundle(story, articles, {a.id: a for a in articles}, digest)


class BadParameter(ValueError):
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
