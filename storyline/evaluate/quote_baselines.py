"""Simple quote extractors run next to storyline's in ``storyline eval quotes``.

- ``said-sentence``: every sentence with "said", "says", "told" or "according to" is a quote;
  its content is the whole sentence, its speaker the run of capitalised words (or the word)
  right before the cue, or right after "according to"/"said".
- ``marks-nearest-name``: every span in quotation marks is a quote; its speaker is the
  nearest PERSON named before it.

Both return ``(content span, speaker span, direct)`` triples like the system.
"""

from __future__ import annotations

import re

from storyline.analyze.quotes import quote_spans
from storyline.model import Analysis

_CUE = re.compile(r"\b(said|says|told|according to)\b")
_BEFORE = re.compile(r"((?:[A-Z][\w.'’-]*\s+)*[A-Z][\w.'’-]*|\w+)\s*,?\s*$")
_AFTER = re.compile(r"^\s*((?:the\s+)?(?:[A-Z][\w.'’-]*\s*)+|\w+)")

Triple = tuple[tuple[int, int], tuple[int, int], bool]


def said_sentence(text: str, analysis: Analysis) -> list[Triple]:
    out = []
    for s in analysis.sentences:
        m = _CUE.search(s.text)
        if not m:
            continue
        before = _BEFORE.search(s.text[:m.start()])
        if before and m.group(1) != "according to":
            speaker = (s.start + before.start(1), s.start + before.end(1))
        else:
            after = _AFTER.match(s.text[m.end():])
            if not after:
                continue
            base = s.start + m.end()
            speaker = (base + after.start(1), base + after.end(1))
        out.append(((s.start, s.end), speaker, False))
    return out


def marks_nearest_name(text: str, analysis: Analysis) -> list[Triple]:
    people = [e for e in analysis.entities if e.label == "PERSON"]
    out = []
    for span in quote_spans(text):
        before = [e for e in people if e.end <= span.start]
        if not before:
            continue
        e = before[-1]
        out.append(((span.start, span.end), (e.start, e.end), True))
    return out


BASELINES = {"said-sentence": said_sentence, "marks-nearest-name": marks_nearest_name}
