"""Who speaks: speech verbs, the subject of a cue, and names for pronouns and descriptions.

A pronoun or a description ("the minister") as speaker is resolved to the latest person named
before it (for a description: named with that title).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storyline.analyze.nlp import lemma
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
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})


@dataclass(slots=True)
class Speaker:
    name: str
    start: int
    end: int
    cue: object  # the spaCy token of the cue


class Resolver:
    """Names for pronouns and descriptions: the latest fitting person named before."""

    def __init__(self, doc, entities: Sequence[Entity]) -> None:
        self.doc = doc
        self.people = [e for e in entities if e.label == "PERSON"]
        self.named = [e for e in entities if e.label in ("PERSON", "ORG", "GPE", "NORP")]
        self.text = doc.text

    def entity_at(self, token) -> Entity | None:
        for e in self.named:
            if e.start <= token.idx < e.end:
                return e
        return None

    def latest_person(self, before: int, title: str | None = None) -> Entity | None:
        best = None
        for e in self.people:
            if e.start >= before:
                break
            if title is not None:
                context = self.text[max(0, e.start - 40):e.start].lower()
                after = self.text[e.end:e.end + 40].lower()
                if title not in context and title not in after:
                    continue
            best = e
        return best

    def speaker(self, subj) -> tuple[str, int, int]:
        """The resolved name and the attributing mention's span for subject token ``subj``."""
        if subj.lower_ in ("who", "that", "which") and subj.head.dep_ == "relcl":
            subj = subj.head.head  # "Kerry, who said ...": the relative clause's noun
        ent = self.entity_at(subj)
        if ent is not None:
            return ent.key, ent.start, ent.end
        # "the mayor, Ana Lopez, said": the name in apposition.
        for child in subj.children:
            if child.dep_ == "appos":
                named = self.entity_at(child)
                if named is not None and named.label == "PERSON":
                    return named.key, subj.left_edge.idx, named.end
        start_tok = subj.left_edge
        while start_tok.i < subj.i and start_tok.dep_ in ("punct", "cc"):
            start_tok = self.doc[start_tok.i + 1]
        span = self.doc[start_tok.i:subj.i + 1]
        # Keep flat name parts after the head ("Mr Kerry Jr"): compound children to the right.
        start, end = span.start_char, span.end_char
        lower = subj.lower_
        if lower in _PERSON_PRONOUNS:
            person = self.latest_person(subj.idx)
            return (person.key if person else subj.text), start, end
        if subj.pos_ == "NOUN" and any(t.lower_ in ("the", "this", "that") for t in span):
            person = self.latest_person(subj.idx, title=subj.lower_)
            if person is not None:
                return person.key, start, end
        return span.text, start, end


def subject(verb):
    for child in verb.children:
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
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.pos_ in ("VERB", "AUX") \
            and verb.head.i != verb.i:
        return subject(verb.head)
    return None


def shift(e: Entity, by: int) -> Entity:
    return Entity(e.text, e.label, e.start + by, e.end + by, e.key) if by else e



def is_cue(token) -> bool:
    return token.pos_ in ("VERB", "AUX") and lemma(token).lower() in SPEECH_VERBS

