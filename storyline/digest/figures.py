"""Figures a story reports: a number, what it counts, its scope, and when it held.

A *figure* is a number with what it counts ("at least 18 people were killed": value 18,
unit ``people``, event ``kill``). The analyzer's ``NumberMention`` objects are used where the
analysis has them; otherwise a small pattern reader finds numbers and, for the quantities
news disputes most (killed, injured, missing, arrested, displaced), what they count.

Beyond what it counts, a figure carries its **scope**, read from the words around it:
- a *part* of a larger count ("nineteen of the dead", "including six children", "of whom"),
- a *place* it is limited to ("six in Millbrook"),
- a *per-unit* amount ("twelve each", "50,000 crowns per household", "a day");
and whether it is **past**: an earlier figure the sentence recalls ("had put the toll at
eighteen", "initially reported", "up from 12", "from 18 to 25"). Two figures are about the
same quantity when their ``quantity`` (event, unit, scope) is equal.

>>> a = figures_in_text("At least 18 people were killed in the blast.")
>>> (a[0].value, a[0].qualifier, a[0].key, a[0].scope)
(18.0, 'at least', ('kill', 'people'), None)
>>> [(f.value, f.scope) for f in figures_in_text("Nineteen of the dead were in Brandon and six "
...                                              "in Millbrook.")]
[(19.0, 'part:brandon'), (6.0, 'in:millbrook')]
>>> [f.past for f in figures_in_text("The toll rose from 18 to 25 killed.")]
[True, False]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.text.numbers import DOZEN, SCALES, TENS, UNITS, word_value

# Number words read as counts: one to nineteen, the tens, "dozen" and "hundred" alone.
_SMALL = {**{w: v for w, v in UNITS.items() if v}, **TENS, "dozen": DOZEN, "hundred": 100}
_SCALE = SCALES
_QUALIFIERS = ("at least", "more than", "over", "about", "nearly", "almost", "around", "some",
               "up to", "fewer than", "less than", "roughly", "approximately", "as many as")
# A number, then (looking back from it) a qualifier: scanning for the number first is far
# cheaper than trying every qualifier at every position.
_NUMBER = re.compile(
    r"\b(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:one|two|three|four|"
    r"five|six|seven|eight|nine))|" + "|".join(_SMALL) + r")\b"
    r"(?:\s+(?P<scale>hundred|thousand|million|billion))?\b",
    re.I,
)
_QUALIFIER_BEFORE = re.compile(
    r"(?:^|\W)(?P<qual>" + "|".join(q.replace(" ", r"\s+") for q in _QUALIFIERS) + r")\s+$",
    re.I,
)
_MAYBE_NUMBER = re.compile(r"\d|\b(?:" + "|".join(_SMALL) + r")\b", re.I)
# The quantities outlets most often disagree on, by the words that name them.
_EVENTS = [
    ("kill", re.compile(r"\b(kill\w*|dead|die[ds]?|dying|death(?:s| toll)?|toll|lives|"
                        r"fatalit\w+|bodies)\b", re.I)),
    ("injure", re.compile(r"\b(injur\w*|wound\w*|hurt|hospitali[sz]ed)\b", re.I)),
    ("miss", re.compile(r"\b(missing|unaccounted)\b", re.I)),
    ("arrest", re.compile(r"\b(arrest\w*|detain\w*|held in custody)\b", re.I)),
    ("displace", re.compile(r"\b(displac\w*|evacuat\w*|homeless|fled)\b", re.I)),
]
COUNTED_EVENTS = frozenset(name for name, _ in _EVENTS)  # the quantities outlets dispute
_ANY_EVENT = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in _EVENTS), re.I)
_PEOPLE = {"people", "person", "civilian", "resident", "villager", "passenger", "victim",
           "dead", "death", "body", "life", "live", "fatality", "casualty", "men", "man",
           "women", "woman", "individual", "pilgrim", "worker", "migrant"}
# Words after a number that are not what it counts: the count stands alone ("25, up from").
_SKIP_AFTER = {"were", "was", "are", "is", "have", "had", "has", "of", "the", "and", "in", "on",
               "at", "to", "by", "from", "other", "more", "people's", "percent", "per", "up",
               "down", "last", "this", "that", "a", "an", "so", "far", "now", "after", "before",
               "since", "when", "as", "while", "but", "or", "with", "for", "into", "over",
               "under", "among", "including", "than", "who", "which", "will", "would", "could",
               "be", "been", "being", "still", "each", "apiece"}

# -- scope -----------------------------------------------------------------------------------
_PART_AFTER = re.compile(r"^(?:\s+[a-z]+)?\s+(?:of|among)\s+(?:the|them|those|these|whom|which)\b",
                         re.I)
_PART_BEFORE = re.compile(r"\b(?:including|among them|among whom|of whom|of which|of them|"
                          r"among the dead|among the victims)\s*,?\s*(?:at least\s+|about\s+)?$",
                          re.I)
_EACH_AFTER = re.compile(r"^[^,;.]{0,30}?\b(?:each|apiece|a head|per\s+(?!cent)\w+|"
                         r"a (?:day|week|month|year)|every\s+\w+)\b", re.I)
_PLACE_AFTER = re.compile(r"^(?:\s+[a-z]+){0,5}?\s+(?:in|at|from)\s+(?:the\s+)?"
                          r"(?P<place>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)*)")
# A count over a period ("since January", "so far this year", "in the first week of …") is a
# running total of many events, never the same quantity as one event's count.
_PERIOD_AFTER = re.compile(r"^[^.;:]{0,60}?\b(?P<period>since\s+\w+|so far(?: this \w+)?|"
                           r"this (?:year|month|week)|last (?:year|month|week)|in the (?:first|"
                           r"past|last) \w+|over the (?:past|last) \w+|during the \w+|"
                           r"in (?:19|20)\d\d)\b", re.I)
# "dozens", "hundreds of": no count at all.
_VAGUE = re.compile(r"^(?:several |many |a few |some )?(?:dozens|hundreds|thousands|millions|"
                    r"scores|tens)\b", re.I)
_PAST_BEFORE = re.compile(r"\b(?:initially|originally|previously|earlier|first|had (?:put|"
                          r"given|reported|said|stood|been)|up from|down from|from|compared "
                          r"with|compared to|than|instead of|revised)\b[^.;]{0,40}$", re.I)
_CHANGE = re.compile(r"\b(?:rose|risen|rise[sn]?|climb\w*|increas\w*|jump\w*|fell|fallen|"
                     r"drop\w*|revis\w*|rais\w*|lower\w*|up|down)\b", re.I)
# After "initially reported 18 ...", the figures that follow in the clause are past too.
_RECALL = re.compile(r"\b(?:initially|originally|previously|had (?:put|given|reported|"
                     r"said|stood))\b", re.I)
_CONTRAST = re.compile(r"\b(?:but|now|while|whereas|since|however)\b", re.I)
_FROM_TO = re.compile(r"^[^.;]{0,40}\bto\s+(?:at least\s+|about\s+)?(?:\d|[a-z]+-?[a-z]*\s)",
                      re.I)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as stated, with what it counts, its scope and whether it is a past figure."""

    value: float
    qualifier: str | None
    unit: str | None
    event: str | None
    start: int  # offsets into the text the figure was read from
    end: int
    # "part:<place or ''>", "in:<place>", "each", "period:<since …>"; None: the whole count
    scope: str | None = None
    past: bool = False

    @property
    def key(self) -> tuple[str, str | None] | None:
        """What this counts; None when the figure is not about a counted event."""
        if not self.event:
            return None
        unit = self.unit
        if unit is None and self.event not in COUNTED_EVENTS:
            # "2:08:40 was slower", "the federation said 20": a number under some verb with
            # nothing counted is no quantity two outlets could disagree on
            return None
        if unit is None or unit in _PEOPLE:
            unit = "people"
        return (self.event, unit)

    @property
    def quantity(self) -> tuple | None:
        """What this counts and where: two figures with one quantity may be compared."""
        key = self.key
        return None if key is None else (*key, self.scope)

    def label(self) -> str:
        """The figure as a reader would say it: "at least 18"."""
        number = f"{self.value:,.0f}" if self.value == int(self.value) else f"{self.value:g}"
        return f"{self.qualifier} {number}" if self.qualifier else number


def mentions_counted_event(text: str) -> bool:
    """Does the text use a word for a counted event (killed, injured, missing ...)?

    >>> mentions_counted_event("Two people died."), mentions_counted_event("Talks resumed.")
    (True, False)
    """
    return _ANY_EVENT.search(text) is not None


def figures_in_text(text: str, offset: int = 0) -> list[Figure]:
    """Figures in one sentence, by pattern (years and times of day are not figures)."""
    if not _MAYBE_NUMBER.search(text):
        return []
    events: list[tuple[str, int]] | None = None
    out = []
    for match in _NUMBER.finditer(text):
        if _VAGUE.match(text[match.start():]):
            continue
        value = _value(match.group("num"))
        if match.group("scale"):
            value *= _SCALE[match.group("scale").lower()]
        raw = match.group("num").lower().replace(",", "")
        after = text[match.end():match.end() + 40]
        if _looks_like_date_or_time(raw, text[max(0, match.start() - 12):match.start()], after):
            continue
        unit = _unit_after(after)
        event = None
        if events is None:
            events = [(name, m.start()) for name, rx in _EVENTS for m in rx.finditer(text)]
        if events:
            # the event word nearest to the number names what it counts
            event = min(events, key=lambda e: abs(e[1] - match.start()))[0]
            if min(abs(e[1] - match.start()) for e in events) > 80:
                event = None
        found = _QUALIFIER_BEFORE.search(text, max(0, match.start() - 24), match.start())
        qualifier = found.group("qual") if found else None
        begin = found.start("qual") if found else match.start()
        out.append(Figure(value, " ".join(qualifier.lower().split()) if qualifier else None,
                          unit, event, offset + begin, offset + match.end()))
    return settle_places(recalled([with_scope(f, text, offset) for f in out], text, offset))


def recalled(figures: list[Figure], text: str, offset: int = 0) -> list[Figure]:
    """Mark as past the figures that follow a recalled one in the same clause.

    >>> [f.past for f in figures_in_text("Officials had initially reported 18 dead and "
    ...                                  "the governor 25.")]
    [True, True]
    """
    out, recalling = [], False
    for i, f in enumerate(figures):
        if i and recalling:
            between = text[figures[i - 1].end - offset:f.start - offset]
            recalling = not _CONTRAST.search(between) and ";" not in between
        if f.past and _RECALL.search(text[max(0, f.start - offset - 60):f.start - offset]):
            recalling = True
        elif recalling and not f.past:
            f = Figure(f.value, f.qualifier, f.unit, f.event, f.start, f.end, f.scope, True)
        out.append(f)
    return out


def settle_places(figures: list[Figure]) -> list[Figure]:
    """Keep a place as scope only where a sentence breaks a count down by place.

    "The flood killed 25 people in Brandon" gives the story's toll, not Brandon's share;
    "nineteen in Brandon and six in Millbrook", or a bare "six in Millbrook", is a share.
    """
    out = []
    for f in figures:
        if f.scope and f.scope.startswith("in:") and f.unit is not None and not any(
                g is not f and g.key == f.key and g.value != f.value for g in figures):
            f = Figure(f.value, f.qualifier, f.unit, f.event, f.start, f.end, None, f.past)
        out.append(f)
    return out


def _value(raw: str) -> float:
    raw = raw.lower().replace(",", "")
    value = word_value(raw)
    return float(value) if value is not None else float(raw)


def with_scope(figure: Figure, text: str, offset: int = 0) -> Figure:
    """The figure with the scope and past-ness its sentence ``text`` gives it.

    ``offset`` is where ``text`` starts in the article (figures' offsets are the article's).
    """
    start, end = figure.start - offset, figure.end - offset
    if not 0 <= start <= end <= len(text):
        return figure
    before, after = text[max(0, start - 60):start], text[end:end + 80]
    place = _PLACE_AFTER.match(after)
    where = place.group("place").lower() if place else ""
    if _PART_AFTER.match(after) or _PART_BEFORE.search(before):
        scope = f"part:{where}"
    elif _EACH_AFTER.match(after):
        scope = "each"
    elif period := _PERIOD_AFTER.match(after):
        scope = "period:" + " ".join(period.group("period").lower().split())
    elif place:
        scope = f"in:{where}"
    else:
        scope = None
    past = bool(_PAST_BEFORE.search(before[-45:])) and not re.search(r"\bto\s+$", before)
    if re.search(r"\bfrom\s+(?:at least\s+|about\s+)?$", before):
        # "rose from 18 to 25", "up from 18", "rose to 25 from 18": the earlier figure
        past = bool(_FROM_TO.match(after) or _CHANGE.search(text[:start]))
    return Figure(figure.value, figure.qualifier, figure.unit, figure.event, figure.start,
                  figure.end, scope, past)


def _looks_like_date_or_time(raw: str, before: str, after: str) -> bool:
    if re.match(r"^\s*(?:a\.m|p\.m|am\b|pm\b|o'clock|percent|%|years? old|-year|year)", after,
                re.I):
        return True
    if raw.isdigit() and len(raw) == 4 and 1800 <= int(raw) <= 2100:
        return True
    months = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s*$"
    return bool(re.search(months, before))


def _unit_after(after: str) -> str | None:
    for word in re.findall(r"[A-Za-z][A-Za-z'\-]*", after)[:4]:
        if word[0].isupper():
            continue  # "18 Syrian civilians": skip the adjective of nationality
        lower = word.lower()
        if lower in _SKIP_AFTER:
            return None
        return lower[:-1] if lower.endswith("s") and not lower.endswith("ss") else lower
    return None


def figures_by_sentence(item: AnalyzedArticle, only: set[int] | None = None
                        ) -> dict[int, list[Figure]]:
    """Figures of every sentence of an analyzed article, keyed by sentence index.

    Uses ``analysis.numbers`` (the analyzer's reading, with the governing verb) where the
    analysis carries them; sentences the analyzer left without numbers are read by pattern.
    """
    text = item.article.text
    sentences = item.analysis.sentences
    by_pattern: dict[int, list[Figure]] = {}

    def pattern(index: int) -> list[Figure]:
        if index not in by_pattern:
            s = sentences[index]
            by_pattern[index] = figures_in_text(text[s.start:s.end], s.start)
        return by_pattern[index]

    out: dict[int, list[Figure]] = defaultdict(list)
    for m in getattr(item.analysis, "numbers", None) or []:
        if not 0 <= m.sentence < len(sentences) or (only is not None and m.sentence not in only):
            continue
        if _VAGUE.match(m.text.strip()):
            continue  # "dozens are missing": no count
        event = _event_of(m.event, m.start, lambda i=m.sentence: pattern(i))
        unit = (m.unit or "").lower() or None
        s = sentences[m.sentence]
        figure = Figure(float(m.value), m.qualifier, unit, event, m.start, m.end)
        out[m.sentence].append(with_scope(figure, text[s.start:s.end], s.start))
    for index in out:
        s = sentences[index]
        out[index] = settle_places(recalled(sorted(out[index], key=lambda f: f.start),
                                            text[s.start:s.end], s.start))
    for s in sentences:
        if s.index not in out and (only is None or s.index in only):
            found = pattern(s.index)
            if found:
                out[s.index] = found
    return dict(out)


def _event_of(verb: str | None, start: int, read: Callable[[], list[Figure]]) -> str | None:
    """Map the analyzer's verb to the coarse events above (so "die" and "kill" agree).

    A verb that names none of them ("put the death toll at 21") defers to the words around
    the number, read by pattern (``read``); failing that the verb itself is the event.
    """
    for name, rx in _EVENTS:
        if verb and (rx.search(verb) or verb.lower().startswith(name)):
            return name
    for f in read():
        if f.start <= start < f.end + 1 and f.event:
            return f.event
    return verb.lower() if verb else None


def numbers_conflict(a: Sequence[Figure], b: Sequence[Figure]) -> bool:
    """Do two sentences give different values for the same quantity?

    >>> numbers_conflict(figures_in_text("18 people were killed."),
    ...                  figures_in_text("The attack killed 25 people."))
    True
    >>> numbers_conflict(figures_in_text("18 people were killed."),
    ...                  figures_in_text("At least 18 died on Monday."))
    False
    """
    keyed_a = _values_by_quantity(a)
    keyed_b = _values_by_quantity(b)
    for key, values in keyed_a.items():
        if key in keyed_b and not (values & keyed_b[key]):
            return True
    # Figures nobody could attach to an event still tell paraphrases apart ("magnitude 6.1"
    # vs "6.2"): when neither sentence's numbers contain the other's, they say different things.
    plain_a = {f.value for f in a}
    plain_b = {f.value for f in b}
    return bool(plain_a and plain_b and not (plain_a <= plain_b or plain_b <= plain_a))


def _values_by_quantity(figures: Sequence[Figure]) -> dict[tuple, set[float]]:
    out: dict[tuple, set[float]] = defaultdict(set)
    for f in figures:
        if f.quantity is not None and not f.past:
            out[f.quantity].add(f.value)
    return out
