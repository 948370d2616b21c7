"""Who speaks: speech verbs, the subject of a cue, and names for pronouns and descriptions.

A pronoun or a description ("the minister") as speaker is resolved to the latest person named
before it (for a description: named with that title).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storyline.analyze.nlp import lemma as spacy_lemma
from storyline.analyze.quote_marks import text_of
from storyline.analyze.settings import SETTINGS
from storyline.model import Entity

SPEECH_VERBS = frozenset("""
say tell add ask claim deny insist argue warn announce state explain note acknowledge admit
report write tweet declare reply respond answer complain suggest predict promise urge describe
confirm recall conclude stress emphasize emphasise maintain contend assert allege testify
reveal accuse charge joke quip vow pledge boast concede observe agree lament demand caution
threaten estimate indicate learn believe think hope fear worry acknowledge reiterate repeat
counter retort mention brag posit speculate write post continue point echo interrupt read
chant show find cite dismiss praise mock ridicule propose refuse rule blast slam criticize
criticise question tout
""".split())
# Verbs that take a quote only with a clause ("think", "believe", "a poll shows"): never a
# direct-quote cue.
BELIEF = frozenset({"believe", "think", "hope", "fear", "worry", "learn", "estimate", "show",
                     "find", "cite", "rule", "propose", "refuse", "praise", "question"})
_LEMMAS: dict[tuple[int, int, int], str] = {}


def lemma(token) -> str:
    """``nlp.lemma`` remembered per word form, POS and tag: the readers ask for the lemma of
    every verb of every article, and the rule lemmatizer costs ~0.1 ms a call."""
    key = (token.orth, token.pos, token.tag)
    found = _LEMMAS.get(key)
    if found is None:
        if len(_LEMMAS) > 200_000:
            _LEMMAS.clear()
        found = _LEMMAS[key] = spacy_lemma(token)
    return found


_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})


@dataclass(slots=True)
class Speaker:
    name: str
    start: int
    end: int
    cue: object  # the spaCy token of the cue


# Descriptions that stand for one named person ("the minister said" after "Foreign
# Minister Petra Lind"); institutions ("the ministry", "the prosecution") are not resolved.
PERSON_TITLES = frozenset("""minister president secretary spokesman spokeswoman spokesperson
mayor governor senator chancellor judge prosecutor lawyer attorney director chief leader
candidate nominee chairman chairwoman chair ceo executive coach manager ambassador envoy
premier king queen prince general colonel commander captain officer inspector engineer
""".split())
_MALE = frozenset({"mr", "sir", "lord", "king", "prince", "he", "him", "his"})
_FEMALE = frozenset({"ms", "mrs", "miss", "lady", "queen", "princess", "dame", "she", "her"})


class Resolver:
    """Names for pronouns and descriptions, and the speaker span of a cue's subject.

    A subject pronoun ("he said") stands for a person who is the subject of one of the two
    sentences before it (or a pronoun already resolved there) and whose gender, where the
    article shows it ("Mr", "Ms", an earlier "she"), agrees. When two people fit, or none,
    the pronoun stays unresolved: a wrong name is worse than none.
    """

    def __init__(self, doc, entities: Sequence[Entity], dateline: int = 0) -> None:
        self.doc = doc
        self.people = [e for e in entities if e.label == "PERSON"]
        self.named = [e for e in entities if e.label in ("PERSON", "ORG", "GPE", "NORP")]
        self.text = text_of(doc)
        self.dateline = dateline
        self.resolved = self._resolve_pronouns()

    def entity_at(self, token) -> Entity | None:
        for e in self.named:
            if e.start <= token.idx < e.end:
                return e
        return None

    def _person_at(self, token) -> Entity | None:
        e = self.entity_at(token)
        return e if e is not None and e.label == "PERSON" else None

    def _surname_at(self, token) -> Entity | None:
        """A person the tagger missed here but named in full elsewhere in the article
        ("Okafor said that he ...", after "Brandon Okafor"): one full name ends with it."""
        if token.pos_ != "PROPN" or self.entity_at(token) is not None:
            return None
        named = {e.key: e for e in self.people
                 if " " in e.key and e.key.rsplit(" ", 1)[-1] == token.text}
        return next(iter(named.values())) if len(named) == 1 else None

    def _resolve_pronouns(self) -> dict[int, Entity]:
        """Token index of each subject "he"/"she" -> the person it stands for, in one pass."""
        gender: dict[str, str] = {}
        for e in self.people:
            title = self.text[max(0, e.start - 6):e.start].lower().replace(".", " ").split()
            if title and (title[-1] in _MALE or title[-1] in _FEMALE):
                gender.setdefault(e.key, "m" if title[-1] in _MALE else "f")
        resolved: dict[int, Entity] = {}
        recent: list[list[tuple[Entity, bool]]] = []  # per sentence: (person, main clause?)
        for sent in self.doc.sents:
            here: list[tuple[Entity, bool]] = []
            window = [c for s in recent[-SETTINGS.pronoun_window:] for c in s]
            for tok in sent:
                if tok.dep_ not in ("nsubj", "nsubjpass") and not (
                        tok.dep_ in ("dobj", "attr") and lemma(tok.head) == "say"):
                    continue
                if tok.lower_ in ("he", "she"):
                    want = "m" if tok.lower_ == "he" else "f"
                    # "Hennessy said that he would appeal": this sentence's own main
                    # subject first, then the subjects of the sentences before.
                    fits = {e.key: e for e, main in here if main
                            and gender.get(e.key, want) == want}
                    if not fits:
                        fits = {e.key: e for e, main in window if main
                                and gender.get(e.key, want) == want}
                    if not fits:  # no person leads a main clause: any subject, if only one
                        fits = {e.key: e for e, _ in window if gender.get(e.key, want) == want}
                    if len(fits) == 1:
                        [person] = fits.values()
                        resolved[tok.i] = person
                        gender.setdefault(person.key, want)
                        here.append((person, _leads(tok)))
                    continue
                person = self._person_at(tok) or self._surname_at(tok)
                if person is None:  # "the mayor, Ana Lopez, said": the name in apposition
                    person = next((p for c in tok.children if c.dep_ == "appos"
                                   for p in [self._person_at(c)] if p is not None), None)
                if person is not None:
                    here.append((person, _leads(tok)))
            recent.append(here)
        return resolved

    def latest_person(self, before: int, title: str) -> Entity | None:
        """The latest person named in full before ``before`` with ``title`` beside the name
        ("the minister" after "Foreign Minister Petra Lind")."""
        best = None
        for e in self.people:
            if e.start >= before:
                break
            if " " not in e.key:
                continue
            context = self.text[max(0, e.start - 40):e.start].lower()
            after = self.text[e.end:e.end + 40].lower()
            if title in context or title in after:
                best = e
        return best

    def speaker(self, subj) -> tuple[str, int, int] | None:
        """The resolved name and the attributing mention's span for subject token ``subj``
        (None when the subject is no speaker: a wire dateline, a misparsed phrase)."""
        if subj.lower_ in ("who", "that", "which") and subj.head.dep_ == "relcl":
            # "Kerry, who said ...": the relative clause's noun names the speaker; the
            # relative pronoun is the mention that attributes the statement.
            found = self.speaker(subj.head.head)
            return found and (found[0], subj.idx, subj.idx + len(subj.text))
        if subj.idx < self.dateline:
            # "BRANDON, March 3 (Wire) - Maria Alvarez ... denied": the parser took the
            # dateline for the subject; the name after it (in apposition) is the speaker.
            subj = next((t for t in subj.subtree if t.idx >= self.dateline
                         and t.dep_ == "appos"), None)
            if subj is None:
                return None
        ent = self.entity_at(subj)
        if ent is not None and ent.label != "NORP":  # "the Drustani government": the phrase
            return ent.key, ent.start, ent.end
        # "the mayor, Ana Lopez, said", "Outside court, Alvarez's lawyer, Paul Hennessy,
        # told": the name in apposition (also an apposition's apposition).
        appositions = [c for c in subj.children if c.dep_ == "appos"]
        while appositions:
            child = appositions.pop(0)
            named = self.entity_at(child)
            if named is not None and named.label == "PERSON":
                return named.key, subj.left_edge.idx, named.end
            appositions += [c for c in child.children if c.dep_ == "appos"]
        start_tok = subj.left_edge
        while start_tok.i < subj.i and start_tok.dep_ in ("punct", "cc"):
            start_tok = self.doc[start_tok.i + 1]
        if start_tok.pos_ in ("ADP", "ADV", "SCONJ") and start_tok.i < subj.i \
                and start_tok.head.pos_ != "NUM":
            # "Outside court, ... told": a misparse, no speaker ("About 9 percent said" is
            # a share of those asked: the adverb qualifies the number)
            return None
        span = self.doc[start_tok.i:subj.i + 1]
        start, end = span.start_char, span.end_char
        lower = subj.lower_
        if lower in _PERSON_PRONOUNS:
            person = self.resolved.get(subj.i)
            return (person.key if person else subj.text), start, end
        if span.text == subj.text and (person := self._surname_at(subj)) is not None:
            return person.key, start, end  # "Okafor said", untagged: "Brandon Okafor"
        if subj.pos_ == "NOUN" and subj.lower_ in PERSON_TITLES \
                and any(t.lower_ in ("the", "this", "that") for t in span):
            person = self.latest_person(subj.idx, title=subj.lower_)
            if person is not None:
                return person.key, start, end
        return span.text, start, end


def _leads(tok) -> bool:
    """Is ``tok`` the subject of its sentence's main clause (or of a verb joined to it)?"""
    head = tok.head
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    return head.dep_ == "ROOT"


def subject(verb, inside=None):
    """The subject of a speech verb; ``inside(offset)`` marks text inside quotation marks.

    A subject inside the marks is the quote's own ("And $410,000 ... her family," Keel
    said: spaCy hangs both "410,000" and "Keel" on "said"), so the next one is taken.
    """
    for child in verb.children:
        if inside is not None and inside(child.idx):
            continue
        if child.dep_ in ("nsubj", "nsubjpass"):
            # "9:30 p.m. Trump says": a time stamp parsed as the subject is nobody.
            if child.ent_type_ in ("TIME", "DATE") and child.pos_ != "PRON":
                return None
            return child
    # "…, said the minister, …": some parses hang the speaker as dobj/attr after the verb.
    if lemma(verb) == "say":
        for child in verb.rights:
            if child.dep_ in ("dobj", "attr", "nsubj") and child.pos_ in ("PROPN", "NOUN") \
                    and child.ent_type_ not in ("DATE", "TIME"):
                return child
    # A conjoined verb shares its subject ("He paused and added: ..."), a participle takes
    # its clause's ("..., saying that ...").
    # Not a passive participle: in "Asked whether ..., he said" he was asked, not asking.
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.pos_ in ("VERB", "AUX") \
            and verb.head.i != verb.i and not (verb.dep_ == "advcl" and verb.tag_ == "VBN"):
        return subject(verb.head, inside)
    return None


def shift(e: Entity, by: int) -> Entity:
    return Entity(e.text, e.label, e.start + by, e.end + by, e.key) if by else e



def is_cue(token) -> bool:
    return token.pos_ in ("VERB", "AUX") and lemma(token).lower() in SPEECH_VERBS


def addressee(cue) -> str:
    """Whom a speaker told: "reporters" in "told reporters that ...", "" when no one is named.

    The object of "tell" (and of "assure", "inform", "warn") is part of what a reader needs:
    "Lind told reporters" is not "Lind told".
    """
    if lemma(cue) not in ("tell", "assure", "inform", "warn", "brief"):
        return ""
    for child in cue.children:
        if child.dep_ in ("dobj", "dative", "iobj") and child.i > cue.i \
                and child.pos_ in ("NOUN", "PROPN", "PRON"):
            toks = [t for t in child.subtree if not t.is_punct]
            if toks and len(toks) <= 6:
                return cue.doc[toks[0].i:toks[-1].i + 1].text
    return ""

