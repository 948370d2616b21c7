"""Numbers and what they count: "at least 18 people were killed" -> 18, "at least",
"people", "kill".

spaCy's CARDINAL entities give the number (often with its qualifier inside: "At least 18");
the dependency parse gives the counted noun (the number's head) and the event (the first
verb above it).

>>> parse_number("2,000"), parse_number("3.5 million"), parse_number("two dozen")
(2000.0, 3500000.0, 24.0)
"""

from __future__ import annotations

import re

from storyline.analyze.nlp import lemma
from storyline.model import NumberMention
from storyline.text.numbers import DOZEN, SCALES, TENS, UNITS

QUALIFIERS = [
    "at least", "more than", "less than", "fewer than", "as many as", "up to", "at most",
    "no fewer than", "no more than", "nearly", "almost", "about", "around", "approximately",
    "roughly", "some", "over", "under", "close to", "an estimated", "estimated", "just over",
    "just under", "well over", "upwards of", "only", "exactly", "a further", "another",
]
_QUALIFIER = re.compile(r"^(?:" + "|".join(sorted((re.escape(q) for q in QUALIFIERS),
                                                   key=len, reverse=True)) + r")\b\s*", re.I)
_WORDS = {**UNITS, **TENS, "a": 1, "an": 1}
_SCALES = {**SCALES, "dozen": DOZEN, "dozens": DOZEN, "hundreds": 100, "thousands": 1000,
           "millions": 1e6, "m": 1e6, "bn": 1e9}
# Digits joined by a colon or a dash (2:22:48, 3-2) or two numerals side by side: a time, a
# score or a range, never one count.
_NOT_A_COUNT = re.compile(r"\d\s*[:\u2013-]\s*\d|\d\s+\d")
# "at 8.30", "8.45 am", "by 10.15 on Sunday morning": a time of day written with a point.
_CLOCK = re.compile(r"^\d{1,2}[.:]\d{2}$")
_CLOCK_BEFORE = {"at", "by", "until", "till", "from", "before", "after", "around", "since"}
_CLOCK_AFTER = re.compile(r"^\s*(?:a\.?m\b|p\.?m\b|h\b|hrs\b|hours\b|gmt\b|utc\b|bst\b|"
                          r"local time|in the (?:morning|afternoon|evening)|on \w+day "
                          r"(?:morning|afternoon|evening|night))", re.I)
# Dependency labels by which a counted noun hangs under its verb.
_NOUN_HEADS = {"nummod", "quantmod", "compound"}


def parse_number(text: str) -> float | None:
    """The value of a written number ("1,200", "3.5 million", "twenty-five", "dozens").

    Clock times, race times and scores are not counts: "2:22:48" and "3-2" give None.

    >>> parse_number("2:22:48"), parse_number("3-2"), parse_number("twenty-five")
    (None, None, 25.0)
    """
    if _NOT_A_COUNT.search(text):
        return None
    words = re.findall(r"[\d.,]+|[a-z]+", text.lower().replace("-", " "))
    total, current, seen = 0.0, 0.0, False
    for word in words:
        if word[0].isdigit() or (word[0] == "." and word[1:2].isdigit()):
            try:
                current += float(word.replace(",", ""))
            except ValueError:
                return None
            seen = True
        elif word in _WORDS:
            current += _WORDS[word]
            seen = True
        elif word in _SCALES:
            scale = _SCALES[word]
            current = (current or 1) * scale
            if scale >= 1000:
                total, current = total + current, 0.0
            seen = True
        elif word == "and":
            continue
        else:
            return None
    return total + current if seen else None


def _qualifier(ent) -> tuple[str | None, int]:
    """The qualifier inside the entity ("At least 18") or just before it ("killed over 30")."""
    m = _QUALIFIER.match(ent.text)
    if m:
        return m.group(0).strip().lower(), m.end()
    doc = ent.doc
    before = doc[max(0, ent.start - 3):ent.start].text.lower()
    for q in sorted(QUALIFIERS, key=len, reverse=True):
        if before.endswith(q) and (len(before) == len(q) or not before[-len(q) - 1].isalpha()):
            return q, 0
    return None, 0


def read_numbers(doc, sentence_of, offset: int = 0) -> list[NumberMention]:
    """Every CARDINAL number in ``doc`` with qualifier, counted noun and event."""
    out: list[NumberMention] = []
    for ent in doc.ents:
        if ent.label_ != "CARDINAL":
            continue
        qualifier, cut = _qualifier(ent)
        value = parse_number(ent.text[cut:])
        if value is None or _time_of_day(ent):
            continue
        root = ent.root
        unit = event = None
        noun = root.head if root.dep_ in _NOUN_HEADS and root.head.pos_ in ("NOUN", "PROPN") \
            else None
        if noun is None and root.dep_ == "pobj" and root.head.lower_ == "of":
            noun = None  # "1,200 of them": the count of an earlier noun, not known here
        if noun is not None:
            unit = lemma(noun).lower()
        elif root.pos_ == "NUM" and root.dep_ in ("nsubj", "nsubjpass", "dobj"):
            unit = None  # "2,000 wounded": the number stands for the people themselves
        anchor = noun if noun is not None else root
        for ancestor in [anchor, *anchor.ancestors]:
            if ancestor.pos_ in ("VERB",) or (ancestor.pos_ == "AUX" and ancestor.dep_ == "ROOT"):
                event = lemma(ancestor).lower()
                break
        start = ent.start_char + offset
        out.append(NumberMention(value=value, text=ent.text, start=start,
                                 end=ent.end_char + offset, qualifier=qualifier, unit=unit,
                                 event=event, sentence=sentence_of(start)))
    return out


def _time_of_day(ent) -> bool:
    """Is this number a time of day ("the start is at 8.30 on Sunday morning")?"""
    text = ent.text.strip()
    if not _CLOCK.match(text):
        return False
    before = ent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
    after = ent.doc.text[ent.end_char:ent.end_char + 40]
    return before in _CLOCK_BEFORE or bool(_CLOCK_AFTER.match(after))
