"""The light analysis a timeline needs: sentences and the day each one talks about.

Full analysis (spaCy parse + MiniLM vectors) costs ~50 ms a sentence on two cores; a
timeline of a 500-article topic must be ready in seconds, so plain articles go through
this path instead: the text layer's rule-based sentence splitter
(:func:`storyline.text.sentences.split_sentences`) and the analysis engine's own
time-expression rules (:func:`storyline.analyze.dates.find_times`, regular expressions
resolved against the publication date; nothing about resolution is repeated here).

A sentence *refers* to every day a day-precise time expression in it names ("on Friday",
"March 3", "yesterday"); month, year and range values ("last week") name no day. Its own
*day*, the day it tells of, is the first of those outside a relative clause: in "Relatives
laid flowers along the embankment, where the water broke through on March 9" the flowers
were not laid on March 9, so that sentence has no day of its own (its publication day).

>>> from datetime import date
>>> sents = split_sentences("Mr. Smith resigned on Friday. Talks go on.\\nNew line here.")
>>> [text for _, _, text in sents]
['Mr. Smith resigned on Friday.', 'Talks go on.', 'New line here.']
>>> [(d.day.isoformat(), len(d.refers)) for d in sentence_days("He resigned on Friday.", [(0, 22)],
...                                                              date(2016, 9, 24))]
[('2016-09-23', 1)]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from storyline.analyze.dates import find_times
from storyline.model import TimeExpr
from storyline.text.sentences import split_sentences

_DAY_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def day_of(value: str | dict[str, str]) -> date | None:
    """The calendar day of a time value, or None when it is a month, year or range.

    >>> day_of("2016-09-23"), day_of("2016-09"), day_of({"from": "2016-09-12", "to": "2016-09-18"})
    (datetime.date(2016, 9, 23), None, None)
    """
    if isinstance(value, str) and _DAY_VALUE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


class SentenceDays(NamedTuple):
    """The day a sentence tells of (None: not said) and every day it refers to, in order."""

    day: date | None
    refers: tuple[date, ...]


_UNDATED = SentenceDays(None, ())
# A relative clause opens after a comma with one of these: "..., where the water broke
# through on March 9", "..., who was arrested on Monday, appeared ...". A "since" clause or
# phrase names where a state began, not when the sentence's news happened: "has infected 35
# people since the first case was confirmed on March 4", "quiet since Friday". A "despite" or
# "amid" phrase is the background: "The meeting went ahead despite a dispute over the
# shelling on Sunday" tells of the meeting, not of Sunday.
_RELATIVE = re.compile(r"(?:^|[,;(–—])\s*(?:where|which|who|whom|whose|when)\b"
                       r"|\b(?:since|despite|amid|amidst)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;()–—]")


def in_relative_clause(sentence: str, start: int) -> bool:
    """Does the expression at ``start`` of ``sentence`` sit in a relative or "since" clause?

    >>> s = "Relatives laid flowers, where the water broke through on March 9."
    >>> in_relative_clause(s, s.index("on March")), in_relative_clause("He left on May 2.", 8)
    (True, False)
    >>> s = "Cases rose to 35 since the first was confirmed on March 4."
    >>> in_relative_clause(s, s.index("on March"))
    True
    """
    before = sentence[:start]
    openers = list(_RELATIVE.finditer(before))
    if not openers:
        return False
    # The clause ends at the next comma (", who was arrested on Monday, appeared on ...").
    return _CLAUSE_END.search(before, openers[-1].end()) is None


def read_days(sentence: str, found: Sequence[tuple[int, date]]) -> SentenceDays:
    """:class:`SentenceDays` from the day-precise expressions ``(start in sentence, day)``."""
    if not found:
        return _UNDATED
    found = sorted(found, key=lambda f: f[0])
    own = next((d for start, d in found if not in_relative_clause(sentence, start)), None)
    return SentenceDays(own, tuple(d for _, d in found))


def overtaken(day: date | None, published: date | None, latest: date | None) -> bool:
    """Is a sentence about ``day``, in an article of ``published``, a forecast that later
    reports have overtaken (an article of the story published after ``day``)? A summary or a
    timeline tells what happened on a day, not what was expected of it.

    >>> monday, friday, sunday = date(2025, 3, 3), date(2025, 3, 7), date(2025, 3, 9)
    >>> overtaken(friday, monday, sunday), overtaken(friday, monday, friday)
    (True, False)
    >>> overtaken(monday, friday, sunday)  # a past day, told later: no forecast
    False
    """
    return (day is not None and published is not None and latest is not None
            and published < day < latest)


def days_by_sentence(text: str, spans: Sequence[tuple[int, int]],
                     times: Sequence[TimeExpr]) -> list[SentenceDays]:
    """:class:`SentenceDays` of each sentence ``text[start:end]`` from an analysis's times
    (``TimeExpr.sentence`` indexes ``spans``; starts are in ``text``)."""
    found: list[list[tuple[int, date]]] = [[] for _ in spans]
    for t in times:
        day = day_of(t.value)
        if day is not None and 0 <= t.sentence < len(spans):
            found[t.sentence].append((t.start - spans[t.sentence][0], day))
    return [read_days(text[s:e], f) for (s, e), f in zip(spans, found, strict=True)]


def sentence_days(text: str, spans: Sequence[tuple[int, int]],
                  published: date | None) -> list[SentenceDays]:
    """:class:`SentenceDays` of each sentence ``text[start:end]``, read from the text.

    Each sentence is read on its own (an expression never spans two), and only where it
    holds a word every time expression needs: the rules scan every position of what they
    are given, so skipping the sentences without one makes this ~5x faster.
    """
    out: list[SentenceDays] = []
    for start, end in spans:
        sentence = text[start:end]
        if not _TRIGGER.search(sentence):
            out.append(_UNDATED)
            continue
        found = [(t.start, d) for t in find_times(sentence, published)
                 if (d := day_of(t.value)) is not None]
        out.append(read_days(sentence, found))
    return out


# Every rule of storyline.analyze.dates needs one of these: a four-digit year (ISO and
# numeric dates hold one too), a capitalised month, or a word holding day (weekdays, today,
# yesterday), night, week, month, year (also "3 days ago"), morning, afternoon, evening...
_TRIGGER = re.compile(r"(?:1[89]|20)\d\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
                      r"|(?i:day|night|morning|afternoon|evening|week|month|year|tomorrow)")


Light = tuple[list[tuple[int, int]], list[SentenceDays]]  # sentence spans, their days


def light_analysis(text: str, published: date | None) -> Light:
    """Sentence spans of ``text`` and the day each talks about (None where none is said)."""
    spans = [(s, e) for s, e, _ in split_sentences(text)]
    return spans, sentence_days(text, spans, published)


def light_analysis_many(items: Sequence[tuple[str, date | None]], *,
                        workers: int | None = None) -> list[Light]:
    """:func:`light_analysis` of many texts, on ``workers`` processes when it pays off.

    Reading time expressions is pure Python and costs ~1 ms a sentence, so a 500-article
    topic is split over the machine's cores (by default all of them, at most 4); small
    inputs, or a platform without ``fork``, stay in this process.
    """
    import multiprocessing
    import os

    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    big = sum(len(t) for t, _ in items) > 400_000  # ~100 articles: below that, forking costs
    if workers < 2 or not big or "fork" not in multiprocessing.get_all_start_methods():
        return [light_analysis(t, p) for t, p in items]
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    chunk = max(1, len(items) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_light_pair, items, chunksize=chunk))


def _light_pair(item: tuple[str, date | None]) -> Light:
    return light_analysis(*item)
