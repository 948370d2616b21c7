"""The light analysis a timeline needs: sentences and the day each one talks about.

Full analysis (spaCy parse + MiniLM vectors) costs ~50 ms a sentence on two cores; a
timeline of a 500-article topic must be ready in seconds, so plain articles go through
this path instead: the text layer's rule-based sentence splitter
(:func:`storyline.text.sentences.split_sentences`) and the analysis engine's own
time-expression rules (:func:`storyline.analyze.dates.find_times`, regular expressions
resolved against the publication date; nothing about resolution is repeated here).

A sentence's *day* is the first day-precise time expression in it ("on Friday", "March 3",
"yesterday"); month, year and range values ("last week") do not name a day.

>>> from datetime import date
>>> sents = split_sentences("Mr. Smith resigned on Friday. Talks go on.\\nNew line here.")
>>> [text for _, _, text in sents]
['Mr. Smith resigned on Friday.', 'Talks go on.', 'New line here.']
>>> [d.isoformat() for d in sentence_days("He resigned on Friday.", [(0, 22)], date(2016, 9, 24))]
['2016-09-23']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

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


def days_by_sentence(times: Sequence[TimeExpr], n_sentences: int) -> list[date | None]:
    """The first day-precise expression of each sentence (``TimeExpr.sentence`` indexes it)."""
    days: list[date | None] = [None] * n_sentences
    for t in times:
        if 0 <= t.sentence < n_sentences and days[t.sentence] is None:
            days[t.sentence] = day_of(t.value)
    return days


def sentence_days(text: str, spans: Sequence[tuple[int, int]],
                  published: date | None) -> list[date | None]:
    """The day each sentence ``text[start:end]`` talks about, or None (read from the text).

    Each sentence is read on its own (an expression never spans two), and only where it
    holds a word every time expression needs: the rules scan every position of what they
    are given, so skipping the sentences without one makes this ~5x faster.
    """
    days: list[date | None] = []
    for start, end in spans:
        sentence = text[start:end]
        day = None
        if _TRIGGER.search(sentence):
            for t in find_times(sentence, published):
                day = day_of(t.value)
                if day is not None:
                    break
        days.append(day)
    return days


# Every rule of storyline.analyze.dates needs one of these: a four-digit year (ISO and
# numeric dates hold one too), a capitalised month, or a word holding day (weekdays, today,
# yesterday), night, week, month, year (also "3 days ago"), morning, afternoon, evening...
_TRIGGER = re.compile(r"(?:1[89]|20)\d\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
                      r"|(?i:day|night|morning|afternoon|evening|week|month|year|tomorrow)")


Light = tuple[list[tuple[int, int]], list["date | None"]]  # sentence spans, their days


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
