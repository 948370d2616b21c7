"""Time expressions in news text, resolved against the publication date.

News writing has conventions that general date parsers get wrong, so the rules are
written out here and ``dateparser`` (with ``RELATIVE_BASE`` = publication date) only
handles the rare numeric formats the rules do not cover:

- a bare weekday or "on Friday" is the latest such day on or before publication
  (unless the clause is about the future: "will meet on Friday" is the next Friday);
- "last Friday" is the latest Friday strictly before publication, "next Tuesday" the first
  Tuesday strictly after it, "this Monday" the Monday of the publication week (weeks start
  on Monday);
- "last week", "this week", "next week", "last weekend" are ranges;
- a month and day without a year ("on March 3") is the nearest such date that is not far in
  the future (a future date counts double its distance), months alike;
- "yesterday", "two days ago", months, years and explicit dates as written.

Values follow docs/formats.md §6: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or
``{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}``.

>>> from datetime import date
>>> [(t.text, t.value) for t in find_times("He resigned on Friday.", date(2016, 9, 24))]
[('on Friday', '2016-09-23')]
>>> find_times("Talks ended last week.", date(2016, 9, 24))[0].value
{'from': '2016-09-12', 'to': '2016-09-18'}
"""

from __future__ import annotations

import re
from bisect import bisect_right
from calendar import monthrange
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from storyline.model import Sentence, TimeExpr
from storyline.text.numbers import UNITS

Value = str | dict[str, str]

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
# Counts of days, weeks, months or years ago: "a" to "twelve" (the values from the text layer)
# and vague counts, which give no date.
_COUNT_WORDS = [w for w, v in UNITS.items() if 1 <= v <= 12]
_NUMBERS: dict[str, int | None] = {
    "a": 1, "an": 1, **{w: UNITS[w] for w in _COUNT_WORDS}, "several": None, "few": None,
    "a few": None,
}

# Month names must be capitalised ("may" and "march" are also ordinary words).
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
          r"|December|Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.|Jul\.|Aug\.?|Sept\.?|Sep\.|Oct\.?"
          r"|Nov\.?|Dec\.?)")
_WEEKDAY = r"(?:[Mm]onday|[Tt]uesday|[Ww]ednesday|[Tt]hursday|[Ff]riday|[Ss]aturday|[Ss]unday)"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_NUM = r"(?:\d{1,2}|a|an|" + "|".join(_COUNT_WORDS) + ")"
_ON = r"(?:\b(?i:on)\s+)?"
_FUTURE = re.compile(
    r"\b(?:will|shall|'ll|going to|due to|scheduled|set to|plans? to|expected to|is to|are to"
    r"|(?:is|are)\s+(?:expected|due)|to be held|upcoming|as soon as"
    r"|(?:may|might|could)(?!\s+have))\b", re.I)
_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:said|says|told|that|when|after|before)\b", re.I)
# After a time opening its sentence ("On Sunday the runner will find out"), only plain future
# forms count: "could not" is as often past, "plans to" a noun, "due to" a cause.
_FUTURE_AFTER = re.compile(
    r"\b(?:will|shall|'ll|going to|scheduled to|set to|expected to|is to|are to"
    r"|(?:is|are)\s+(?:expected|due))\b", re.I)
# "The start is at 8.30 on Sunday", "The vote is on Friday": a schedule (past: "was").
_SCHEDULED = re.compile(r"\b(?:is|are)\s+(?:at\s+\d{1,2}(?:[.:]\d\d)?\s*(?:[ap]\.?m\.?\s+)?)?"
                        r"(?:on\s+)?$", re.I)
_CLAUSE_END = re.compile(r"[.;:!?,]|\b(?:said|says|told|that|when|after|before|and|but)\b", re.I)


@dataclass(slots=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], date | None, bool], Value | None]


def _month_number(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _day(d: date) -> str:
    return d.isoformat()


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _range(a: date, b: date) -> dict[str, str]:
    return {"from": a.isoformat(), "to": b.isoformat()}


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def nearest_date(month: int, day: int, published: date, *, future: bool = False) -> date | None:
    """The date ``month``/``day`` nearest to ``published``, not far in the future.

    A future candidate counts double its distance: news mostly reports what happened.
    When the clause is about the future, the first such date on or after publication.

    >>> nearest_date(1, 3, date(2016, 12, 30)).isoformat()
    '2017-01-03'
    >>> nearest_date(12, 28, date(2017, 1, 2)).isoformat()
    '2016-12-28'
    >>> nearest_date(8, 20, date(2016, 3, 1)).isoformat()
    '2015-08-20'
    """
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        if day <= monthrange(year, month)[1]:
            candidates.append(date(year, month, day))
    if not candidates:
        return None
    if future:
        ahead = [c for c in candidates if c >= published]
        return min(ahead) if ahead else max(candidates)

    def cost(c: date) -> int:
        delta = (c - published).days
        return 2 * delta if delta > 0 else -delta

    return min(candidates, key=cost)


def _nearest_month(month: int, published: date, future: bool) -> str:
    # The 15th stands for the month: "in March" is the nearest March, not far in the future.
    best = nearest_date(month, 15, published, future=future)
    if future and best is not None and best.year == published.year and month == published.month:
        return _month(published.year, month)
    assert best is not None
    return _month(best.year, month)


# -- resolvers -------------------------------------------------------------------------
# Each takes (match, publication date or None, is the clause about the future?).

def _iso(m: re.Match[str], pub: date | None, fut: bool) -> Value | None:
    try:
        return _day(date(int(m["y"]), int(m["m"]), int(m["d"])))
    except ValueError:
        return None


def _numeric(m: re.Match[str], pub: date | None, fut: bool) -> Value | None:
    import dateparser

    settings = {"DATE_ORDER": "MDY", "PREFER_DAY_OF_MONTH": "first"}
    parsed = dateparser.parse(m.group(0), languages=["en"], settings=settings)
    return _day(parsed.date()) if parsed else None


def _month_day(m: re.Match[str], pub: date | None, fut: bool) -> Value | None:
    month = _month_number(m["mon"])
    day = int(re.match(r"\d+", m["day"]).group(0))
    if m["year"]:
        try:
            return _day(date(int(m["year"]), month, day))
        except ValueError:
            return None
    if pub is None:
        return None
    found = nearest_date(month, day, pub, future=fut)
    return _day(found) if found else None


def _month_year(m: re.Match[str], pub: date | None, fut: bool) -> Value | None:
    return _month(int(m["year"]), _month_number(m["mon"]))


def _bare_month(m: re.Match[str], pub: date | None, fut: bool) -> Value | None:
    if pub is None:
        return None
    month = _month_number(m["mon"])
    which = (m["which"] or "").lower()
    if which in ("this", "earlier this", "later this"):
        return _month(pub.year, month)
    if which == "last" or which == "this past":
        year = pub.year if month < pub.month else pub.year - 1
        return _month(year, month)
    if which == "next" or which == "this coming":
        year = pub.year if month > pub.month else pub.year + 1
        return _month(year, month)
    return _nearest_month(month, pub, fut)


def _year(m: re.Match[str], pub: date | None, fut: bool) -> Value | None:
    return m["year"]


def _weekday(m: re.Match[str], pub: date | None, fut: bool) -> Value | None:
    if pub is None:
        return None
    target = WEEKDAYS.index(m["wd"].lower())
    which = " ".join((m["which"] or "").lower().split())
    back = (pub.weekday() - target) % 7  # days back to the latest such day on or before pub
    if which in ("this",):
        return _day(_week_start(pub) + timedelta(days=target))
    if which in ("last", "this past", "past"):
        return _day(pub - timedelta(days=back or 7))
    if which in ("next", "this coming", "coming"):
        ahead = (target - pub.weekday()) % 7
        return _day(pub + timedelta(days=ahead or 7))
    if fut or which in ("until", "by"):
        return _day(pub + timedelta(days=(target - pub.weekday()) % 7))
    return _day(pub - timedelta(days=back))


_DAY_WORDS = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2,
    "the day after tomorrow": 2,
}


def _day_word(m: re.Match[str], pub: date | None, fut: bool) -> Value | None:
    if pub is None:
        return None
    key = " ".join(m["w"].lower().split())
    return _day(pub + timedelta(days=_DAY_WORDS[key]))


def _relative_unit(m: re.Match[str], pub: date | None, fut: bool) -> Value | None:
    """last/this/next/past week, weekend, month, year (with "earlier"/"late" and friends)."""
    if pub is None:
        return None
    which = " ".join(m["which"].lower().split())
    unit = m["unit"].lower()
    step = {"last": -1, "past": -1, "previous": -1, "this past": -1, "this": 0, "current": 0,
            "next": 1, "coming": 1, "this coming": 1}[which]
    if unit == "week":
        if which in ("past", "this past") and m["the"]:
            return _range(pub - timedelta(days=7), pub)  # "the past week": seven days to pub
        start = _week_start(pub) + timedelta(days=7 * step)
        return _range(start, start + timedelta(days=6))
    if unit == "weekend":
        start = _week_start(pub) + timedelta(days=7 * step)
        return _range(start + timedelta(days=5), start + timedelta(days=6))
    if unit == "month":
        if which in ("past", "this past") and m["the"]:
            return _range(pub - timedelta(days=30), pub)
        return _month(*_add_months(pub.year, pub.month, step))
    if which in ("past", "this past") and m["the"]:
        return _range(pub - timedelta(days=365), pub)
    return f"{pub.year + step:04d}"


def _ago(m: re.Match[str], pub: date | None, fut: bool) -> Value | None:
    if pub is None:
        return None
    word = m["n"].lower()
    n = int(word) if word.isdigit() else _NUMBERS.get(word)
    if not n:
        return None
    unit = m["unit"].lower().rstrip("s")
    if unit == "day":
        return _day(pub - timedelta(days=n))
    if unit == "week":
        return _day(pub - timedelta(days=7 * n))
    if unit == "month":
        return _month(*_add_months(pub.year, pub.month, -n))
    return f"{pub.year - n:04d}"


_RULES = [
    _Rule(re.compile(r"\b(?P<y>" + _YEAR + r")-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"), _iso),
    _Rule(re.compile(r"\b[01]?\d/[0-3]?\d/" + _YEAR + r"\b"), _numeric),
    _Rule(re.compile(
        _ON + r"(?:" + _WEEKDAY + r",?\s+)?(?:the\s+)?(?P<day>" + _DAYNUM + r")\s+(?:of\s+)?"
        r"(?P<mon>" + _MONTH + r")(?![\w])(?:,?\s+(?P<year>" + _YEAR + r")\b)?"), _month_day),
    _Rule(re.compile(
        _ON + r"(?:" + _WEEKDAY + r",?\s+)?(?P<mon>" + _MONTH + r")\s+(?P<day>" + _DAYNUM
        + r")(?![\d\w])(?:,?\s+(?P<year>" + _YEAR + r")\b)?"), _month_day),
    _Rule(re.compile(r"(?:\b(?i:in)\s+)?(?P<mon>" + _MONTH + r"),?\s+(?:of\s+)?(?P<year>" + _YEAR
                     + r")\b"), _month_year),
    # A bare month only where a preposition or modifier says it is one ("May" is a verb).
    _Rule(re.compile(
        r"(?:\b(?i:(?P<which>this past|this coming|earlier this|later this|last|this|next))\s+"
        r"|\b(?i:(?:in|since|until|till|through|during|by|from|of)\s+(?:(?:early|late|mid)[\s-]+)?"
        r"|\b(?:early|late|mid)[\s-]+))(?P<mon>" + _MONTH + r")(?![\w])(?!\s+\d)"), _bare_month),
    _Rule(re.compile(r"(?:\b(?i:in|during|since|of|by|until|through|from|early|late|mid-)\s*)"
                     r"(?P<year>" + _YEAR + r")\b(?![-–/]\d)(?!s\b)"), _year),
    _Rule(re.compile(
        r"(?:\b(?i:(?P<which>this past|this coming|on|this|last|next|past|coming|until|by))\s+)?"
        r"(?P<wd>" + _WEEKDAY + r")(?:['’]s)?" + _PART + r"\b"), _weekday),
    _Rule(re.compile(
        r"(?i:\b(?P<w>the day before yesterday|the day after tomorrow|yesterday|today|tonight"
        r"|tomorrow|last night|this morning|this afternoon|this evening)"
        r"(?:\s+(?:morning|afternoon|evening|night))?\b)"), _day_word),
    _Rule(re.compile(
        r"(?i:\b(?:(?:earlier|later|late|early)\s+(?:in\s+)?)?(?P<the>the\s+)?"
        r"(?P<which>this past|this coming|last|this|next|past|previous|coming|current)\s+"
        r"(?P<unit>week|weekend|month|year)\b)"), _relative_unit),
    _Rule(re.compile(
        r"(?i:\b(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
        r"|twelve|a few|several)\s+(?P<unit>days?|weeks?|months?|years?)\s+ago\b)"),
        _ago),
]


def _is_future(text: str, start: int, end: int, floor: int) -> bool:
    """Is the clause that holds ``text[start:end]`` about the future? (cheap, no parse
    needed). A time that opens its sentence comes before its verb ("On Sunday the runner
    will find out"), so there the rest of the clause is read too."""
    window = text[max(floor, start - 80):start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end():]
    if _FUTURE.search(window) or _SCHEDULED.search(text[max(floor, start - 40):start]):
        return True
    return _opens_sentence(text, start, floor) and bool(_FUTURE_AFTER.search(
        _CLAUSE_END.split(text[end:end + 100].lstrip(" ,"), maxsplit=1)[0]))


def _opens_sentence(text: str, start: int, floor: int) -> bool:
    """Nothing but quotation marks or a bracket between the sentence's start and ``start``.

    >>> _opens_sentence("Rain fell. On Sunday it stops.", 11, 0)
    True
    """
    before = text[max(floor, start - 200):start]
    ends = [m.end() for m in re.finditer(r"[.!?][\"”’']*\s+|\n", before)]
    if ends:
        before = before[ends[-1]:]
    elif start - 200 > floor:
        return False
    return not before.strip(" \t\"'“‘(")


def find_times(text: str, published: date | None,
               sentences: Sequence[Sentence] | None = None,
               extra_spans: Sequence[tuple[int, int]] = ()) -> list[TimeExpr]:
    """Every time expression in ``text`` that resolves to a calendar value.

    ``sentences`` (if given) sets each ``TimeExpr.sentence``; ``extra_spans`` are more
    candidate spans (spaCy DATE entities) tried when the rules found nothing there: only
    a year inside them is read ("the summer of 2015" -> ``2015``). Without ``published``,
    only expressions that carry their own year resolve.

    >>> [(t.text, t.value) for t in find_times("On December 28 and in 2015.", date(2017, 1, 2))]
    [('On December 28', '2016-12-28'), ('in 2015', '2015')]
    """
    found: list[tuple[int, int, int, Value]] = []  # (start, -length, rule order, value)
    starts = [s.start for s in sentences] if sentences else []
    for order, rule in enumerate(_RULES):
        for m in rule.pattern.finditer(text):
            start, end = m.span()
            if end <= start:
                continue
            floor = starts[bisect_right(starts, start) - 1] if starts and start >= starts[0] else 0
            value = rule.resolve(m, published, _is_future(text, start, end, floor))
            if value is not None:
                found.append((start, end, order, value))
    for start, end in extra_spans:
        chunk = text[start:end]
        years = re.findall(r"(?<![\d-])(" + _YEAR + r")(?![\d]|s\b)", chunk)
        if len(set(years)) == 1 and not re.search(r"\d\s*[-–]\s*\d|\bto\b|\band\b", chunk):
            found.append((start, end, len(_RULES), years[0]))
    # Keep the longest of overlapping matches (earlier rules win ties).
    found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
    taken: list[tuple[int, int, Value]] = []
    for start, end, _order, value in found:
        if any(start < e and s < end for s, e, _ in taken):
            continue
        taken.append((start, end, value))
    taken.sort(key=lambda t: t[0])
    out = []
    for start, end, value in taken:
        index = bisect_right(starts, start) - 1 if starts else -1
        out.append(TimeExpr(text=text[start:end], start=start, end=end, value=value,
                            sentence=index))
    return out


def value_start(value: Value) -> date:
    """The first day a value covers (``"2016-09"`` -> 2016-09-01).

    >>> value_start({"from": "2016-09-12", "to": "2016-09-18"}).isoformat()
    '2016-09-12'
    """
    raw = value["from"] if isinstance(value, dict) else value
    parts = [int(p) for p in raw.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])
