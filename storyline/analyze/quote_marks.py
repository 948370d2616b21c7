"""Quotation marks: the spans inside them, paired per paragraph, and a fast "is this inside?".

News convention: a quote that runs over several paragraphs leaves each paragraph unclosed and
opens the next one with a mark again; those spans form one ``chain``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass


def text_of(doc) -> str:
    """``doc.text``, built once per Doc (spaCy joins every token's text on each call)."""
    text = doc.user_data.get("storyline_text")
    if text is None:
        text = doc.user_data["storyline_text"] = doc.text
    return text


OPEN_MARKS = "“«„"
CLOSE_MARKS = "”»"
STRAIGHT = '"'


@dataclass(slots=True)
class QuoteSpan:
    """The inside of one pair of quotation marks; ``chain`` groups paragraphs of one quote."""

    start: int  # first character inside the marks
    end: int  # last character inside the marks + 1
    chain: int
    closed: bool


def quote_spans(text: str) -> list[QuoteSpan]:
    """Spans inside quotation marks, paired per paragraph (see the module docstring).

    >>> text = 'He said "yes." Then: “Part one.\\n\\n“Part two.” Done.'
    >>> [(text[s.start:s.end], s.chain) for s in quote_spans(text)]
    [('yes.', 0), ('Part one.', 1), ('Part two.', 1)]
    """
    breaks = [m.start() for m in re.finditer(r"\n", text)]
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    chain = -1
    carried = False  # the open quote continues one from an earlier paragraph

    def paragraph_end(pos: int) -> int:
        i = bisect_left(breaks, pos)
        return breaks[i] if i < len(breaks) else len(text)

    for i, ch in enumerate(text):
        if ch not in OPEN_MARKS and ch not in CLOSE_MARKS and ch != STRAIGHT:
            continue
        if open_at is not None and paragraph_end(open_at) < i:
            # The quote ran to the end of its paragraph unclosed: if this mark opens the
            # next paragraph, the quote goes on (the same chain); else it was a stray mark.
            end = paragraph_end(open_at)
            continues = ch in OPEN_MARKS or ch == STRAIGHT
            spans.append(QuoteSpan(open_at, end, chain, False))
            open_at = None
            carried = continues
        if open_at is None:
            if ch in CLOSE_MARKS:
                continue
            if not carried:
                chain += 1
            carried = False
            open_at = i + 1
        else:
            if ch in OPEN_MARKS:
                continue  # a nested opening curly mark: keep the outer quote open
            spans.append(QuoteSpan(open_at, i, chain, True))
            open_at = None
    if open_at is not None:
        spans.append(QuoteSpan(open_at, paragraph_end(open_at), chain, False))
    # Trim whitespace inside the marks.
    out = []
    for s in spans:
        inner = text[s.start:s.end]
        lead = len(inner) - len(inner.lstrip())
        body = inner.strip()
        if s.closed:
            body = body.rstrip(",").rstrip()  # '"We stay," he said': the comma is the cue's
        if body:
            out.append(QuoteSpan(s.start + lead, s.start + lead + len(body), s.chain, s.closed))
    return out



class Inside:
    """Fast "is this offset inside quotation marks?" over the quote spans."""

    def __init__(self, spans: Sequence[QuoteSpan]) -> None:
        self.spans = sorted((s.start, s.end) for s in spans)
        self.starts = [s for s, _ in self.spans]

    def __call__(self, offset: int) -> bool:
        i = bisect_left(self.starts, offset + 1) - 1
        return i >= 0 and self.spans[i][0] <= offset < self.spans[i][1]

    def covers(self, start: int, end: int) -> bool:
        """Does one quote span hold most of ``[start, end)``?"""
        i = bisect_left(self.starts, start + 1) - 1
        for s, e in self.spans[max(0, i):i + 3]:
            overlap = min(e, end) - max(s, start)
            if overlap > 0.6 * (end - start):
                return True
        return False
