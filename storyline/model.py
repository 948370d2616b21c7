"""The data model: plain typed dataclasses that flow from stage to stage.

Every character offset (``start``/``end``) is a Python ``str`` index into the
article's ``text`` exactly as it was given, never into a cleaned copy.

>>> a = Article(text="Talks resumed in Geneva.", url="https://example.org/a")
>>> a.id == article_id(url="https://example.org/a", text="ignored")
True
>>> a.source
'example.org'
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

ID_LENGTH = 16


def article_id(*, url: str | None, text: str) -> str:
    """Stable id of an article: a hash of its URL, else of its text.

    >>> article_id(url=None, text="abc") == article_id(url=None, text="abc")
    True
    >>> len(article_id(url="https://x.org/1", text=""))
    16
    """
    basis = f"url:{url.strip()}" if url and url.strip() else f"text:{text}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:ID_LENGTH]


def host_of(url: str | None) -> str | None:
    """The host of a URL without a leading ``www.`` (the default outlet name)."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:  # "http://[::1" and other hosts that cannot be read
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


@dataclass(slots=True)
class Article:
    """One news article as ingested (docs/formats.md §1)."""

    text: str
    id: str = ""
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = article_id(url=self.url, text=self.text)
        if not self.source:
            self.source = host_of(self.url)
        if self.published is not None and self.published.tzinfo is None:
            self.published = self.published.replace(tzinfo=UTC)

    @property
    def published_date(self) -> date | None:
        return self.published.date() if self.published else None

    def to_json(self) -> dict[str, Any]:
        """The article as an docs/formats.md §1 object."""
        out: dict[str, Any] = {"id": self.id, "text": self.text}
        for key in ("url", "source", "title"):
            value = getattr(self, key)
            if value:
                out[key] = value
        if self.published:
            out["published"] = self.published.isoformat().replace("+00:00", "Z")
        return out


@dataclass(slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Entity:
    """A named-entity mention; ``key`` unites the forms used in one article."""

    text: str
    label: str  # PERSON, ORG, GPE, LOC, NORP, ...
    start: int
    end: int
    key: str


@dataclass(slots=True)
class TimeExpr:
    """A time expression and its calendar value.

    ``value`` is ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or ``{"from": ..., "to": ...}``.
    """

    text: str
    start: int
    end: int
    value: str | dict[str, str]
    sentence: int = -1


@dataclass(slots=True)
class Quote:
    """An attributed statement, direct (in quotation marks) or reported."""

    speaker: str
    speaker_start: int
    speaker_end: int
    quote: str
    start: int
    end: int
    cue: str
    cue_start: int
    cue_end: int
    direct: bool
    sentence: int = -1
    article_id: str = ""  # the article the statement is in (set by digests; "" if unknown)
    # A direct quote split by its cue ('"We stay," he said. "We will fight."'): the quoted
    # pieces, each without its marks; empty when the quote is one piece (start, end).
    parts: list[tuple[int, int]] = field(default_factory=list)
    addressee: str = ""  # whom the speaker told it to: "reporters" in "told reporters"
    # A stance read from a verb's object rather than speech ("Washington supports the
    # opposition"): an attribution for PolNeAR, not "who said what" for a reader.
    stance: bool = False


@dataclass(slots=True)
class NumberMention:
    """A number and what it counts: "at least 18 people were killed"."""

    value: float
    text: str
    start: int
    end: int
    qualifier: str | None = None  # "at least", "about", "more than", ...
    unit: str | None = None  # the counted noun, lemmatised: "people"
    event: str | None = None  # the governing verb, lemmatised: "kill"
    sentence: int = -1


@dataclass(slots=True)
class Analysis:
    """Everything the analyzer reads from one article."""

    article_id: str
    version: str
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    numbers: list[NumberMention] = field(default_factory=list)
    language: str = "en"
    skipped_reason: str | None = None


@dataclass(slots=True)
class Story:
    """A set of articles, from any outlets, about one event."""

    id: str
    title: str
    articles: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    first_published: datetime | None = None
    last_published: datetime | None = None
    entities: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The story as an docs/formats.md §4 object."""
        return {
            "id": self.id,
            "title": self.title,
            "articles": list(self.articles),
            "sources": list(self.sources),
            "first_published": _iso(self.first_published),
            "last_published": _iso(self.last_published),
            "entities": list(self.entities),
        }


@dataclass(slots=True)
class Citation:
    """A sentence as it stands in one article, and every article reporting the same."""

    text: str
    article_id: str
    start: int
    end: int
    sources: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "article_id": self.article_id,
            "start": self.start,
            "end": self.end,
            "sources": list(self.sources),
        }


@dataclass(slots=True)
class TimelineEntry:
    date: date
    sentences: list[Citation] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "sentences": [c.to_json() for c in self.sentences]}


@dataclass(slots=True)
class Disagreement:
    """Sources that report one thing differently: two tolls, or a claim and a denial."""

    kind: str  # "number", "evolution" or "denial"
    description: str
    statements: list[Citation] = field(default_factory=list)
    # Every outlet reporting it, also those whose statements are not shown (a claim and its
    # denial that five outlets report shows the statements of a few).
    outlets: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "description": self.description,
                "statements": [c.to_json() for c in self.statements],
                "outlets": list(self.outlets)}


@dataclass(slots=True)
class Digest:
    """What a reader sees of a story."""

    story_id: str
    summary: list[Citation] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    entities: list[tuple[str, str, int]] = field(default_factory=list)  # (name, label, mentions)
    disagreements: list[Disagreement] = field(default_factory=list)
    # Set when some articles were read from their first N sentences only (a big story not
    # analyzed ahead: storyline.digest.first_analysis); the timeline read every sentence.
    lead_sentences: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The digest as plain JSON: the HTTP API's ``digest`` field holds the same.

        >>> d = Digest("s1", summary=[Citation("Rain fell.", "a1", 0, 10, ["a1", "a2"])],
        ...            entities=[("Oslo", "GPE", 2)])
        >>> d.to_json()["summary"][0]["sources"], d.to_json()["entities"]
        (['a1', 'a2'], [['Oslo', 'GPE', 2]])
        """
        return {
            "story_id": self.story_id,
            "summary": [c.to_json() for c in self.summary],
            "timeline": [t.to_json() for t in self.timeline],
            "quotes": [asdict(q) for q in self.quotes],
            "entities": [[name, label, int(n)] for name, label, n in self.entities],
            "disagreements": [x.to_json() for x in self.disagreements],
            "lead_sentences": self.lead_sentences,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None
