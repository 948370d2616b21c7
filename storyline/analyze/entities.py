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
_POSSESSIVE = re.compile(r"['’]s?$")
_SPACE = re.compile(r"\s+")


def normal_form(text: str, label: str) -> str:
    """The entity's name without articles, possessives and (for people) titles.

    >>> normal_form("Secretary of State John Kerry's", "PERSON")
    'John Kerry'
    >>> normal_form("the United Nations", "ORG")
    'United Nations'
    """
    name = _SPACE.sub(" ", text.strip())
    name = _POSSESSIVE.sub("", name).strip()
    if name.lower().startswith("the "):
        name = name[4:]
    if label == "PERSON":
        words = name.split(" ")
        # "Secretary of State John Kerry": drop titles and the "of State" they carry.
        while len(words) > 1 and (words[0].lower().rstrip(".") in TITLES
                                  or words[0].lower() in ("of", "the")):
            words = words[1:]
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


def read_entities(doc, offset: int = 0) -> list[Entity]:
    """Named entities of a spaCy Doc with keys (``offset`` shifts the spans)."""
    ents = [e for e in doc.ents if e.label_ in LABELS and e.text.strip()]
    keys = entity_keys([(e.text, e.label_) for e in ents])
    return [Entity(e.text, e.label_, e.start_char + offset, e.end_char + offset, key)
            for e, key in zip(ents, keys, strict=True)]
