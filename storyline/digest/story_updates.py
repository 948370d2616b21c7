"""Update summaries of stored stories: since a date, since the last look, and day by day.

``storyline show ID --since DATE``, ``--since-last``, ``GET /api/stories/{id}?since=`` and
the story feeds call these; ``updates.update_summary`` does the summarizing.

>>> u = StoryUpdate("s1", ["a"], ["b"], [])
>>> u.to_json()["new_articles"], u.to_json()["seen_articles"]
(['b'], ['a'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storyline.model import Article, Citation

UPDATE_WORDS = 100


@dataclass(slots=True)
class StoryUpdate:
    """What a story's new articles add to the ones the reader has seen."""

    story_id: str
    seen_articles: list[str]
    new_articles: list[str]
    summary: list[Citation]
    since: datetime | None = None
    day: date | None = None  # for the day-by-day updates of a feed
    published: datetime | None = None  # the newest new article

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seen_articles": self.seen_articles, "new_articles": self.new_articles,
            "summary": [c.to_json() for c in self.summary]}
        if self.since is not None:
            out["since"] = self.since.isoformat().replace("+00:00", "Z")
        return out


def update_of(story_id: str, articles: Sequence[Article], seen: set[str], analyzed=None,
              *, words: int = UPDATE_WORDS) -> StoryUpdate:
    """The update of a story made of ``articles`` for a reader who has read ``seen``.

    ``analyzed`` (the articles' analyses, any order) is computed when not given.
    """
    from storyline.digest.updates import update_summary

    new = [a.id for a in articles if a.id not in seen]
    old = [a.id for a in articles if a.id in seen]
    summary: list[Citation] = []
    if new:
        if analyzed is None:
            from storyline.analyze.pipeline import analyze

            analyzed = analyze(list(articles))
        summary = update_summary(analyzed, set(old), words=words)
    newest = max((a.published for a in articles if a.id not in seen and a.published),
                 default=None)
    return StoryUpdate(story_id, old, new, summary, published=newest)


def story_update(store, story_id: str, *, since: datetime | None = None,
                 seen: set[str] | None = None, words: int = UPDATE_WORDS) -> StoryUpdate:
    """The update of a stored story: articles published after ``since`` (or not in ``seen``)
    are new. Raises ``LookupError`` for an unknown story."""
    from storyline.digest.compose import analyze_cached

    story = store.get_story(story_id)
    if story is None:
        raise LookupError(f"no story {story_id!r}")
    articles = [row.article for row in store.get_articles(story.articles)]
    if seen is None:
        seen = {a.id for a in articles
                if since is not None and a.published is not None and a.published <= since}
    if all(a.id in seen for a in articles):
        result = StoryUpdate(story.id, [a.id for a in articles], [], [])
    else:
        result = update_of(story.id, articles, seen, analyze_cached(store, articles),
                           words=words)
    result.since = since
    return result


def updates_by_day(story_id: str, articles: Sequence[Article], analyzed, *,
                   limit: int = 20, words: int = UPDATE_WORDS) -> list[StoryUpdate]:
    """One update per publication day, newest first (at most ``limit``): each day's articles
    against everything published before that day. The first day is the story's first report
    (its summary, nothing seen). Undated articles belong to no day."""
    days = sorted({a.published.date() for a in articles if a.published}, reverse=True)
    out = []
    for day in days[:limit]:
        upto = [a for a in articles if a.published and a.published.date() <= day]
        seen = {a.id for a in upto if a.published.date() < day}
        by_id = {a.id for a in upto}
        item = update_of(story_id, upto, seen, [x for x in analyzed if x.article.id in by_id],
                         words=words)
        item.day = day
        out.append(item)
    return out
