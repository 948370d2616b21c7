"""A summary as a reader sees it: passages (sentences that must be read together), each
with the day it speaks from, and each outlet list shown once.

The CLI (``storyline show``) and the story page lay out a digest's summary by these rules;
they read different forms of it (``Citation`` objects, digest JSON), so the rules take
functions that read one citation.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from storyline.text.standalone import quotes_balanced, stands_alone


def passages(citations: Sequence[Any], span=lambda c: (c.article_id, c.start, c.end),
             text=lambda c: c.text) -> list[list[Any]]:
    """Consecutive citations that must be read together, as one passage: consecutive
    sentences of one article where the second leans on the first (does not stand alone)
    or closes a quotation the first opened.

    A summary may quote two sentences together because the second leans on the first (a
    quotation that runs over two sentences, "..., she said.", "She denied it."); shown as
    two items, the first would end with an open quotation mark or the second would point
    back at nothing. ``span`` reads ``(article_id, start, end)`` of a citation and ``text``
    its sentence (pass functions for digest JSON's dicts).

    >>> from types import SimpleNamespace as C
    >>> a = C(text='"We will rebuild.', article_id="x", start=0, end=17)
    >>> b = C(text='It is ours," she said.', article_id="x", start=18, end=40)
    >>> c = C(text="Rain fell on the town all day.", article_id="x", start=41, end=71)
    >>> [len(p) for p in passages([a, b, c])]
    [2, 1]
    """
    out: list[list[Any]] = []
    for citation in citations:
        article, start, _ = span(citation)
        if out:
            last = out[-1][-1]
            last_article, _, last_end = span(last)
            # Sentences of one article a space or a line break apart.
            first, second = text(last), text(citation)
            if (article == last_article and 0 <= start - last_end <= 2
                    and (not stands_alone(second) or not quotes_balanced(first)
                         and quotes_balanced(f"{first} {second}"))):
                out[-1].append(citation)
                continue
        out.append([citation])
    return out


def day_label(day: date) -> str:
    """A short day for labels: ``3 Mar``.

    >>> day_label(date(2025, 3, 3))
    '3 Mar'
    """
    return f"{day.day} {day:%b}"


@dataclass(slots=True)
class SummaryItem:
    """One item of a summary as shown: its sentences (citations), the day they speak from
    (None when the whole summary speaks from one day), and after which sentences their
    outlets are shown (once after the last of a run citing the same outlets)."""

    day: str | None
    sentences: list[Any] = field(default_factory=list)
    outlets_after: list[bool] = field(default_factory=list)


def summary_items(citations: Sequence[Any], *, day_of: Callable[[Any], date | None],
                  outlets_of: Callable[[Any], Hashable],
                  span=lambda c: (c.article_id, c.start, c.end),
                  text=lambda c: c.text) -> list[SummaryItem]:
    """The summary ``citations`` as items: one per passage (:func:`passages`), labelled with
    the day its article was published (``day_of``) when the sentences come from more than
    one day ("on Friday" needs its week), each run of sentences citing the same outlets
    (``outlets_of``) followed by them once.

    >>> from types import SimpleNamespace as C
    >>> a = C(text='"We will rebuild.', article_id="x", start=0, end=17, day=date(2025, 3, 3))
    >>> b = C(text='It is ours," she said.', article_id="x", start=18, end=40, day=a.day)
    >>> c = C(text="Rain fell on the town.", article_id="y", start=0, end=22,
    ...       day=date(2025, 3, 4))
    >>> items = summary_items([a, b, c], day_of=lambda c: c.day, outlets_of=lambda c: c.article_id)
    >>> [(i.day, len(i.sentences), i.outlets_after) for i in items]
    [('3 Mar', 2, [False, True]), ('4 Mar', 1, [True])]
    """
    dated = len({day_of(c) for c in citations} - {None}) > 1
    items = []
    for passage in passages(citations, span=span, text=text):
        day = day_of(passage[0]) if dated else None
        outlets = [outlets_of(c) for c in passage]
        after = [k + 1 == len(passage) or outlets[k + 1] != outlets[k]
                 for k in range(len(passage))]
        items.append(SummaryItem(day_label(day) if day else None, list(passage), after))
    return items
