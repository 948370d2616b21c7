"""Stored rows as the model's objects, and the model's objects as rows.

>>> from storyline.model import Article
>>> row = article_row(Article("Rain.", id="a", source="NRK"), "h", None)
>>> row["id"], row["source"], row["text_hash"], row["duplicate_of"]
('a', 'NRK', 'h', None)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storyline.model import Article, Story


@dataclass(slots=True)
class ArticleRow:
    """An article as stored, with what ingest learned about it."""

    article: Article
    seq: int
    duplicate_of: str | None
    duplicate_kind: str | None
    story_id: str | None = None


def article_row(article: Article, digest: str, run_id: int | None, *,
                duplicate_of: str | None = None, duplicate_kind: str | None = None,
                minhash: bytes | None = None) -> dict[str, Any]:
    """The ``articles`` row for an article (``seq`` is filled in on insert)."""
    return {
        "id": article.id,
        "url": article.url,
        "source": article.source,
        "title": article.title,
        "text": article.text,
        "published": article.published,
        "text_hash": digest,
        "duplicate_of": duplicate_of,
        "duplicate_kind": duplicate_kind,
        "minhash": minhash,
        "extra": article.extra,
        "ingest_run": run_id,
    }


def row_to_article(row) -> ArticleRow:
    published = aware(row["published"])
    article = Article(
        text=row["text"], id=row["id"], url=row["url"], source=row["source"],
        title=row["title"], published=published, extra=row["extra"] or {},
    )
    return ArticleRow(article, row["seq"], row["duplicate_of"], row["duplicate_kind"],
                      row.get("story_id"))


def row_to_story(row, members: list[str]) -> Story:
    return Story(
        id=row["id"], title=row["title"], articles=members, sources=list(row["sources"] or []),
        first_published=aware(row["first_published"]), last_published=aware(row["last_published"]),
        entities=list(row["entities"] or []),
    )


def aware(moment: datetime | None) -> datetime | None:
    """A stored moment as an aware datetime (SQLite gives them back naive, meaning UTC).

    >>> aware(datetime(2024, 3, 1)).isoformat()
    '2024-03-01T00:00:00+00:00'
    """
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
