"""The analysis's tuned numbers, with the reason beside each (engineering limits such as
batch sizes and ``pipeline.PARALLEL_FROM`` stay where they are used).

Frozen, one shared instance ``SETTINGS``; a change changes the analysis version
(``storyline.versions``), so stored analyses are recomputed.

>>> SETTINGS.pronoun_window
2
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AnalysisSettings:
    # -- language (``language``) ------------------------------------------------------------
    language_min_words: int = 8  # too few words to judge: treated as English
    # Share of English function words: English news runs ~0.35-0.5, other languages well
    # under 0.1.
    english_share: float = 0.12

    # -- quotes (``quotes``, ``speakers``) ----------------------------------------------------
    quote_min_words: int = 3  # shorter quoted bits ("scare quotes") need a cue right beside
    # A pronoun's antecedent is a subject of one of this many sentences before it.
    pronoun_window: int = 2


SETTINGS = AnalysisSettings()

__all__ = ["SETTINGS", "AnalysisSettings"]
