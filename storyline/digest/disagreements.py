"""Where outlets report a story differently: two numbers for one quantity, a claim and a denial.

A *figure* is a number with what it counts ("at least 18 people killed": value 18, unit
``people``, event ``kill``). The analyzer's ``NumberMention`` objects are used where the
analysis has them; otherwise a small pattern reader finds numbers and, for the quantities
news disputes most (killed, injured, missing, arrested, displaced), what they count.

Two figures are about the same quantity when their ``key`` (event, unit) is equal; a
*number disagreement* is a key for which different articles give different values.

>>> a = figures_in_text("At least 18 people were killed in the blast.")
>>> (a[0].value, a[0].qualifier, a[0].key)
(18.0, 'at least', ('kill', 'people'))
>>> figures_in_text("The explosion killed 25 civilians, officials said.")[0].key
('kill', 'people')
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.model import Citation, Disagreement

_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
          "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "dozen": 12,
          "hundred": 100}
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_QUALIFIERS = ("at least", "more than", "over", "about", "nearly", "almost", "around", "some",
               "up to", "fewer than", "less than", "roughly", "approximately", "as many as")
# A number, then (looking back from it) a qualifier: scanning for the number first is far
# cheaper than trying every qualifier at every position.
_NUMBER = re.compile(
    r"\b(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(_SMALL) + r")\b"
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
           "women", "woman", "child", "children", "individual", "pilgrim", "worker", "migrant"}
_SKIP_AFTER = {"were", "was", "are", "is", "have", "had", "has", "of", "the", "and", "in", "on",
               "at", "to", "by", "from", "other", "more", "people's", "percent", "per"}
_DENIAL = re.compile(
    r"\b(den(?:y|ied|ies|ying)|reject(?:ed|s|ing)?|refut(?:e|ed|es|ing)|"
    r"dismiss(?:ed|es|ing)? (?:the |as |claims|reports|allegations)|"
    r"(?:false|baseless|untrue|fabricated|groundless))\b", re.I)
MAX_NUMBER = 5
MAX_DENIAL = 3
DENIAL_SIMILARITY = 0.5
# Two numbers under the same verb and noun, other than the counted events above, are one
# quantity only when their sentences are this alike (sentence vectors' cosine).
NUMBER_SIMILARITY = 0.5


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as stated, with what it counts."""

    value: float
    qualifier: str | None
    unit: str | None
    event: str | None
    start: int  # offsets into the text the figure was read from
    end: int

    @property
    def key(self) -> tuple[str, str | None] | None:
        """What quantity this is; None when the figure is not about a counted event."""
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
        raw = match.group("num").lower().replace(",", "")
        value = float(_SMALL[raw]) if raw in _SMALL else float(raw)
        if match.group("scale"):
            value *= _SCALE[match.group("scale").lower()]
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
    return out


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
        event = _event_of(m.event, m.start, lambda i=m.sentence: pattern(i))
        unit = (m.unit or "").lower() or None
        out[m.sentence].append(Figure(float(m.value), m.qualifier, unit, event, m.start, m.end))
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
    keyed_a = _values_by_key(a)
    keyed_b = _values_by_key(b)
    for key, values in keyed_a.items():
        if key in keyed_b and not (values & keyed_b[key]):
            return True
    # Figures nobody could attach to an event still tell paraphrases apart ("magnitude 6.1"
    # vs "6.2"): when neither sentence's numbers contain the other's, they say different things.
    plain_a = {f.value for f in a}
    plain_b = {f.value for f in b}
    return bool(plain_a and plain_b and not (plain_a <= plain_b or plain_b <= plain_a))


def _values_by_key(figures: Sequence[Figure]) -> dict[tuple, set[float]]:
    out: dict[tuple, set[float]] = defaultdict(set)
    for f in figures:
        if f.key is not None:
            out[f.key].add(f.value)
    return out


# -- disagreements of a story ----------------------------------------------------------------


def find_disagreements(analyzed: Sequence[AnalyzedArticle]) -> list[Disagreement]:
    """Number disagreements first (most articles involved first), then claim/denial pairs."""
    return number_disagreements(analyzed) + denial_disagreements(analyzed)


def number_disagreements(analyzed: Sequence[AnalyzedArticle],
                         limit: int = MAX_NUMBER) -> list[Disagreement]:
    """Quantities for which articles state different values, one statement per value.

    Each statement's ``sources`` are all the articles that state that value.
    """
    # key -> value -> list of (article index, sentence index, figure)
    table: dict[tuple, dict[float, list[tuple[int, int, Figure]]]] = defaultdict(
        lambda: defaultdict(list))
    for a_index, item in enumerate(analyzed):
        for s_index, figures in figures_by_sentence(item).items():
            by_event: dict[str | None, set[float]] = defaultdict(set)
            for f in figures:
                by_event[f.event].add(f.value)
            for f in figures:
                if f.key is None or f.value < 1:
                    continue
                if f.event not in COUNTED_EVENTS and len(by_event[f.event]) > 1:
                    continue  # "guilty on four of six counts": a part and its whole
                table[f.key][f.value].append((a_index, s_index, f))
    found = []
    for key, by_value in table.items():
        if len(by_value) < 2:
            continue
        articles_per_value = [{a for a, _, _ in rows} for rows in by_value.values()]
        if len(set().union(*articles_per_value)) < 2:
            continue  # one article updating its own count is not outlets disagreeing
        if key[0] not in COUNTED_EVENTS and not _same_statement(analyzed, by_value):
            # the verb alone ("one runner was taken to hospital", "600 runners took part")
            # does not make two numbers one quantity: their sentences must say the same
            continue
        statements, parts = [], []
        for value in sorted(by_value):
            rows = by_value[value]
            a_index, s_index, figure = min(rows, key=lambda r: (r[0], r[1]))
            citation = _citation(analyzed, a_index, s_index,
                                 sorted({r[0] for r in rows}))
            statements.append(citation)
            outlets = sorted({analyzed[r[0]].article.source or analyzed[r[0]].article.id
                              for r in rows})
            parts.append(f"{figure.label()} ({', '.join(outlets)})")
        what = f"{key[1]} {_EVENT_WORDS.get(key[0], key[0])}"
        found.append((len(set().union(*articles_per_value)),
                      Disagreement("number", f"Reports differ on {what}: " + "; ".join(parts),
                                   statements)))
    found.sort(key=lambda pair: -pair[0])
    return [d for _, d in found[:limit]]


def _same_statement(analyzed: Sequence[AnalyzedArticle],
                    by_value: dict[float, list[tuple[int, int, Figure]]]) -> bool:
    """Do two articles state different values in sentences that say the same thing?"""
    rows = [(value, a, s) for value, found in by_value.items() for a, s, _ in found
            if s < len(analyzed[a].sentence_vectors)]
    for i, (value, a, s) in enumerate(rows):
        for other_value, b, t in rows[i + 1:]:
            if value != other_value and a != b and float(
                    analyzed[a].sentence_vectors[s] @ analyzed[b].sentence_vectors[t]
            ) >= NUMBER_SIMILARITY:
                return True
    return False


_EVENT_WORDS = {"kill": "killed", "injure": "injured", "miss": "missing", "arrest": "arrested",
                "displace": "displaced"}


def denial_disagreements(analyzed: Sequence[AnalyzedArticle],
                         limit: int = MAX_DENIAL) -> list[Disagreement]:
    """A statement in one article and its denial (deny/reject/false ...) in another."""
    denials, claims = [], []
    for a_index, item in enumerate(analyzed):
        text = item.article.text
        for s in item.analysis.sentences:
            if s.index >= len(item.sentence_vectors):
                continue
            (denials if _DENIAL.search(text[s.start:s.end]) else claims).append((a_index, s.index))
    if not denials or not claims:
        return []
    vec = {(a, s): analyzed[a].sentence_vectors[s] for a, s in denials + claims}
    claim_matrix = np.asarray([vec[c] for c in claims], dtype=np.float32)
    found = []
    for d in denials:
        sims = claim_matrix @ vec[d]
        sims[[i for i, c in enumerate(claims) if c[0] == d[0]]] = -1.0  # another outlet's claim
        best = int(np.argmax(sims))
        if sims[best] < DENIAL_SIMILARITY:
            continue
        claim = claims[best]
        claimed, denied = _outlet(analyzed, claim[0]), _outlet(analyzed, d[0])
        found.append((float(sims[best]), Disagreement(
            "denial",
            f"{claimed} reports a claim that {denied} reports being denied" if claimed != denied
            else f"{claimed} reports a claim and, in another article, its denial",
            [_citation(analyzed, claim[0], claim[1], [claim[0]]),
             _citation(analyzed, d[0], d[1], [d[0]])])))
    found.sort(key=lambda pair: -pair[0])
    out, seen = [], set()
    for _, dis in found:
        key = (dis.statements[0].article_id, dis.statements[0].start)
        if key not in seen:
            seen.add(key)
            out.append(dis)
    return out[:limit]


def _outlet(analyzed: Sequence[AnalyzedArticle], index: int) -> str:
    article = analyzed[index].article
    return article.source or f"article {article.id}"


def _citation(analyzed: Sequence[AnalyzedArticle], a_index: int, s_index: int,
              article_indexes: Sequence[int]) -> Citation:
    item = analyzed[a_index]
    s = item.analysis.sentences[s_index]
    others = [analyzed[i].article.id for i in article_indexes if i != a_index]
    return Citation(item.article.text[s.start:s.end], item.article.id, s.start, s.end,
                    [item.article.id, *others])
