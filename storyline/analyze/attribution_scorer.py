"""A learned keep/drop score for attribution candidates, trained on PolNeAR train.

The rules of ``quotes``/``reported`` propose statements (speech, stance, and any verb with
a subject and an object, ``reported.candidate``); a logistic regression over features of
the cue, the speaker and the content says which of them PolNeAR's annotators would count
as an attribution with that source. Weights and thresholds live in
``attribution_weights.json`` beside this module, rebuilt by
``python -m storyline.evaluate.train_attribution ../shared/data/polnear/train`` (train
only; dev is never seen: the figures in docs/results/analysis.md are on dev).

Scoring is a sum of the weights of a candidate's features: no model object, ~20 µs per
candidate.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from storyline.analyze.reported import SOURCE_NOUNS, STANCE_VERBS
from storyline.analyze.speakers import BELIEF, SPEECH_VERBS, lemma
from storyline.model import Quote

WEIGHTS = Path(__file__).with_name("attribution_weights.json")


def kind(q: Quote) -> str:
    """direct, speech (reported), according, or stance: each has its own threshold."""
    if q.direct:
        return "direct"
    if q.cue == "according to":
        return "according"
    return "stance" if q.stance else "speech"


def _bucket(n: int) -> str:
    return str(min(6, int(math.log2(n + 1))))


def features(doc, q: Quote, offset: int = 0) -> dict[str, float]:
    """The candidate's features (names -> 1.0), from the parse around its spans."""
    f: dict[str, float] = {}
    k = kind(q)
    f["kind=" + k] = 1.0
    cue = doc.char_span(q.cue_start - offset, q.cue_end - offset, alignment_mode="expand")
    if cue is not None and len(cue):
        tok = cue[0]
        word = lemma(tok).lower() if q.cue != "according to" else "according"
        f["cue=" + word] = 1.0
        f[f"cue={word}|{k}"] = 1.0
        f["cue_tag=" + tok.tag_] = 1.0
        f["cue_dep=" + tok.dep_] = 1.0
        f["speech_verb"] = float(word in SPEECH_VERBS)
        f["stance_verb"] = float(word in STANCE_VERBS)
        f["belief_verb"] = float(word in BELIEF)
        if any(c.dep_ == "neg" for c in tok.children):
            f["cue_negated"] = 1.0
    who = doc.char_span(q.speaker_start - offset, q.speaker_end - offset,
                        alignment_mode="expand")
    if who is not None and len(who):
        head = who.root
        f["spk_ent=" + (head.ent_type_ or "none")] = 1.0
        f["spk_pos=" + head.pos_] = 1.0
        f["spk_dep=" + head.dep_] = 1.0
        f["spk_words=" + _bucket(len(who))] = 1.0
        if head.pos_ == "PRON":
            f["spk_pron=" + head.lower_] = 1.0
        if lemma(head).lower() in SOURCE_NOUNS:
            f["spk_source_noun"] = 1.0
        if q.speaker_start > q.cue_start:
            f["spk_after_cue"] = 1.0
    what = doc.char_span(q.start - offset, q.end - offset, alignment_mode="expand")
    if what is not None and len(what):
        f["len=" + _bucket(len(what))] = 1.0
        f["first_pos=" + what[0].pos_] = 1.0
        if any(t.pos_ in ("VERB", "AUX") for t in what):
            f["has_verb"] = 1.0
        if any(t.dep_ in ("nsubj", "nsubjpass") for t in what):
            f["has_subject"] = 1.0
        if what[0].lower_ == "to":
            f["infinitive"] = 1.0
    if q.start < q.cue_start < q.end:
        f["cue_inside"] = 1.0
    # How far the cue and the speaker are from the statement: a quote that continues an
    # earlier speaker's has its cue sentences away.
    gap = max(0, q.cue_start - q.end, q.start - q.cue_end)
    f[f"cue_gap={_bucket(gap // 8)}|{k}"] = 1.0
    who_gap = max(0, q.speaker_start - q.end, q.start - q.speaker_end)
    f[f"speaker_gap={_bucket(who_gap // 8)}|{k}"] = 1.0
    return f


@lru_cache(maxsize=1)
def model() -> dict | None:
    """The shipped weights (None when the file is missing: every candidate is kept)."""
    if not WEIGHTS.is_file():
        return None
    return json.loads(WEIGHTS.read_text(encoding="utf-8"))


def score(f: dict[str, float], weights: dict) -> float:
    """The probability the candidate is an attribution PolNeAR would count."""
    z = weights["bias"] + sum(weights["weights"].get(name, 0.0) * v for name, v in f.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def keep(doc, quotes: list[Quote], offset: int = 0) -> list[Quote]:
    """The candidates whose score reaches their kind's threshold."""
    weights = model()
    if weights is None:
        return quotes
    thresholds = weights["thresholds"]
    return [q for q in quotes
            if score(features(doc, q, offset), weights) >= thresholds.get(kind(q), 0.5)]
