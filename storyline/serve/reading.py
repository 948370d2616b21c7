"""One story with its articles and digest: what the story page and ``/api/stories/{id}`` show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select

from storyline.errors import UsageError
from storyline.model import Article, Story
from storyline.serve.digests import DigestCache, story_version
from storyline.store import schema
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

    Reads the story, its articles and its cached digest over one connection: this is the
    story page's whole cost when the digest is cached. A missing digest is built, waiting
    for it at most ``wait`` seconds when given (see ``DigestCache.get``).
    """
    s, a, m = schema.stories, schema.articles, schema.memberships
    with store.engine.connect() as conn:
        row = conn.execute(select(s).where(s.c.id == story_id)).mappings().first()
        if row is None:
            story = store.get_story(story_id)  # a unique prefix of an id, as users copy them
            if story is None:
                return None
            story_id = story.id
            row = conn.execute(select(s).where(s.c.id == story_id)).mappings().first()
        if row["merged_into"]:
            return StoryBundle(Story(id=row["id"], title=row["title"] or ""), [], {}, None,
                               moved_to=row["merged_into"])
        articles = [
            Article(text=r.text, id=r.id, url=r.url, source=r.source, title=r.title,
                    published=_aware(r.published))
            for r in conn.execute(
                select(a.c.id, a.c.url, a.c.source, a.c.title, a.c.text, a.c.published)
                .select_from(m.join(a, a.c.id == m.c.article_id))
                .where(m.c.story_id == story_id)
                .order_by(a.c.published, a.c.seq)
            )
        ]
        version = story_version([x.id for x in articles])
        digest = digests.cached(story_id, version, conn=conn) if articles else None
    if articles and (digest is None or "failed" in digest):
        # Missing, or a failure that may be due for another try: the cache decides.
        digest = digests.get(story_id, articles, wait=wait)
    story = Story(id=row["id"], title=row["title"] or "", articles=[x.id for x in articles],
                  sources=list(row["sources"] or []),
                  first_published=_aware(row["first_published"]),
                  last_published=_aware(row["last_published"]),
                  entities=list(row["entities"] or []))
    return StoryBundle(story, articles, {x.id: x for x in articles}, digest,
                       pending=digest is None and digests.pending(story_id))


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


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
