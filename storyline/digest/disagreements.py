"""Where outlets report a story differently, and how its figures changed.

Three kinds of item, in ``Digest.disagreements``:

- ``"number"``, a **dispute**: two outlets give different values for the same quantity and
  scope (``figures.Figure.quantity``) *at the same time* (the same day), or one article
  states both values in one sentence ("officials said 18 were killed, while the governor's
  office gave 25"). A figure holds on the day its sentence says it was reported ("said on
  Tuesday", "the list published on Saturday"), else on the article's publication day; a
  past figure the sentence only recalls ("had initially reported 18") holds on no day. One
  outlet's articles never dispute each other, and without dates or outlets nothing can be
  told apart from an update, so nothing is called a dispute.
- ``"evolution"``: a count of a counted event (killed, injured, missing, arrested,
  displaced) that rises from day to day is told as its evolution
  ("people killed: at least 18 on 10 March → 25 on 11 March"; ``evolutions``).
- ``"denial"``: a claim and its denial by another party (``denials``).

The figure readers live in ``storyline.digest.figures`` and are re-exported here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest.figures import (
    COUNTED_EVENTS,
    Figure,
    figures_by_sentence,
    figures_in_text,
    mentions_counted_event,
    numbers_conflict,
)
from storyline.digest.settings import SETTINGS
from storyline.model import Citation, Disagreement

__all__ = ["COUNTED_EVENTS", "Figure", "figures_by_sentence", "figures_in_text",
           "mentions_counted_event", "numbers_conflict", "find_disagreements",
           "number_disagreements", "denial_disagreements", "Reading", "read_figures",
           "describe", "day_label", "outlet_names", "outlet_name", "sentence_citation",
           "readable", "comparable", "one_value_articles", "REPORTED"]

# A date in the sentence tells when the figure held when it follows a word of reporting.
REPORTED = re.compile(r"\b(?:said|says|told|tells|announced|reported|confirmed|published|"
                       r"released|issued|put|puts|gave|gives|stood|stands|updated|revised|"
                       r"according to|listed|counted|identified)\b[^.;]{0,45}$", re.I)
# Update language: a higher figure later the same day is the count moving on, not a dispute.
_UPDATE = re.compile(r"\b(?:rose|risen|rises|climbed|climbs|increased|jumped|reached|now|"
                     r"new|latest|updated|revised)\b", re.I)
_EVENT_WORDS = {"kill": "killed", "injure": "injured", "miss": "missing", "arrest": "arrested",
                "displace": "displaced"}


@dataclass(frozen=True, slots=True)
class Reading:
    """A figure where it was read: which article, sentence and day it holds for."""

    figure: Figure
    article: int  # index into the analyzed articles
    sentence: int
    day: date | None

    def outlet(self, analyzed: Sequence[AnalyzedArticle]) -> str | None:
        return analyzed[self.article].article.source

    def text(self, analyzed: Sequence[AnalyzedArticle]) -> str:
        """The sentence the figure stands in."""
        item = analyzed[self.article]
        s = item.analysis.sentences[self.sentence]
        return item.article.text[s.start:s.end]


def find_disagreements(analyzed: Sequence[AnalyzedArticle]) -> list[Disagreement]:
    """Number disputes (most outlets first), claim/denial pairs, then evolutions."""
    readings = read_figures(analyzed)
    from storyline.digest.denials import denial_disagreements as denials
    from storyline.digest.evolutions import evolutions

    return (number_disagreements(analyzed, readings=readings) + denials(analyzed)
            + evolutions(analyzed, readings=readings))


def denial_disagreements(analyzed: Sequence[AnalyzedArticle]) -> list[Disagreement]:
    """Claim/denial pairs (``storyline.digest.denials``)."""
    from storyline.digest.denials import denial_disagreements as denials

    return denials(analyzed)


def read_figures(analyzed: Sequence[AnalyzedArticle]) -> dict[tuple, list[Reading]]:
    """Every present (not recalled) figure of a counted quantity, grouped by quantity."""
    out: dict[tuple, list[Reading]] = defaultdict(list)
    for a_index, item in enumerate(analyzed):
        times = [(t.start, t.end) for t in item.analysis.times]
        for s_index, figures in figures_by_sentence(item).items():
            values_by_event: dict[str | None, set[float]] = defaultdict(set)
            for f in figures:
                values_by_event[f.event].add(f.value)
            for f in figures:
                if f.quantity is None or f.value < 1 or f.scope == "each":
                    continue
                if any(start < f.end and f.start < end for start, end in times):
                    continue  # the 22 of "on 22 April", the 1918 of a year: no count
                if f.event not in COUNTED_EVENTS and len(values_by_event[f.event]) > 1:
                    continue  # "guilty on four of six counts": a part and its whole
                day = day_of(item, s_index, f)
                if f.past and day == published_day(item):
                    continue  # recalled without a date of its own: when did it hold?
                out[f.quantity].append(Reading(f, a_index, s_index, day))
    return dict(out)


def published_day(item: AnalyzedArticle) -> date | None:
    return item.article.published.date() if item.article.published else None


def day_of(item: AnalyzedArticle, s_index: int, figure: Figure) -> date | None:
    """The day a figure held: a date its sentence reports it on, else publication day."""
    published = published_day(item)
    sentence = item.analysis.sentences[s_index]
    text = item.article.text
    candidates = []
    for t in item.analysis.times:
        if not (sentence.start <= t.start < sentence.end) or not isinstance(t.value, str):
            continue
        if len(t.value) != 10 or not REPORTED.search(text[sentence.start:t.start]):
            continue
        try:
            day = date.fromisoformat(t.value)
        except ValueError:
            continue
        if published is None or day <= published:
            candidates.append((abs(t.start - figure.start), day))
    return min(candidates)[1] if candidates else published


def number_disagreements(analyzed: Sequence[AnalyzedArticle],
                         limit: int = SETTINGS.max_number,
                         readings: dict[tuple, list[Reading]] | None = None
                         ) -> list[Disagreement]:
    """Disputes: one item per quantity and day on which its values differ."""
    readings = read_figures(analyzed) if readings is None else readings
    found = [(len({r.article for r in disputed}), _dispute(analyzed, quantity, day, disputed))
             for quantity, day, disputed in disputes(analyzed, readings)]
    found.sort(key=lambda pair: -pair[0])
    return [d for _, d in found[:limit]]


def disputes(analyzed: Sequence[AnalyzedArticle], readings: dict[tuple, list[Reading]]
             ) -> Iterator[tuple[tuple, date | None, list[Reading]]]:
    """``(quantity, day, readings in the dispute)`` for each quantity and day on which
    outlets give different values: what the digest shows as disputes and what the summary
    balances."""
    for quantity, rows in readings.items():
        if not comparable(quantity):
            continue
        by_day: dict[date | None, list[Reading]] = defaultdict(list)
        for r in rows:
            by_day[r.day].append(r)
        for day, day_rows in by_day.items():
            disputed = _disputed(analyzed, quantity, day_rows, dated=day is not None)
            if disputed:
                yield quantity, day, disputed


def _disputed(analyzed: Sequence[AnalyzedArticle], quantity: tuple,
              rows: list[Reading], dated: bool) -> list[Reading]:
    """The readings of one day that take part in a disagreement (empty when none do).

    Precision first: a wrong "sources disagree" misleads a reader who trusts it. Two
    values are a dispute only when they are of one order (``SETTINGS.dispute_ratio``: 18
    and 25 killed, not 20 and 50 million, which count different things), each from a
    sentence a reader can take in (not a list of countries' tolls), and either from two
    outlets that each give that quantity one value that day, or from one sentence that
    names two sources for them ("officials said 18, while the governor's office gave 25").
    """
    rows = [r for r in rows if readable(analyzed, r)]
    single = one_value_articles(rows)
    involved: set[int] = set()
    for i, a in enumerate(rows):
        for j in range(i + 1, len(rows)):
            b = rows[j]
            if a.figure.value == b.figure.value or not _same_order(a, b):
                continue
            same_sentence = a.article == b.article and a.sentence == b.sentence
            if same_sentence:
                if not _two_sources(analyzed, a, b):
                    continue
            else:
                outlet_a, outlet_b = a.outlet(analyzed), b.outlet(analyzed)
                if not dated or not outlet_a or not outlet_b or outlet_a == outlet_b:
                    continue
                if a.article not in single or b.article not in single:
                    continue  # an article giving several values counts several things
                if _update(analyzed, a, b):
                    continue
            if quantity[0] not in COUNTED_EVENTS and not _same_statement(analyzed, a, b):
                continue  # "one runner was taken to hospital" vs "600 runners took part"
            involved |= {i, j}
    return [rows[i] for i in sorted(involved)]


def _update(analyzed: Sequence[AnalyzedArticle], a: Reading, b: Reading) -> bool:
    """Is the later of two same-day readings a higher count in words of an update?"""
    first, later = sorted((a, b), key=lambda r: analyzed[r.article].article.published)
    if later.figure.value <= first.figure.value:
        return False
    return bool(_UPDATE.search(later.text(analyzed)))


def _same_statement(analyzed: Sequence[AnalyzedArticle], a: Reading, b: Reading) -> bool:
    va, vb = analyzed[a.article].sentence_vectors, analyzed[b.article].sentence_vectors
    if a.sentence >= len(va) or b.sentence >= len(vb):
        return False
    return float(va[a.sentence] @ vb[b.sentence]) >= SETTINGS.number_similarity


def comparable(quantity: tuple) -> bool:
    """Is this a quantity outlets can be shown to disagree on? A count of a counted event
    must count people ("8 cases" under "one death" counts something else)."""
    event, unit, _ = quantity
    return event not in COUNTED_EVENTS or unit in _COUNTED_UNITS


# What a count of the killed, injured, missing, arrested or displaced counts.
_COUNTED_UNITS = frozenset("""people civilians soldiers troops children adults students
protesters demonstrators officers police policemen miners fighters rebels militants prisoners
refugees patients tourists journalists crew sailors firefighters rescuers guards members
supporters inmates hostages passengers residents villagers workers migrants pilgrims victims
women men girls boys babies infants""".split())


def readable(analyzed: Sequence[AnalyzedArticle], r: Reading) -> bool:
    """A figure shown as disputed stands in a sentence a reader can take in."""
    return len(r.text(analyzed).split()) <= SETTINGS.dispute_words


def _same_order(a: Reading, b: Reading) -> bool:
    low, high = sorted((a.figure.value, b.figure.value))
    return low > 0 and high / low <= SETTINGS.dispute_ratio


def one_value_articles(rows: Sequence[Reading]) -> set[int]:
    values: dict[int, set[float]] = defaultdict(set)
    for r in rows:
        values[r.article].add(r.figure.value)
    return {article for article, seen in values.items() if len(seen) == 1}


_SOURCE_CUE = re.compile(r"\b(?:said|says|say|told|tells|according to|gave|gives|put|puts|"
                         r"reported|reports|estimated|estimates|claimed|claims|counted|"
                         r"announced|confirmed)\b", re.I)


_SET_AGAINST = re.compile(r"\b(?:while|whereas|but|however|although|though|against|"
                          r"compared|contradict\w*|disputed?)\b", re.I)


def _two_sources(analyzed: Sequence[AnalyzedArticle], a: Reading, b: Reading) -> bool:
    """Does one sentence set two sources' figures against each other ("officials said 18
    were killed, while the governor's office gave 25")? Two reporting cues in the sentence,
    and between the two figures a word that sets one against the other and a cue: not a
    range ("between 5,000 and 10,000", "9,000 to 10,000") nor a list of tolls."""
    first, second = sorted((a.figure, b.figure), key=lambda f: f.start)
    # figures' offsets index the article's text
    between = analyzed[a.article].article.text[first.end:second.start]
    return (len(_SOURCE_CUE.findall(a.text(analyzed))) >= 2
            and bool(_SET_AGAINST.search(between)) and bool(_SOURCE_CUE.search(between)))


def _dispute(analyzed: Sequence[AnalyzedArticle], quantity: tuple, day: date | None,
             rows: list[Reading]) -> Disagreement:
    by_value: dict[float, list[Reading]] = defaultdict(list)
    for r in rows:
        by_value[r.figure.value].append(r)
    statements, parts, shown = [], [], set()
    for value in sorted(by_value):
        group = by_value[value]
        first = min(group, key=lambda r: (r.article, r.sentence))
        if (first.article, first.sentence) not in shown:  # one sentence giving both: once
            shown.add((first.article, first.sentence))
            statements.append(sentence_citation(analyzed, first.article, first.sentence,
                                                sorted({r.article for r in group})))
        outlets = outlet_names(analyzed, group)
        parts.append(f"{first.figure.label()} ({', '.join(outlets)})")
    when = f" on {day_label(day)}" if day else ""
    return Disagreement("number", f"Reports differ on {describe(quantity)}{when}: "
                        + "; ".join(parts), statements, outlet_names(analyzed, rows))


def describe(quantity: tuple) -> str:
    """ "people killed", "children killed (part)", "people injured in Millbrook"."""
    event, unit, scope = quantity
    what = f"{unit} {_EVENT_WORDS.get(event, event)}"
    if scope and scope.startswith("in:"):
        what += f" in {scope[3:].title()}"
    elif scope and scope.startswith("part:"):
        what += f" (a part{', in ' + scope[5:].title() if scope[5:] else ''})"
    return what


def day_label(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def outlet_names(analyzed: Sequence[AnalyzedArticle], rows: Sequence[Reading]) -> list[str]:
    return sorted({outlet_name(analyzed, r.article) for r in rows})


def outlet_name(analyzed: Sequence[AnalyzedArticle], index: int) -> str:
    """How a disagreement names the outlet of article ``index`` (its id when none is known)."""
    article = analyzed[index].article
    return article.source or f"article {article.id}"


def sentence_citation(analyzed: Sequence[AnalyzedArticle], a_index: int, s_index: int,
                      article_indexes: Sequence[int] = ()) -> Citation:
    """Sentence ``s_index`` of article ``a_index``, citing the articles ``article_indexes``
    too (the article itself first)."""
    item = analyzed[a_index]
    s = item.analysis.sentences[s_index]
    others = [analyzed[i].article.id for i in article_indexes if i != a_index]
    return Citation(item.article.text[s.start:s.end], item.article.id, s.start, s.end,
                    [item.article.id, *others])
