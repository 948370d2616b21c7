"""Is a text English? A cheap test on function words, so non-English articles are skipped
with a reason instead of being parsed into nonsense by an English model.

>>> english_share("The minister said that the talks would resume in Geneva on Monday.") > 0.3
True
>>> is_english("Der Minister sagte, dass die Gespräche am Montag in Genf fortgesetzt werden.")
False
"""

from __future__ import annotations

import re

from storyline.analyze.settings import SETTINGS

_FUNCTION_WORDS = frozenset("""
the a an of to in and or but is are was were be been has have had that this these those it its
he she they we you i his her their our on at by for with from as not no will would said says
who which what when where there than then also after before about over into up out more
""".split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def english_share(text: str, sample: int = 5000) -> float:
    """Share of the words in the first ``sample`` characters that are English function words."""
    words = _WORD.findall(text[:sample].lower())
    if not words:
        return 0.0
    return sum(w in _FUNCTION_WORDS for w in words) / len(words)


def is_english(text: str) -> bool:
    """English by function words; a text mostly in another script is never English."""
    sample = text[:5000]
    letters = [c for c in sample if c.isalpha()]
    if letters and sum(c.isascii() for c in letters) < 0.6 * len(letters):
        return False
    words = _WORD.findall(sample)
    if len(words) < SETTINGS.language_min_words:
        return bool(words)
    return english_share(text) >= SETTINGS.english_share
