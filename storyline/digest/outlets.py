"""How each outlet covered a story: headline, first report, statements carried, copies.

Per outlet: the headline and time of its first article in the story, how many articles it
wrote, and which other outlets' articles it republished (ingest links an exact or near copy
to its original; copies never join a story, so they are read here). The outlet whose article
came first reported first. The statements are the digest's cited sentences; an outlet
*reports* a statement when one of its own articles is among the sentence's sources, and
*republishes* it when it carried a copy of a source article that holds the sentence.

>>> from datetime import datetime, UTC
>>> from storyline.model import Article, Citation
>>> t = lambda h: datetime(2025, 3, 10, h, tzinfo=UTC)
>>> wire = Article("Floods hit Brandon on Sunday.", id="w", source="Wire", title="Floods",
...                published=t(8))
>>> post = Article("Brandon was flooded on Sunday.", id="p", source="Post", published=t(9))
>>> copy = Copy(Article("Floods hit Brandon on Sunday.", id="c", source="Courier",
...                     published=t(10)), original="w", kind="exact")
>>> view = outlet_view("s", [wire, post], [copy],
...                    [Citation("Floods hit Brandon on Sunday.", "w", 0, 29, ["w", "p"])])
>>> view.first_reporters, [o.outlet for o in view.outlets]
(['Wire'], ['Wire', 'Post', 'Courier'])
>>> view.statements[0].marks
{'Wire': 'reports', 'Post': 'reports', 'Courier': 'republishes'}
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storyline.digest.settings import SETTINGS
from storyline.model import Article, Citation

REPORTS = "reports"
REPUBLISHES = "republishes"
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Copy:
    """An article ingest recognized as a copy of ``original`` ("exact" or "near")."""

    article: Article
    original: str
    kind: str | None = None


@dataclass(slots=True)
class Republication:
    """One copy, shown with its original."""

    article_id: str
    outlet: str
    title: str | None
    published: datetime | None
    kind: str
    original_id: str
    original_outlet: str
    original_title: str | None

    def to_json(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "outlet": self.outlet, "title": self.title,
                "published": _iso(self.published), "kind": self.kind,
                "original": {"article_id": self.original_id, "outlet": self.original_outlet,
                             "title": self.original_title}}


@dataclass(slots=True)
class OutletCoverage:
    """One outlet's part in the story."""

    outlet: str
    headline: str | None  # of its first article in the story (its own, or a copy)
    first_published: datetime | None
    articles: list[str] = field(default_factory=list)  # its own reports
    republished: list[str] = field(default_factory=list)  # its copies of others' articles
    first_is_copy: bool = False  # its first appearance was a republication

    def to_json(self) -> dict[str, Any]:
        return {"outlet": self.outlet, "headline": self.headline,
                "first_published": _iso(self.first_published), "articles": self.articles,
                "republished": self.republished, "first_is_republication": self.first_is_copy}


@dataclass(slots=True)
class Statement:
    """A cited sentence of the digest and how each outlet carries it."""

    citation: Citation
    marks: dict[str, str]  # outlet -> REPORTS or REPUBLISHES

    def to_json(self) -> dict[str, Any]:
        return {**self.citation.to_json(), "outlets": self.marks}


@dataclass(slots=True)
class OutletView:
    story_id: str
    first_reporters: list[str]  # the outlet(s) whose article came first
    outlets: list[OutletCoverage]  # in order of first appearance
    statements: list[Statement]
    republications: list[Republication]

    def to_json(self) -> dict[str, Any]:
        return {"story_id": self.story_id, "first_reporters": self.first_reporters,
                "outlets": [o.to_json() for o in self.outlets],
                "statements": [s.to_json() for s in self.statements],
                "republications": [r.to_json() for r in self.republications]}


def outlet_view(story_id: str, articles: Sequence[Article], copies: Sequence[Copy],
                statements: Sequence[Citation]) -> OutletView:
    """The outlet-by-outlet view of a story made of ``articles`` (see the module doc)."""
    by_id = {a.id: a for a in articles}
    copies = [c for c in copies if c.original in by_id]
    appearances = sorted([(a, False) for a in articles] + [(c.article, True) for c in copies],
                         key=lambda pair: _when(pair[0]))
    coverage: dict[str, OutletCoverage] = {}
    for a, is_copy in appearances:
        entry = coverage.setdefault(_outlet(a), OutletCoverage(
            _outlet(a), a.title, a.published, first_is_copy=is_copy))
        (entry.republished if is_copy else entry.articles).append(a.id)
    republications = []
    for c in sorted(copies, key=lambda c: _when(c.article)):
        a, original = c.article, by_id[c.original]
        republications.append(Republication(a.id, _outlet(a), a.title, a.published,
                                            c.kind or "near", original.id, _outlet(original),
                                            original.title))
    dated = [a for a in articles if a.published]
    first = min((a.published for a in dated), default=None)
    first_reporters = sorted({_outlet(a) for a in dated if a.published == first}) if dated \
        else []
    order = sorted(coverage.values(), key=lambda o: (o.first_published is None,
                                                      o.first_published or datetime.max,
                                                      o.outlet.lower()))
    rows = []
    for citation in _unique(statements):
        marks: dict[str, str] = {}
        for source in citation.sources:
            if source in by_id:
                marks[_outlet(by_id[source])] = REPORTS
        for c in copies:
            if c.original in citation.sources and _holds(c.article.text, citation.text):
                marks.setdefault(_outlet(c.article), REPUBLISHES)
        rows.append(Statement(citation, {o.outlet: marks[o.outlet] for o in order
                                         if o.outlet in marks}))
    return OutletView(story_id, first_reporters, order, rows, republications)


def digest_statements(digest) -> list[Citation]:
    """The cited sentences of a digest: its summary, then its timeline's."""
    out = list(digest.summary)
    for entry in digest.timeline:
        out.extend(entry.sentences)
    return list(_unique(out))


def _unique(citations: Sequence[Citation]):
    seen = set()
    for c in citations:
        key = (c.article_id, c.start, c.end)
        if key not in seen:
            seen.add(key)
            yield c


def _holds(text: str, sentence: str) -> bool:
    words = [w.lower() for w in _WORD.findall(sentence)]
    if not words:
        return False
    have = {w.lower() for w in _WORD.findall(text)}
    return sum(w in have for w in words) / len(words) >= SETTINGS.copy_words


def _outlet(a: Article) -> str:
    return a.source or "unknown outlet"


def _when(a: Article) -> tuple:
    return (a.published is None, a.published or datetime.max, a.id)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None
