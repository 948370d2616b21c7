"""Quote attribution metrics (content span and speaker) against gold attributions.

A system quote matches a gold attribution when their content spans overlap by at least half
of the shorter one; the attribution is right when, in addition, the system's speaker span
overlaps the gold Source span. Precision counts system quotes, recall gold attributions.

>>> s = score([((0, 10), (20, 25), True)], [GoldSpans(((0, 8),), ((21, 30),), True)])
>>> s["overall"].attribution.f1
1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Pieces = tuple[tuple[int, int], ...]


@dataclass(slots=True)
class GoldSpans:
    content: Pieces
    source: Pieces | None
    direct: bool


@dataclass(slots=True)
class PRF:
    matched_system: int = 0
    system: int = 0
    matched_gold: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.matched_system / self.system if self.system else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: PRF) -> None:
        self.matched_system += other.matched_system
        self.system += other.system
        self.matched_gold += other.matched_gold
        self.gold += other.gold


@dataclass(slots=True)
class Scores:
    content: PRF
    attribution: PRF


def _length(p: Pieces) -> int:
    return sum(b - a for a, b in p)


def _overlap(a: Pieces, b: Pieces) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def content_match(system: Pieces, gold: Pieces) -> bool:
    shorter = min(_length(system), _length(gold))
    return shorter > 0 and _overlap(system, gold) >= 0.5 * shorter


def _score(system: Sequence[tuple[Pieces, Pieces, bool]], gold: Sequence[GoldSpans],
           system_filter, gold_filter) -> Scores:
    content, attribution = PRF(), PRF()
    sys_items = [s for s in system if system_filter(s)]
    gold_items = [g for g in gold if gold_filter(g)]
    content.system = attribution.system = len(sys_items)
    content.gold = len(gold_items)
    attribution.gold = sum(g.source is not None for g in gold_items)
    for s_content, s_speaker, _ in sys_items:
        hits = [g for g in gold if content_match(s_content, g.content)]
        content.matched_system += bool(hits)
        attribution.matched_system += any(g.source and _overlap(s_speaker, g.source) > 0
                                          for g in hits)
    for g in gold_items:
        hits = [s for s in system if content_match(s[0], g.content)]
        content.matched_gold += bool(hits)
        if g.source is not None:
            attribution.matched_gold += any(_overlap(s[1], g.source) > 0 for s in hits)
    return Scores(content, attribution)


def score(system: Sequence[tuple[tuple[int, int], tuple[int, int], bool]],
          gold: Sequence[GoldSpans]) -> dict[str, Scores]:
    """Scores of one document: ``system`` is ``(content span, speaker span, direct)``.

    ``overall`` counts everything; ``direct`` counts the system's direct quotes (precision)
    and the gold quotations in quotation marks (recall), each matched against all of the
    other side. Gold attributions without a Source only count in the content scores.
    """
    items = [((c,), (s,), d) for c, s, d in system]
    return {
        "overall": _score(items, gold, lambda s: True, lambda g: True),
        "direct": _score(items, gold, lambda s: s[2], lambda g: g.direct),
    }


def evaluate(documents, analyses, matching: str = "lenient") -> dict[str, dict[str, Scores]]:
    """Totals over PolNeAR ``documents`` (``polnear.Document``) and their analyses, for
    storyline and the baselines of ``quote_baselines``: ``{system: {subset: Scores}}``.

    ``matching`` is ``"lenient"`` (this module's) or ``"strict"`` (the release check's,
    ``strict_attribution``: one-to-one, direct by the share of the content in marks).
    """
    from storyline.evaluate.quote_baselines import BASELINES
    from storyline.evaluate.strict_attribution import StrictGold, StrictQuote, strict_score

    if matching not in ("lenient", "strict"):
        raise ValueError(f"matching must be 'lenient' or 'strict', not {matching!r}")
    systems = ["storyline", *BASELINES]
    totals = {name: {k: Scores(PRF(), PRF()) for k in ("overall", "direct")} for name in systems}
    for doc, analysis in zip(documents, analyses, strict=True):
        text = doc.article.text
        outputs = {"storyline": [StrictQuote((q.start, q.end), (q.speaker_start, q.speaker_end),
                                             q.speaker, q.direct) for q in analysis.quotes]}
        for name, baseline in BASELINES.items():
            outputs[name] = [StrictQuote(c, s, text[s[0]:s[1]], d)
                             for c, s, d in baseline(text, analysis)]
        for name, quotes in outputs.items():
            if matching == "strict":
                scores = strict_score(text, quotes, [StrictGold(g.content, g.source)
                                                     for g in doc.attributions])
            else:
                scores = score([(q.content, q.speaker_span, q.direct) for q in quotes],
                               [GoldSpans(g.content, g.source, g.direct)
                                for g in doc.attributions])
            for key, s in scores.items():
                totals[name][key].content.add(s.content)
                totals[name][key].attribution.add(s.attribution)
    return totals
