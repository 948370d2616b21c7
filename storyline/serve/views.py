"""What the templates draw, computed in Python: links, highlights, chips, the timeline figure.

Templates only place these values; every string from an article stays plain text here and
is escaped by Jinja2 when rendered (nothing in this module marks text as safe).

>>> safe_url("javascript:alert(1)") is None
True
>>> highlight("Rain fell. Wind rose.", 11, 21)
('Rain fell. ', 'Wind rose.', '')
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote, urlsplit

from storyline.model import Article

# spaCy labels grouped the way a reader thinks of them.
PEOPLE = {"PERSON"}
PLACES = {"GPE", "LOC", "FAC"}
ORGANIZATIONS = {"ORG", "NORP"}
_PLAIN_ID = re.compile(r"[A-Za-z0-9_.~-]+")


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, else None (never linked).

    >>> safe_url("https://example.org/a?b=1")
    'https://example.org/a?b=1'
    >>> safe_url(" data:text/html,x ") is None
    True
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch in url for ch in "\r\n\t\x00 "):
        return None
    return url


def highlight(text: str, start: int | None, end: int | None) -> tuple[str, str, str] | None:
    """``text`` split around ``[start, end)`` when that is a real span of it, else None."""
    if start is None or end is None or not 0 <= start < end <= len(text):
        return None
    return text[:start], text[start:end], text[end:]


def article_href(article_id: str, span: list[int] | tuple[int, int] | None = None) -> str:
    """The article page's address, pointing at a sentence when ``span`` is given."""
    safe_id = article_id if _PLAIN_ID.fullmatch(article_id) else quote(article_id, safe="")
    if span:
        return f"/articles/{safe_id}?s={int(span[0])}&e={int(span[1])}#hl"
    return f"/articles/{safe_id}"


@dataclass(slots=True)
class Chip:
    """One outlet reporting a cited sentence, linking to where it says so."""

    outlet: str
    href: str


@dataclass(slots=True)
class CitedSentence:
    text: str
    chips: list[Chip]
    outlets: int  # distinct outlets reporting it (the corroboration)
    href: str  # the cited sentence in its own article


def cite(citation: dict[str, Any], articles: dict[str, Article],
         locations: dict[str, dict[str, list[int]]]) -> CitedSentence:
    """A citation (as digest JSON) with one chip per outlet, the citing article's first."""
    key = f"{citation['article_id']}:{citation['start']}:{citation['end']}"
    spots = locations.get(key, {})
    own = [citation["start"], citation["end"]]
    chips: list[Chip] = []
    seen: set[str] = set()
    ids = [citation["article_id"]] + [s for s in citation.get("sources", [])
                                      if s != citation["article_id"]]
    for aid in ids:
        article = articles.get(aid)
        outlet = (article.source if article else None) or "unknown outlet"
        if outlet.lower() in seen:
            continue
        seen.add(outlet.lower())
        span = own if aid == citation["article_id"] else spots.get(aid)
        chips.append(Chip(outlet, article_href(aid, span)))
    return CitedSentence(citation["text"], chips, len(chips),
                         article_href(citation["article_id"], own))


@dataclass(slots=True)
class Dot:
    x: float
    r: float
    day: str
    count: int
    title: str


@dataclass(slots=True)
class Tick:
    x: float
    label: str


@dataclass(slots=True)
class TimelineFigure:
    """An SVG timeline: dates along a horizontal axis, a dot per date sized by its sentences."""

    width: int
    height: int
    axis_y: float
    left: float
    right: float
    dots: list[Dot] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)


def timeline_figure(entries: list[dict[str, Any]], *, width: int = 640, height: int = 92,
                    max_ticks: int = 5, min_gap: float = 125) -> TimelineFigure | None:
    """Geometry of the timeline picture for digest timeline entries (None when empty).

    >>> fig = timeline_figure([{"date": "2024-01-01", "sentences": [{"text": "A."}]},
    ...                        {"date": "2024-01-11", "sentences": [{"text": "B."}] * 4}])
    >>> [round(d.x) for d in fig.dots], fig.dots[0].r < fig.dots[1].r
    ([24, 616], True)
    """
    if not entries:
        return None
    days = [date.fromisoformat(e["date"]) for e in entries]
    left, right, axis_y = 24.0, width - 24.0, height * 0.4
    first, last = min(days), max(days)
    span = (last - first).days

    def x_of(day: date) -> float:
        if span == 0:
            return (left + right) / 2
        return left + (right - left) * (day - first).days / span

    fig = TimelineFigure(width, height, axis_y, left, right)
    for day, entry in zip(days, entries, strict=True):
        sentences = entry.get("sentences", [])
        n = len(sentences)
        title = f"{day.isoformat()}: " + (sentences[0]["text"] if sentences else "")
        if len(title) > 160:
            title = title[:157] + "..."
        fig.dots.append(Dot(round(x_of(day), 1), round(4 + 3 * math.sqrt(n), 1),
                            day.isoformat(), n, title))
    fig.ticks = [Tick(round(x_of(d), 1), d.strftime("%d %b %Y"))
                 for d in _tick_days(sorted(set(days)), x_of, max_ticks, min_gap)]
    return fig


def _tick_days(unique: list[date], x_of, max_ticks: int, min_gap: float) -> list[date]:
    """The first and last date, and dates between them that leave room for their labels."""
    if len(unique) == 1:
        return unique
    chosen = [unique[0]]
    for day in unique[1:-1]:
        if (len(chosen) < max_ticks - 1 and x_of(day) - x_of(chosen[-1]) >= min_gap
                and x_of(unique[-1]) - x_of(day) >= min_gap):
            chosen.append(day)
    if x_of(unique[-1]) - x_of(chosen[-1]) >= min_gap or len(chosen) == 1:
        chosen.append(unique[-1])
    return chosen


def group_entities(entities: list[list[Any]] | list[tuple[str, str, int]],
                   per_group: int = 12) -> dict[str, list[tuple[str, int]]]:
    """Digest entities (name, label, mentions) as people, places and organizations."""
    groups: dict[str, list[tuple[str, int]]] = {"People": [], "Places": [], "Organizations": []}
    for name, label, mentions in entities:
        if label in PEOPLE:
            groups["People"].append((name, int(mentions)))
        elif label in PLACES:
            groups["Places"].append((name, int(mentions)))
        elif label in ORGANIZATIONS:
            groups["Organizations"].append((name, int(mentions)))
    return {k: sorted(v, key=lambda p: -p[1])[:per_group] for k, v in groups.items() if v}


def date_span(first, last) -> str:
    """"3 Mar 2024" or "3 – 7 Mar 2024" or "28 Feb – 2 Mar 2024" for a story's dates."""
    if first is None and last is None:
        return "undated"
    first = first or last
    last = last or first
    a, b = first.date(), last.date()
    if a == b:
        return a.strftime("%-d %b %Y")
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day} – {b.strftime('%-d %b %Y')}"
    if a.year == b.year:
        return f"{a.strftime('%-d %b')} – {b.strftime('%-d %b %Y')}"
    return f"{a.strftime('%-d %b %Y')} – {b.strftime('%-d %b %Y')}"
