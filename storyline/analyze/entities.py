"""Named entities with a key that unites the forms one article uses for the same name.

"John Kerry", "Kerry" and "Mr Kerry" get the key ``John Kerry``: titles are stripped, and
a lone surname (or first name) takes the full PERSON name that ends (or starts) with it in
the same article, the latest one before it, else the first after it.

>>> keys = entity_keys([("John Kerry", "PERSON"), ("Mr Kerry", "PERSON"), ("the UN", "ORG")])
>>> keys
['John Kerry', 'John Kerry', 'UN']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storyline.model import Entity

LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART",
          "LAW"}
TITLES = frozenset("""
mr mrs ms miss dr prof sir dame lord lady president vice prime minister secretary senator sen
rep representative gov governor gen general col colonel lt maj major capt captain adm admiral
king queen prince princess pope judge justice chancellor ambassador mayor premier sheikh
foreign defence defense interior finance state chief deputy former acting candidate nominee
democratic republican attorney speaker leader rev reverend sgt sergeant officer spokesman
spokeswoman
""".split())
# Words right before a name that make it a person's: "Mayor Helena Strand", "Dr Sutter".
PERSON_TITLES = frozenset("""mr mrs ms miss dr prof sir dame lord lady sen rep gov gen col
lt maj capt adm sgt rev president minister senator governor mayor judge justice chancellor
ambassador premier secretary spokesman spokeswoman spokesperson director chairman
chairwoman executive ceo coach prosecutor lawyer attorney councillor councilor detective
inspector officer envoy commissioner negotiator mediator""".split())
_POSSESSIVE = re.compile(r"['’]s?$")
_SPACE = re.compile(r"\s+")


# Words a capitalised sentence start lends a name ("Besides Mexico", "Unlike Spain").
_LEADING_WORDS = frozenset("""besides including unlike despite like in from at after before
during with without as since while although and but or meanwhile also across inside outside
near for to by on of""".split())


_ACRONYM = re.compile(r"[A-Z]{2,5}")
_ROMAN = re.compile(r"[IVX]+")


_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "prof"})


def normal_form(text: str, label: str) -> str:
    """The entity's name without articles, possessives, (for people) titles, a word the
    sentence's start lent it, and trailing punctuation.

    >>> normal_form("Secretary of State John Kerry's", "PERSON")
    'John Kerry'
    >>> normal_form("the United Nations", "ORG"), normal_form("Besides Mexico", "GPE")
    ('United Nations', 'Mexico')
    >>> normal_form("Doug Coates UN", "PERSON"), normal_form("Pope John Paul II", "PERSON")
    ('Doug Coates', 'John Paul II')
    >>> normal_form("Obama Mr Obama", "PERSON"), normal_form("Mr. Tony Hayward", "PERSON")
    ('Obama', 'Tony Hayward')
    """
    name = _SPACE.sub(" ", text.strip())
    name = _POSSESSIVE.sub("", name).strip()
    if name.lower().startswith("the "):
        name = name[4:]
    first, _, rest = name.partition(" ")
    if rest and not first.isupper() and first.lower() in _LEADING_WORDS:
        name = rest  # "Besides Mexico" at a sentence's start: the tagger took the word in
    if label == "PERSON":
        words = name.split(" ")
        # "Secretary of State John Kerry": drop titles and the "of State" they carry.
        while len(words) > 1 and (words[0].lower().rstrip(".") in TITLES
                                  or words[0].lower() in ("of", "the")):
            words = words[1:]
        # "Doug Coates UN" (a caption run into the next line): no one's name ends in an
        # acronym; a roman numeral ("John Paul II") is no acronym.
        while len(words) > 2 and _ACRONYM.fullmatch(words[-1]) and not _ROMAN.fullmatch(
                words[-1]):
            words = words[:-1]
        # "Obama Mr Obama": a caption's name run into the sentence that names him again.
        cut = next((k for k, w in enumerate(words) if k and w.lower().rstrip(".")
                    in _HONORIFICS), None)
        if cut is not None:
            words = words[:cut]
        name = " ".join(words)
    return name.strip(" ,.;:-") or text.strip()


def entity_keys(mentions: Sequence[tuple[str, str]]) -> list[str]:
    """One key per ``(text, label)`` mention, in order (see the module docstring)."""
    forms = [normal_form(text, label) for text, label in mentions]
    full = [(i, f) for i, (f, (_, label)) in enumerate(zip(forms, mentions, strict=True))
            if label == "PERSON" and " " in f]
    keys = []
    for i, (form, (_, label)) in enumerate(zip(forms, mentions, strict=True)):
        if label != "PERSON" or " " in form:
            keys.append(form)
            continue
        last = [(j, f) for j, f in full if f.split(" ")[-1] == form]
        first = [(j, f) for j, f in full if f.split(" ")[0] == form]
        pool = last or first
        before = [f for j, f in pool if j < i]
        keys.append(before[-1] if before else (pool[0][1] if pool else form))
    return keys


# A name that starts or ends with one of these words is a place, whatever the tagger said:
# "Lake Harmon", "Mount Sinai", "Mill Road", "Old Sarn Bridge".
_PLACE_FIRST = frozenset("lake mount mt river cape fort gulf bay isle island".split())
_PLACE_LAST = {"river": "LOC", "valley": "LOC", "lake": "LOC", "mountains": "LOC",
               "island": "LOC", "islands": "LOC", "bay": "LOC", "sea": "LOC", "ocean": "LOC",
               "road": "FAC", "street": "FAC", "avenue": "FAC", "square": "FAC",
               "bridge": "FAC", "lane": "FAC", "airport": "FAC", "stadium": "FAC"}
# Words that open or close a tagged span without being part of the name: "Besides Mexico",
# "Drustan and".
_EDGE_POS = frozenset({"ADP", "SCONJ", "CCONJ", "ADV", "INTJ", "PUNCT", "PART", "VERB", "AUX"})


def _trimmed(span):
    """The span without leading/trailing words that are not part of a name (or None)."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].pos_ in _EDGE_POS or doc[start].is_space) \
            and not doc[start].text[:1].isdigit():
        start += 1
    while end > start and (doc[end - 1].pos_ in _EDGE_POS or doc[end - 1].is_space):
        end -= 1
    return doc[start:end] if end > start else None


def _place_label(words: list[str], label: str) -> str:
    """LOC/FAC for names shaped like places ("Lake Harmon"), else ``label``."""
    if label not in ("PERSON", "ORG", "NORP", "FAC") or len(words) < 2:
        return label
    if words[0].lower() in _PLACE_FIRST:
        return "LOC"
    if label == "FAC":
        return label
    return _PLACE_LAST.get(words[-1].lower(), label)


def read_entities(doc, offset: int = 0) -> list[Entity]:
    """Named entities of a spaCy Doc with keys (``offset`` shifts the spans).

    Spans are trimmed of words that are no part of the name, a wire dateline ("BRANDON,
    March 10 (Wire) - ") gives none, a name shaped like a place is one, and a single word
    that is a person's surname in the same article ("Vell" after "Tomas Vell", tagged ORG)
    is that person.
    """
    from storyline.text.datelines import dateline_end

    dateline = dateline_end(doc.text)
    ents = []
    for e in doc.ents:
        if e.label_ not in LABELS or e.start_char < dateline:
            continue
        span = _trimmed(e)
        if span is None or not span.text.strip():
            continue
        if len(span) == 1 and span[0].pos_ != "PROPN" and e.label_ != "NORP":
            continue  # "Schools", "Council", "crown": a common word, not a name
        before = [t.lower_.rstrip(".") for t in doc[max(0, span.start - 2):span.start]]
        if len(span) == 1 and before[-1:] == ["of"] and before[0] in TITLES:
            continue  # "Secretary of State": part of a title
        label = e.label_
        if label in ("ORG", "GPE", "NORP", "LOC") and before and before[-1] in PERSON_TITLES:
            label = "PERSON"  # "Mayor Helena Strand", whatever the tagger said
        ents.append((span, _place_label(span.text.split(), label)))
    people = {normal_form(span.text, "PERSON") for span, label in ents if label == "PERSON"}
    surnames = {p.split(" ")[-1] for p in people if " " in p}
    labels = [
        "PERSON" if label in ("ORG", "GPE", "NORP", "LOC") and (
            normal_form(span.text, "PERSON") in people
            or normal_form(span.text, "PERSON") in surnames) else label
        for span, label in ents]
    keys = entity_keys([(span.text, label) for (span, _), label in zip(ents, labels,
                                                                        strict=True)])
    return [Entity(span.text, label, span.start_char + offset, span.end_char + offset, key)
            for (span, _), label, key in zip(ents, labels, keys, strict=True)]
