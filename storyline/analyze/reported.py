"""Reported speech from the dependency parse: a speech verb's clause ("X said that ..."),
"according to X", a parenthetical cue ("The economy, he said, is weak"), and a named actor's
stance on an object ("Clinton cited his comments").
"""

from __future__ import annotations

from typing import NamedTuple

from storyline.analyze.quote_marks import Inside, text_of
from storyline.analyze.speakers import is_cue, lemma, subject


class Found(NamedTuple):
    """A statement read from the parse: who (a token), what (a character span), and whether
    it is a stance on an object ("Washington supports the opposition") rather than speech."""

    subject: object
    span: tuple[int, int]
    stance: bool = False


def content_span(tokens) -> tuple[int, int] | None:
    """Character span of ``tokens`` without leading/trailing punctuation and marks."""
    toks = list(tokens)
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].dep_ == "cc"
                    or (toks[0].dep_ == "mark" and toks[0].lower_ == "that")):
        toks = toks[1:]  # "said that the talks failed": what was said starts after "that"
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        toks = toks[:-1]
    if not toks:
        return None
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    return start, _closing_mark(text_of(toks[0].doc), start, end)


def _closing_mark(text: str, start: int, end: int) -> int:
    """``end`` past the closing quotation mark of a quote the content opens ('go on "for
    some time"'), so no quotation is left open."""
    inner = text[start:end]
    follow = text[end:end + 3]
    for opening, closing in (("“", "”"), ('"', '"')):
        unbalanced = (inner.count(opening) > inner.count(closing) if opening != closing
                      else inner.count(opening) % 2 == 1)
        if unbalanced and closing in follow:
            return end + follow.index(closing) + 1
    return end



def reported(token, inside: Inside):
    """(subject token, content span) when ``token`` introduces reported speech."""
    if token.lower_ == "according":
        to = next((c for c in token.children if c.lower_ == "to"), None)
        obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
        if obj is None:
            return None
        sent = token.sent
        skip = {t.i for t in token.subtree}
        toks = [t for t in sent if t.i not in skip]
        span = content_span(toks)
        if span is None or span[1] - span[0] < 15:
            return None
        return Found(obj, span)
    if token.lower_ == "in":
        return _in_poll(token)
    if inside(token.idx):
        return None
    if not is_cue(token):
        return _stance(token, inside)
    subj = subject(token)
    if subj is None or inside(subj.idx):
        return None
    comp = next((c for c in token.children if c.dep_ == "ccomp"), None)
    if comp is None and lemma(token) in ("deny", "confirm", "announce", "report", "reveal",
                                          "admit", "acknowledge"):
        comp = next((c for c in token.children if c.dep_ == "dobj"), None)
    if comp is None:
        # "says in a statement that the race ...": the clause hangs under the verb's object.
        comp = next((t for t in token.subtree if t.i > token.i and t.dep_ in ("acl", "advcl")
                     and any(c.dep_ == "mark" and c.lower_ == "that" for c in t.children)),
                    None)
    if comp is not None:
        tokens = list(comp.subtree)
        if tokens[0].i < token.i < tokens[-1].i:
            # "a proposal, which Kerry said would restore credibility": the relative pronoun
            # opens the clause before the speaker; what was said comes after the cue
            tokens = [t for t in tokens if t.i > token.i]
        tokens += _rest_of_what_was_said(token, tokens)
        span = content_span(tokens)
        if span is None or span[1] - span[0] < 10:
            return None
        return Found(subj, span)
    # "The economy, he said, is weak.": the speech verb hangs inside its content.
    # "Even if ..., Mr. Morgan said, he has no regrets.": a parenthetical cue before the head.
    if (token.dep_ == "parataxis" or (token.dep_ == "ccomp"
                                      and token.head.i < token.i < token.head.right_edge.i)) \
            and token.head.pos_ in ("VERB", "AUX"):
        skip = {t.i for t in token.subtree}
        toks = [t for t in token.sent if t.i not in skip]
        span = content_span(toks)
        if span is None or span[1] - span[0] < 15:
            return None
        return Found(subj, span)
    # "Clinton cited his comments", "Trump agreed to clean up the mines": a speech verb
    # without a clause can still carry a claim or a stance on its object.
    return _stance(token, inside)


# What a finding can be "in": "In the CBS poll, Trump's lead narrowed" is the poll's.
FINDINGS = frozenset({"poll", "survey", "study", "census", "analysis", "tally", "count"})


def _in_poll(token) -> Found | None:
    """A finding "in" a poll or survey: the poll is the source, the clause the content."""
    obj = next((c for c in token.children if c.dep_ == "pobj"), None)
    if token.dep_ != "prep" or obj is None or lemma(obj).lower() not in FINDINGS:
        return None
    clause = token.head
    while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
        clause = clause.head
    skip = {t.i for t in token.subtree}
    span = content_span([t for t in clause.subtree if t.i not in skip])
    if span is None or span[1] - span[0] < 15:
        return None
    return Found(obj, span)


def _rest_of_what_was_said(cue, tokens: list) -> list:
    """The sentence after the clause, when the parser hung the clause's tail on the cue.

    "X said that hackers had stolen the names, email addresses and phone numbers of ...":
    spaCy makes "addresses" a modifier of "said", and the content stopped at "names". The
    tail joins the content when the cue heads the sentence, the content follows it, and
    nothing in the tail is a clause of the cue's own ("..., adding that ...", "and added").
    """
    if cue.dep_ != "ROOT" or not tokens or tokens[0].i < cue.i:
        return []
    tail = [t for t in cue.sent if t.i > tokens[-1].i]
    if any(t.head.i == cue.i and t.pos_ in ("VERB", "AUX") for t in tail):
        return []
    if any(t.dep_ in ("cc", "mark") and t.head.i == cue.i for t in tail):
        return []
    return tail


# Verbs too plain to carry a stance ("has", "made", "went").
_PLAIN = frozenset("""be have do get make take go come give put see use include become seem
leave keep let begin start try help look turn move play run live hold bring happen set
""".split())
_HUMAN_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
# Nouns that name a party with a view ("officials believe", "the poll found").
SOURCE_NOUNS = frozenset("""official spokesman spokeswoman spokesperson voter poll survey report
campaign critic analyst expert source supporter aide adviser advisor lawmaker senator
democrat republican candidate nominee president leader group statement study researcher
economist observer opponent administration government committee agency court judge
prosecutor lawyer attorney investigator police officer witness resident activist protester
organizer member minister secretary governor mayor chairman director executive ceo
official people american""".split())
# Verbs whose object is a stance on something ("Trump attacked Clinton's record").
STANCE_VERBS = frozenset("""call accuse attack praise criticize criticise blame urge support
oppose reject dismiss endorse back welcome condemn promise vow propose demand want announce
deny describe cite question mock ridicule compliment laud applaud slam blast prefer favor
favour list offer repeat refuse recommend defend challenge dispute embrace tout predict
acknowledge admit concede confirm reveal disclose suggest""".split())


def _stance(token, inside: Inside):
    """A named actor's stance or claim: "Trump has vowed to bring back jobs", "Clinton
    accused him of lying" (PolNeAR counts these as attributions too)."""
    if token.pos_ != "VERB" or lemma(token).lower() in _PLAIN:
        return None
    subj = next((c for c in token.children if c.dep_ == "nsubj"), None)
    if subj is None or inside(subj.idx):
        return None
    if subj.ent_type_ not in _HUMAN_ENTS and subj.lower_ not in ("he", "she", "they", "we") \
            and lemma(subj).lower() not in SOURCE_NOUNS:
        return None
    deps = ("ccomp", "xcomp", "dobj") if lemma(token).lower() in STANCE_VERBS \
        else ("ccomp", "xcomp")
    comp = next((c for c in token.children if c.dep_ in deps), None)
    if comp is None:
        return None
    tokens = list(comp.subtree)
    # "called Oz a quack": the object and what it is called make one claim.
    oprd = next((c for c in token.children if c.dep_ == "oprd"), None)
    if oprd is not None and comp.dep_ == "dobj":
        tokens += list(oprd.subtree)
        tokens.sort(key=lambda t: t.i)
    span = content_span(tokens)
    if span is None or span[1] - span[0] < 12:
        return None
    return Found(subj, span, stance=True)


def candidate(token, inside: Inside):
    """Any verb with a subject and an object, clause or "for"/"about"/"against" phrase: a
    possible attribution the rules above did not take ("Trump has railed against the
    provisions", "Obama urged supporters to vote"). Only kept where the learned scorer
    (``attribution_scorer``) says PolNeAR would count it; always a stance, never speech."""
    if token.pos_ != "VERB" or inside(token.idx):
        return None
    subj = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or inside(subj.idx) or subj.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    comp = next((c for c in token.children if c.dep_ in ("ccomp", "xcomp", "dobj")), None)
    if comp is None:
        # "said to an enormous cheer", "told to reporters": after a speech verb, "to"
        # names the audience, not what was said
        preps = ("for", "about", "against", "on") if is_cue(token) \
            else ("for", "about", "against", "on", "to")
        prep = next((c for c in token.children if c.dep_ == "prep" and c.lower_ in preps),
                    None)
        comp = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None
    if comp is None:
        return None
    span = content_span(comp.subtree)
    # "endorsed Cruz", "backs Sanders": a stance verb's object may be one short name
    shortest = 3 if lemma(token).lower() in STANCE_VERBS else 8
    if span is None or span[1] - span[0] < shortest:
        return None
    return Found(subj, span, stance=True)
