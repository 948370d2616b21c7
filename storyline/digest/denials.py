"""A claim and its denial by another party ("the US says …; Moscow rejects the charges").

A *denial* is a sentence whose verb denies (deny, reject, dismiss, refute, rebut, dispute),
read with the dependency parse: who denies (the verb's subject) and what (its object).
What is rejected must be something said: a request, a motion or an offer turned down
("the judge rejected a defence request") is a decision, not a denial.

The *claim* it answers is found in one of two places:
- **in the same sentence**, grammatically: "in what the USA says was a Russian air strike,
  though Moscow rejects the charges", "rejected Veloria's claim that its artillery shelled
  Kesh", "claims by researchers that …, which Quillon has denied";
- **in the lines just before it, in the same article**: "'This was a deliberate attack,'
  Colonel Fenwick said. … Drustan denied firing on the village." News writing answers an
  accusation right after stating it, so the nearest statement another party makes in the
  ``SETTINGS.answer_window`` sentences before the denial is its claim, when the link is
  visible: the claim names the denier (the accused) and shares a content word with the
  denial, or the denial points back ("rejected the claim", "denied it") at the statement
  just before it.
  An accusation (accuse, allege, claim, …) is preferred to a plain statement. Shared topic
  words alone ("Gaddafi", "Jackson") are no link: on Timeline17 they paired unrelated
  statements; nor is an accusation naming the denier ("X claims Dr Murray grabbed vials" is
  not what "Dr Murray denies manslaughter" answers);
- **in another sentence** that attributes a statement to another party (said, accused,
  alleged, according to …). Such a pair is kept only when the stance model
  (``storyline.stance``) reads the denial as *disagreeing* with the claim with high
  confidence, and both are about the same event: they share a name or a rare word beyond
  the denial's own words, and their sentence vectors are alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest.denial_merge import Report, merge_reports
from storyline.digest.denial_reading import (
    ACCUSES_PATTERN,
    DENY_LEMMAS,
    DENY_PATTERN,
    PRONOUNS,
    SAY_LEMMAS,
    Denial,
    content_words,
    read_denials,
    same_party,
)
from storyline.digest.settings import SETTINGS
from storyline.model import Disagreement


def denial_disagreements(analyzed: Sequence[AnalyzedArticle],
                         limit: int = SETTINGS.max_denial) -> list[Disagreement]:
    """Claims and their denials in a story, those stated in one sentence first; one claim
    and its denial that several outlets report is one item (``denial_merge``)."""
    found = read_denials(analyzed)
    out: list[Report] = []
    pending = []
    for d in found:
        if d.claimant:
            out.append(Report(2.0, d.denier, d.claimant, ((d.article, d.sentence),)))
        else:
            pending.append(d)
    answered = _answered_in_place(analyzed, pending)
    out.extend(answered.values())
    out.extend(_across_sentences(analyzed, [d for d in pending if d not in answered]))
    out.sort(key=lambda r: -r.score)
    kept, seen = [], set()
    for report in out:
        key = report.statements
        if key not in seen and not (set(key) & {k for s in seen for k in s}):
            seen.add(key)
            kept.append(report)
    return merge_reports(analyzed, kept)[:limit]


# -- a claim stated just before its denial, in the same article ------------------------------

def _answered_in_place(analyzed: Sequence[AnalyzedArticle], denials: list[Denial]
                       ) -> dict[Denial, Report]:
    """Denials whose claim another party states in the few sentences before them.

    >>> from storyline.analyze.pipeline import analyze
    >>> from storyline.model import Article
    >>> text = ("The union accused the Norra shipyard of dumping oil into the bay. "
    ...         "The shipyard denied dumping any oil.")
    >>> item = analyze([Article(id="a", source="Wire", text=text)])
    >>> [r.describe(item) for r in _answered_in_place(item, read_denials(item)).values()]
    ['A claim by the union, denied by the shipyard (Wire)']
    """
    if not denials:
        return {}
    from storyline.analyze.nlp import lemma, nlp

    found: dict[Denial, Report] = {}
    for d in denials:
        item = analyzed[d.article]
        sentences, text = item.analysis.sentences, item.article.text
        denial_doc = nlp()(text[sentences[d.sentence].start:sentences[d.sentence].end])
        denier = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", d.denier)} - {"the"}
        denied = _content_lemmas(denial_doc, lemma) - denier - {d.verb.lower()} - DENY_LEMMAS
        linked = []
        if d.passive:
            continue
        for speaker, cue, first, last in _statements_before(item, d):
            claim_doc = nlp()(text[sentences[first].start:sentences[last].end])
            accusation = bool(ACCUSES_PATTERN.match(cue))
            # the claim names the denier (the accused): "Drustani" names "Drustan"
            names_denier = any(t.pos_ in ("PROPN", "NOUN", "ADJ") and any(
                t.lower_.startswith(w) for w in denier) for t in claim_doc)
            answers = d.anaphoric and last == d.sentence - 1  # "rejected the claim" after it
            if answers or names_denier and _content_lemmas(claim_doc, lemma) & denied:
                linked.append((accusation, -len(linked), speaker, last))
        if not linked:
            continue
        # an accusation before plain statements ("Veloria accused …" over "…, he said"),
        # else the nearest
        *_, speaker, last = max(linked)
        found[d] = Report(1.5, d.denier, speaker, ((d.article, last), (d.article, d.sentence)))
    return found


def _statements_before(item: AnalyzedArticle, d: Denial):
    """Statements (speaker, cue, first and last sentence) other named parties make in the
    ``SETTINGS.answer_window`` sentences before the denial, nearest first; an earlier
    denial ends them (what answers what is then unclear)."""
    sentences = item.analysis.sentences
    denial_start = sentences[d.sentence].start
    lowest = sentences[max(0, d.sentence - SETTINGS.answer_window)].start
    quotes = sorted((q for q in item.analysis.quotes if lowest <= q.start < denial_start),
                    key=lambda q: -q.end)
    for q in quotes:
        if DENY_PATTERN.search(q.cue):
            return
        if not q.speaker or q.speaker.lower() in PRONOUNS or same_party(q.speaker, d.denier):
            continue  # an unresolved "he said", or the denier's own words around the denial
        first = _sentence_at(sentences, min(q.start, q.speaker_start))
        last = _sentence_at(sentences, max(q.end, q.speaker_end) - 1)
        if first is None or last is None or last >= d.sentence:
            continue
        yield (re.sub(r"^(?:The|A|An)\s", lambda m: m.group(0).lower(), q.speaker), q.cue,
               first, last)


def _sentence_at(sentences, offset: int) -> int | None:
    return next((s.index for s in sentences if s.start <= offset < s.end), None)


def _content_lemmas(doc, lemma) -> set[str]:
    return {lemma(t).lower() for t in doc if t.is_alpha and not t.is_stop and len(t) > 3
            and t.pos_ in ("NOUN", "VERB", "PROPN", "ADJ")} - SAY_LEMMAS


# -- a claim in one sentence, its denial in another ------------------------------------------

_ATTRIBUTED = re.compile(r"\b(?:said|says|say|told|tells|accus\w+|alleg\w+|claim\w*|blam\w+|"
                         r"charg\w+|report\w*|according to|insist\w*|assert\w*)\b", re.I)
_NEGATED = re.compile(r"\b(?:no|not|never|nothing|none|nobody)\b|n't\b", re.I)


def _across_sentences(analyzed: Sequence[AnalyzedArticle], denials: list[Denial]
                      ) -> list[Report]:
    if not denials:
        return []
    from storyline.stance.model import load_statement_model

    model = load_statement_model()
    denial_keys = {(d.article, d.sentence) for d in denials}
    claims = []
    for a_index, item in enumerate(analyzed):
        text = item.article.text
        for s in item.analysis.sentences:
            span = text[s.start:s.end]
            if ((a_index, s.index) in denial_keys or DENY_PATTERN.search(span)
                    or _NEGATED.search(span)):
                continue  # a claim asserts: "there was no fire" is itself a denial
            if _ATTRIBUTED.search(span) and s.index < len(item.sentence_vectors):
                claims.append((a_index, s.index, span))
    out = []
    for d in denials:
        item = analyzed[d.article]
        if d.sentence >= len(item.sentence_vectors):
            continue
        context = _context(item, d.sentence, before=2 if d.generic else 0)
        vector = item.sentence_vectors[d.sentence]
        pairs, rows = [], []
        for a_index, s_index, span in claims:
            if same_party(_speaker_words(span), d.denier) and a_index == d.article:
                continue  # the denier's own words
            similarity = float(analyzed[a_index].sentence_vectors[s_index] @ vector)
            if similarity < SETTINGS.denial_similarity \
                    or not _shares_content(span, context, d.verb):
                continue
            pairs.append((span, context))
            rows.append((a_index, s_index, similarity))
        if not pairs:
            continue
        disagree = model.proba(pairs)[:, 1]
        best = int(np.argmax(disagree))
        if disagree[best] < SETTINGS.disagree_confidence:
            continue
        a_index, s_index, similarity = rows[best]
        out.append(Report(float(disagree[best]) * similarity, d.denier, None,
                          ((a_index, s_index), (d.article, d.sentence))))
    return out


def _context(item: AnalyzedArticle, s_index: int, before: int = 0) -> str:
    """The denial with the sentence after it (and, for "denied the claim", those before)."""
    sentences = item.analysis.sentences
    first = max(0, s_index - before)
    last = min(len(sentences) - 1, s_index + SETTINGS.context_sentences)
    return item.article.text[sentences[first].start:sentences[last].end]


def _speaker_words(span: str) -> str:
    match = re.match(r"^(.{0,60}?)\b(?:said|says|told|accused|alleged|claimed)\b", span)
    return match.group(1) if match else ""


def _shares_content(claim: str, denial: str, verb: str) -> bool:
    """Do the two share a name or a word of four letters or more beyond stop words?"""
    return bool(content_words(claim) & (content_words(denial) - {verb.lower()[:6]}))


__all__ = ["Denial", "denial_disagreements", "read_denials"]
