"""Precision, recall and F1: the result type every evaluation here reports.

>>> PRF.of(1.0, 0.5)
PRF(precision=1.0, recall=0.5, f1=0.6666666666666666)
>>> PRF.of(0.0, 0.0).f1
0.0
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, precision: float, recall: float) -> PRF:
        """Scores with F1 as the harmonic mean of ``precision`` and ``recall``."""
        total = precision + recall
        return cls(precision, recall, 2 * precision * recall / total if total else 0.0)
