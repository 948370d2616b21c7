"""ROUGE as the reference ``rouge-score`` package computes it (Porter stemming on).

DUC practice scores recall of the first 100 words against several human summaries
(ROUGE-1.5.5 ``-l 100``). ``rouge-score`` scores one reference at a time, so for several
references we average each measure over the references (ROUGE-1.5.5 without jackknifing
pools counts over references, which weights references by length; averaging weights them
equally, a small difference).

>>> s = Scores.of("the cat sat on the mat", ["a cat sat on a mat"])
>>> round(s.r1.recall, 2), round(s.r2.recall, 2)
(0.67, 0.4)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from storyline.evaluate.prf import PRF

MEASURES = ("rouge1", "rouge2", "rougeL")


@dataclass(frozen=True, slots=True)
class Scores:
    """ROUGE-1, ROUGE-2 and ROUGE-L of one system summary against its references."""

    r1: PRF
    r2: PRF
    rl: PRF

    @classmethod
    def of(cls, summary: str, references: Sequence[str]) -> Scores:
        """Average over ``references`` of each measure's precision, recall and F1."""
        if not references:
            raise ValueError("no reference summary")
        scorer = _scorer()
        totals = {m: [0.0, 0.0, 0.0] for m in MEASURES}
        for ref in references:
            result = scorer.score(ref, summary)
            for m in MEASURES:
                totals[m][0] += result[m].precision
                totals[m][1] += result[m].recall
                totals[m][2] += result[m].fmeasure
        n = len(references)
        r1, r2, rl = (PRF(*(v / n for v in totals[m])) for m in MEASURES)
        return cls(r1, r2, rl)


def truncate_words(text: str, words: int) -> str:
    """The first ``words`` whitespace tokens (ROUGE-1.5.5 ``-l``).

    >>> truncate_words("one two three", 2)
    'one two'
    """
    return " ".join(text.split()[:words])


def mean(scores: Sequence[Scores], kind: str) -> tuple[float, float, float]:
    """Mean R1, R2, RL of ``kind`` ("recall" or "f1") over clusters, in percent."""
    if not scores:
        return (0.0, 0.0, 0.0)
    return tuple(100.0 * sum(getattr(getattr(s, m), kind) for s in scores) / len(scores)
                 for m in ("r1", "r2", "rl"))


@lru_cache(maxsize=1)
def _scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(list(MEASURES), use_stemmer=True)
