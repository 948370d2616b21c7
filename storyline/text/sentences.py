"""Sentences without a parser: lines, then sentence-final punctuation followed by a capital,
with the usual abbreviations guarded ("Mr.", "U.S.", "John F. Kennedy").

Fast (regular expressions): for the paths that cannot afford spaCy's parse, such as a
timeline over hundreds of articles (``digest.timeline_dates``) and the timeline evaluation.
Full analysis splits with spaCy (``analyze.sentences``).

>>> [text for _, _, text in split_sentences("Mr. Smith resigned. Talks go on.\\nNew line.")]
['Mr. Smith resigned.', 'Talks go on.', 'New line.']
"""

from __future__ import annotations

import re

# Sentence end: . ! ? (optionally closed by quotes/brackets), whitespace, then something
# that can start a sentence. Abbreviations before the dot are checked separately.
_BOUNDARY = re.compile(r"[.!?]+['\"’”)\]]*\s+(?=[\"'“‘(\[`]*[A-Z0-9])")
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "st", "jr", "sr", "rev", "hon", "pres", "u.s", "u.k", "u.n", "e.g", "i.e", "inc", "corp",
    "co", "ltd", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "mt", "ft", "adm", "maj", "cmdr", "supt", "det", "insp",
}
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, text)`` of every sentence; each line is split on its own.

    >>> split_sentences("Gen. Lee met the U.S. envoy. He left.")
    [(0, 28, 'Gen. Lee met the U.S. envoy.'), (29, 37, 'He left.')]
    """
    out: list[tuple[int, int, str]] = []
    pos = 0
    for line in text.split("\n"):
        start_of_line = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        cut = 0
        for m in _BOUNDARY.finditer(line):
            before = line[cut:m.start() + 1]
            word = _LAST_WORD.search(before)
            # "U.S." or "Mr." end with a dot but rarely end a sentence; single capitals
            # ("John F. Kennedy") neither.
            if word and (word.group(1).lower() in _ABBREV or len(word.group(1)) == 1):
                continue
            _add(out, line, start_of_line, cut, m.end())
            cut = m.end()
        _add(out, line, start_of_line, cut, len(line))
    return out


def _add(out: list[tuple[int, int, str]], line: str, offset: int, a: int, b: int) -> None:
    piece = line[a:b]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    start = offset + a + lead
    out.append((start, start + len(stripped), stripped))


__all__ = ["split_sentences"]
