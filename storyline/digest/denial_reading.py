"""Reading denials: the sentences whose verb denies something said, and who denies it.

A sentence is a candidate when a denial word occurs in it (``DENY_PATTERN``); the
dependency parse then finds the denying verb, its subject (who denies) and its object (what
is denied), and, where the same sentence says it, whose claim that was. What is rejected
must be something said: "the judge rejected a defence request" is a decision
(``NOT_CLAIMS``). ``storyline.digest.denials`` pairs each denial with its claim.

>>> bool(DENY_PATTERN.search("Moscow rejects the charges")), same_party("the US", "US")
(True, True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.analyze.pipeline import AnalyzedArticle

DENY_PATTERN = re.compile(r"\b(?:den(?:y|ies|ied|ying|ial)|reject\w*|dismiss\w*|refut\w*|rebut\w*|"
                   r"disput\w*)\b", re.I)
DENY_LEMMAS = {"deny", "reject", "dismiss", "refute", "rebut", "dispute"}
# A statement that accuses (accuse, allege, claim, blame, charge), read from its cue verb.
ACCUSES_PATTERN = re.compile(r"\b(?:accus|alleg|claim|blam|charg)\w*", re.I)
SAY_LEMMAS = {"say", "claim", "accuse", "allege", "blame", "report", "insist", "assert",
              "charge", "tell", "state", "maintain", "contend", "suggest"}
CLAIM_NOUNS = {"claim", "charge", "accusation", "allegation", "report", "assertion",
               "suggestion", "account", "statement", "story", "rumour", "rumor", "version",
               "it", "this", "that", "them", "these", "those", "idea"}
# "denied the allegations": what is denied was stated just before.
ANAPHORIC_NOUNS = {"claim", "allegation", "accusation", "assertion", "suggestion", "report"}
# Things one rejects or dismisses that nobody claimed.
NOT_CLAIMS = {"request", "motion", "appeal", "offer", "proposal", "bid", "plea", "application",
              "call", "demand", "plan", "deal", "resignation", "invitation", "petition",
              "case", "lawsuit", "suit", "bail", "amendment", "bill", "candidate", "nomination",
              "idea", "option", "approach", "compromise", "terms", "entry", "visa", "asylum"}
POSSESSIVE_PRONOUNS = {"its", "their", "his", "her", "our", "my", "your", "whose"}
PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "who", "which", "that", "what"}


@dataclass(frozen=True, slots=True)
class Denial:
    """A denying sentence as the parse reads it."""

    article: int
    sentence: int
    denier: str
    verb: str
    claimant: str | None = None  # when the sentence itself says whose claim it denies
    generic: bool = False  # what is denied is only named ("the claim", "it"): read around it
    passive: bool = False  # "the offer was rejected": who denies is not said
    anaphoric: bool = False  # "denied the allegations", "rejected it": points back


def read_denials(analyzed: Sequence[AnalyzedArticle]) -> list[Denial]:
    """Every sentence of the story that denies something said, with who denies it."""
    candidates = []
    for a_index, item in enumerate(analyzed):
        text = item.article.text
        for s in item.analysis.sentences:
            if DENY_PATTERN.search(text[s.start:s.end]):
                candidates.append((a_index, s.index, text[s.start:s.end]))
    if not candidates:
        return []
    from storyline.analyze.nlp import lemma, nlp

    out = []
    for (a_index, s_index, _), doc in zip(candidates, nlp().pipe(c[2] for c in candidates),
                                          strict=True):
        for token in doc:
            if token.pos_ != "VERB" or lemma(token).lower() not in DENY_LEMMAS:
                continue
            denial = _read(analyzed[a_index], a_index, s_index, token, lemma)
            if denial is not None:
                out.append(denial)
                break
    return out


def _read(item: AnalyzedArticle, a_index: int, s_index: int, verb, lemma) -> Denial | None:
    subject = _subject(verb)
    if subject is not None and subject.text.isupper() and len(subject.text) > 3:
        # a dateline ("PORT CALLOWAY, March 11 (Wire) - Maria Alvarez ... denied"): the
        # parse takes it for the subject; the name in apposition is the one who denies
        dash = next((t for t in verb.sent if t.i < verb.i and t.text in ("-", "–", "—")), None)
        after = [t for t in verb.sent if dash is not None and dash.i < t.i < verb.i]
        subject = next((t for t in after if t.pos_ == "PROPN" and t.head.pos_ != "PROPN"
                        or t.pos_ == "PROPN" and t.dep_ in ("nsubj", "appos")), None)
    if subject is None or subject.lower_ in ("we", "i", "you"):
        return None  # "We rejected this": inside a quote, who "we" are is the quoter's
    denier = _name(item, s_index, subject)
    if denier is None:
        return None
    obj = _object(verb)
    if obj is not None and obj.pos_ in ("NOUN", "PROPN") and lemma(obj).lower() in NOT_CLAIMS:
        return None  # "rejected a defence request": a decision, not a denial
    claimant = _claimant_in_sentence(verb, obj, subject, lemma)
    if claimant is not None and same_party(claimant, denier):
        claimant = None
    generic = obj is None or lemma(obj).lower() in CLAIM_NOUNS
    anaphoric = obj is not None and (obj.lower_ in ("it", "this", "that", "them") or (
        lemma(obj).lower() in ANAPHORIC_NOUNS
        and any(c.dep_ == "det" and c.lower_ in ("the", "this", "these", "those", "such")
                for c in obj.children)))
    return Denial(a_index, s_index, denier, verb.text, claimant, generic,
                  subject.dep_ == "nsubjpass", anaphoric)


def _subject(verb):
    """The verb's subject, or that of the verb it is coordinated with ("says …, and denies")."""
    before = verb.doc[verb.i - 1] if verb.i else None
    if before is not None and before.pos_ == "PROPN" and not any(
            c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return before  # "which Veloria blames on Drustan and Drustan denies"
    node = verb
    for _ in range(3):
        for child in node.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        if node.dep_ in ("conj", "xcomp", "advcl") and node.head is not node:
            node = node.head
        else:
            return None
    return None


def _object(verb):
    for child in verb.children:
        if child.dep_ in ("dobj", "ccomp", "xcomp"):
            return child
    for child in verb.children:  # "rejected as a fabrication Veloria's claim"
        if child.dep_ == "prep":
            for grand in child.children:
                if grand.dep_ == "pobj" and grand.pos_ == "NOUN" and grand.lower_ not in (
                        "day", "week", "month", "year"):
                    return grand
    if verb.dep_ == "relcl":  # "passwords, which Quillon has denied"
        return verb.head
    return None


def _claimant_in_sentence(verb, obj, subject, lemma) -> str | None:
    """Whose claim the sentence says is denied: a possessor or "by X" of a claim noun
    ("Veloria's claim", "claims by researchers"), or the subject of another speech verb
    outside the denial ("what the USA says was a Russian air strike")."""
    nouns = []
    if obj is not None:
        nouns = [obj, *[a for a in obj.ancestors if a.pos_ == "NOUN"]]
    for noun in nouns:
        if lemma(noun).lower() not in CLAIM_NOUNS:
            continue
        for child in noun.children:
            if child.dep_ == "poss" and child.lower_ not in POSSESSIVE_PRONOUNS:
                return _span(child)
            if child.dep_ == "prep" and child.lower_ in ("by", "from"):
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return _span(grand)
    inside = {t.i for t in verb.subtree}
    for token in verb.doc:
        if token.i in inside or token.pos_ != "VERB" or token.i == verb.i:
            continue
        if lemma(token).lower() not in SAY_LEMMAS:
            continue
        for child in token.children:
            if child.dep_ == "nsubj" and child.lower_ not in PRONOUNS \
                    and child.i != subject.i:
                return _span(child)
    return None


def _span(token) -> str:
    """A noun with its compounds and modifiers ("Veloria's defence ministry", "the USA")."""
    left = [t for t in token.lefts if t.dep_ in ("compound", "amod", "det", "poss", "nmod")]
    start = min([token.i, *[t.left_edge.i for t in left]])
    words = token.doc[start:token.i + 1].text
    return re.sub(r"^(?:The|A|An)\s", lambda m: m.group(0).lower(), words)


# The names a pronoun can stand for: "he" and "she" a person, "it" a body or a country.
_PRONOUN_LABELS = {"he": {"PERSON"}, "she": {"PERSON"}, "it": {"ORG", "GPE", "NORP"},
                   "they": {"ORG", "GPE", "NORP", "PERSON"}, "we": {"ORG", "GPE", "NORP"}}


def _name(item: AnalyzedArticle, s_index: int, subject) -> str | None:
    """The denier's name. A pronoun stands for a name it can stand for in the nearest text
    before it that holds one (its own sentence, else up to three sentences back), when that
    text holds only one; else for nobody: in "a spokesman at BP in London said the fall was
    related to the US incident, but it denied ...", "it" could be BP, London or the US, and
    a denial put in the wrong mouth is worse than none."""
    if subject.lower_ not in PRONOUNS:
        return _span(subject)
    sentences = item.analysis.sentences
    end = sentences[s_index].start + subject.idx
    labels = _PRONOUN_LABELS.get(subject.lower_, set())
    for back in range(s_index, max(-1, s_index - 4), -1):
        start = sentences[back].start
        names = {e.key or e.text for e in item.analysis.entities
                 if start <= e.start and e.end <= end and e.label in labels}
        if names:
            return names.pop() if len(names) == 1 else None
        end = start
    return None


STOP_WORDS = {"the", "a", "an", "of", "to", "in", "on", "and", "that", "had", "has", "have",
              "was", "were", "is", "are", "be", "been", "it", "its", "their", "his", "her",
              "said", "says", "told", "with", "for", "by", "at", "from", "as", "this", "any",
              "not", "no"}


def content_words(text: str) -> set[str]:
    """A text's names and words of four letters or more beyond stop words, cut to their first
    six letters (a crude stem: "artillery" and "artilleries" are one word): what a claim and
    its denial, or two reports of one dispute, must share to be about the same thing."""
    return {w.lower()[:6] for w in re.findall(r"[A-Za-z]{4,}", text)} - STOP_WORDS


def same_party(a: str, b: str) -> bool:
    wa = {w.lower().strip("'s") for w in re.findall(r"[\w']+", a)} - {"the", "s"}
    wb = {w.lower().strip("'s") for w in re.findall(r"[\w']+", b)} - {"the", "s"}
    return bool(wa & wb)
