"""The digest's people, places and organizations: one entry per entity across the story.

The analyzer unites the forms of a name within one article (``Entity.key``); across the
story's articles this module unites

- a surname with the one full name that ends with it ("Kerry" -> "John Kerry"),
- spellings of one person's name ("Sergei Lavrov", "Sergey Lavrov": same surname, first
  names one or two letters apart),
- a country's forms (pycountry's names and codes: "U.S.", "US", "USA", "United States"),
- an acronym with the name it abbreviates ("UN" -> "United Nations"),

and takes each entry's type by vote over its mentions; a demonym ("Velorian" beside
"Veloria") is a nationality, not an entity, and makes its base a place.

>>> merged = unite([("John Kerry", "PERSON", 3), ("Kerry", "PERSON", 2),
...                 ("Sergei Lavrov", "PERSON", 1), ("Sergey Lavrov", "PERSON", 1),
...                 ("U.S.", "GPE", 2), ("United States", "GPE", 1), ("USA", "ORG", 1)])
>>> merged
[('John Kerry', 'PERSON', 5), ('United States', 'GPE', 4), ('Sergei Lavrov', 'PERSON', 2)]
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

MAIN_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"})
_DEMONYM_ENDINGS = ("n", "an", "ian", "i", "ese", "ish")
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "de", "du", "la"})


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Lower-cased country names and codes -> the country's short name."""
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        short = getattr(c, "common_name", None) or c.name.split(",")[0]
        for form in (c.alpha_2, c.alpha_3, c.name, getattr(c, "official_name", None),
                     getattr(c, "common_name", None), c.name.split(",")[0]):
            if form:
                out.setdefault(form.lower(), short)
    for form in ("ru", "rus", "russia", "russian federation"):  # not "Russian Federation"
        out[form] = "Russia"
    return out


def _country(name: str) -> str | None:
    plain = name.replace(".", "").strip().lower()
    if plain.startswith("the "):
        plain = plain[4:]
    return _countries().get(plain)


def _initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w.lower() not in _SMALL_WORDS]
    return "".join(w[0] for w in words if w[:1].isupper()) if len(words) > 1 else ""


def _same_person(a: str, b: str) -> bool:
    """Two full names of one person: same surname, first names spelled a little apart."""
    wa, wb = a.split(), b.split()
    if len(wa) < 2 or len(wb) < 2 or wa[-1] != wb[-1] or len(wa) != len(wb):
        return False
    first_a, first_b = " ".join(wa[:-1]), " ".join(wb[:-1])
    if first_a[0] != first_b[0]:
        return False
    return difflib.SequenceMatcher(None, first_a, first_b).ratio() >= 0.8


def unite(mentions: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """(name, label, count) forms -> one (name, label, count) per entity, most counted first.

    The name shown is the entity's fullest common form; the label is the one most of its
    mentions carry.
    """
    return sorted(set(_united(mentions).values()), key=lambda t: (-t[2], t[0]))


def _united(mentions: Iterable[tuple[str, str, int]]) -> dict[str, tuple[str, str, int]]:
    """Each form -> the (name, label, count) of the entity it belongs to."""
    counts: Counter[str] = Counter()
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for name, label, n in mentions:
        counts[name] += n
        labels[name][label] += n
    names = sorted(counts, key=lambda k: (-counts[k], k))
    target: dict[str, str] = {name: name for name in names}

    def root(name: str) -> str:
        while target[name] != name:
            name = target[name]
        return name

    plain: dict[str, str] = {}
    for name in names:  # "U.S." and "US", "the Senate" and "Senate": one form leads
        key = name.replace(".", "").casefold()
        if key in plain:
            target[name] = plain[key]
        else:
            plain[key] = name

    people = [n for n in names if labels[n].most_common(1)[0][0] == "PERSON"]
    full = [n for n in people if " " in n]
    for i, a in enumerate(full):  # spellings of one full name: the more common form leads
        for b in full[:i]:
            if _same_person(a, b):
                target[root(a)] = root(b)
                break
    # Longer names by their last word (full names of people) and by their first or last
    # word (the others), so that each single word looks up only the names it can join.
    full_by_last: dict[str, list[str]] = defaultdict(list)
    for f in full:
        full_by_last[f.split()[-1]].append(f)
    full_set = set(full)
    other_by_edge: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for f in names:
        if " " in f and f not in full_set:
            words = f.split()
            for edge in {words[0], words[-1]}:
                other_by_edge[edge].append((f, labels[f].most_common(1)[0][0]))
    for name in names:
        if " " in name or (len(name.replace(".", "")) > 1 and name.replace(".", "").isupper()):
            continue  # an acronym joins the name it abbreviates (below), not "UN Security
            # Council" because it starts with "UN"
        # A surname: its one full name ("Kerry" -> "John Kerry"); else the one longer name
        # of its kind that starts or ends with it ("Harmon" -> "Harmon Corp").
        label = labels[name].most_common(1)[0][0]
        owners = {root(f) for f in full_by_last.get(name, ())}
        if label != "PERSON":
            owners |= {root(f) for f, f_label in other_by_edge.get(name, ())
                       if f_label == label}
        if not owners and label not in ("GPE", "LOC"):
            # No person carries it: a word the tagger called a person or an organization
            # is the one company or place named with it ("Harmon expected ..." beside
            # "Harmon Corp", "in Redfern" beside "Redfern County"), and takes its type. A
            # place word is not ("Valecrest" beside "Valecrest Athletic Club").
            others = {f for f, _ in other_by_edge.get(name, ())}
            if len({root(f) for f in others}) == 1:
                owner = others.pop()
                labels[name] = Counter({labels[owner].most_common(1)[0][0]: counts[name]})
                owners = {root(owner)}
        if len(owners) == 1:
            target[root(name)] = owners.pop()
    countries: dict[str, str] = {}
    for name in names:
        country = _country(name)
        if country is not None and labels[name]["PERSON"] < counts[name]:
            if country in countries:
                target[root(name)] = root(countries[country])
            else:
                countries[country] = name
    by_initials: dict[str, list[str]] = defaultdict(list)
    for o in names:
        by_initials[_initials(o)].append(o)
    for name in names:  # "UN", "U.N." -> "United Nations": the one name it abbreviates
        short = name.replace(".", "")
        if " " in name or not short.isupper() or len(short) < 2:
            continue
        spelled = {root(o) for o in by_initials.get(short, ())}
        if len(spelled) == 1:
            target[root(name)] = spelled.pop()
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[root(name)].append(name)
    out: dict[str, tuple[str, str, int]] = {}
    for lead, members in groups.items():
        total = sum(counts[m] for m in members)
        votes: Counter[str] = Counter()
        for m in members:
            votes.update(labels[m])
        shown = _shown_name(lead, members, counts)
        country = _country(shown)
        label = votes.most_common(1)[0][0]
        if country is not None and label != "PERSON":
            shown, label = country, "GPE"
        for m in members:
            out[m] = (shown, label, total)
    return out


def _shown_name(lead: str, members: Sequence[str], counts: Counter[str]) -> str:
    """The most mentioned multi-word form (a full name beats a surname), else the lead."""
    full = [m for m in members if " " in m]
    return max(full, key=lambda m: counts[m]) if full else lead


def _demonyms(names: Iterable[str]) -> set[str]:
    """Names that are another name plus a demonym ending ("Velorian" beside "Veloria")."""
    pool = set(names)
    out = set()
    for name in pool:
        if " " in name:
            continue
        for ending in _DEMONYM_ENDINGS:
            base = name[:-len(ending)] if name.endswith(ending) else ""
            if len(base) >= 3 and (base in pool or base + "a" in pool):
                out.add(name)
    return out


_PLACE_BEFORE = frozenset({"in", "near", "outside", "across", "around", "throughout",
                           "between", "through"})
# "the town of Brandon", "residents of Kesh": "of" after these nouns names a place.
_PLACE_OF = frozenset("""town towns city cities village villages streets street residents
region province district capital outskirts centre center port suburb county""".split())


def _place_context(text: str, start: int) -> bool:
    before = text[max(0, start - 30):start].lower().split()
    if not before:
        return False
    if before[-1] in _PLACE_BEFORE:
        return True
    return len(before) >= 2 and before[-1] == "of" and before[-2] in _PLACE_OF


# First words of place names in Arabic-speaking countries (garden, valley, monastery,
# village, hill, spring, gate, well, quarter), never a first name.
_TOPONYM_FIRST = frozenset("""bustan wadi jabal jebel deir dayr kafr tal tell ain bab bir
hayy khirbet nahr souq souk""".split())
_PLACE_NOUN = re.compile(r"\s+(river|lake|valley|bay|bridge|road|street|county|mountains?)\b")


def _with_place_noun(name: str, label: str, text: str, end: int) -> tuple[str, str]:
    """"the Harmon river": a one-word name before a lower-case place noun is that place
    (the tagger often calls it a person), not the lake or company of the same name.

    >>> _with_place_noun("Harmon", "PERSON", "The Harmon river rose.", 10)
    ('Harmon river', 'LOC')
    """
    found = _PLACE_NOUN.match(text, end) if " " not in name else None
    if found is None:
        return name, label
    noun = found.group(1)
    return f"{name} {noun}", "FAC" if noun in ("bridge", "road", "street") else "LOC"


def _before_comma(name: str) -> str:
    """A tagged span that runs over a comma is cut there ("Eastbridge, Transport"), unless
    what follows is a country or an abbreviation ("Paris, France", "Washington, D.C.").

    >>> _before_comma("Eastbridge, Transport"), _before_comma("Paris, France")
    ('Eastbridge', 'Paris, France')
    """
    head, sep, rest = name.partition(", ")
    if not sep or _country(rest) is not None or "." in rest:
        return name
    return head


def _forms(analyzed) -> list[tuple[str, str, int]]:
    """(name, label, mentions) of every entity form in the story's analyses. A one-word
    name the tagger called a person counts as a place where the text says "in"/"near" it."""
    forms: Counter[tuple[str, str]] = Counter()
    for item in analyzed:
        text = item.article.text or ""
        for e in item.analysis.entities:
            name = " ".join((e.key or e.text).split()).removeprefix("the ").strip(" .")
            if not name:
                continue
            label = e.label
            if label == "PERSON" and " " not in name and _place_context(text, e.start):
                label = "GPE"
            if label == "PERSON" and name.split()[0].lower() in _TOPONYM_FIRST \
                    and " " in name:
                label = "LOC"  # "Bustan al-Qasr", "Deir ez-Zor": named like a place
            name, label = _with_place_noun(name, label, text, e.end)
            name = _before_comma(name)
            forms[(name, label)] += 1
    # The story's own outlets ("told the Harbor Ledger") report the news; they are not in it.
    outlets = {" ".join(item.article.source.split()).removeprefix("the ").lower()
               for item in analyzed if item.article.source}
    # (An outlet's short name, "seen by Kestrel", stays: a place can share it, "Valecrest"
    # beside the Valecrest Times, and the tagger's labels do not tell them apart.)
    forms = Counter({k: n for k, n in forms.items() if k[0].lower() not in outlets})
    demonyms = _demonyms(name for name, _ in forms)
    places = {name[:-len(end)] for name in demonyms for end in _DEMONYM_ENDINGS
              if name.endswith(end)}
    out = []
    for (name, label), n in forms.items():
        if name in demonyms or label == "NORP":
            continue
        if name in places or name + "a" in places or name.rstrip("a") in places:
            label = "GPE"
        out.append((name, label, n))
    return out


def top_entities(analyzed, limit: int) -> list[tuple[str, str, int]]:
    """(name, label, mentions) of the story's most mentioned people, organizations and
    places, one entry per entity (see the module docstring)."""
    united = unite(_forms(analyzed))
    return [t for t in united if t[1] in MAIN_ENTITY_LABELS][:limit]


def story_names(analyzed) -> dict[str, str]:
    """Each person's name as an article gives it -> the story's name for that person
    ("Kerry" -> "John Kerry", "Sergey Lavrov" -> "Sergei Lavrov")."""
    united = _united(_forms(analyzed))
    names = {form: name for form, (name, label, _) in united.items()
             if label == "PERSON" and form != name}
    owners: dict[str, set[str]] = defaultdict(set)
    for name, label, _ in united.values():
        if label == "PERSON" and " " in name:
            owners[name.split()[-1]].add(name)
    for surname, full in owners.items():  # a surname no entity form carries ("Keel said")
        if len(full) == 1:
            names.setdefault(surname, next(iter(full)))
    return names
