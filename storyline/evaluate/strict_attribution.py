"""The release check's stricter quote matching (issue 15), beside ``attribution``'s lenient one.

- A system quote and a gold attribution *match* when the characters they share are at least
  half of the shorter span (spans as given: quotation marks count where a span holds them).
- A match is *attributed right* when the system's speaker span overlaps the gold Source span,
  or the system's speaker string equals the Source text ignoring case and a leading "the".
- Counting is a one-to-one maximum matching per article (``linear_sum_assignment``): two
  system quotes of one gold attribution count once, the other is a false positive.
- Precision is over all system quotes, recall over gold attributions that have a Source
  (content recall: over all gold attributions).
- *Direct*: a gold attribution when at least half of its content's non-space characters lie
  inside double quotation marks; a system quote when it says so. The direct row matches the
  system's direct quotes against the direct gold attributions.

>>> text = 'Kerry said "we go on" today.'
>>> gold = [StrictGold(((11, 20),), ((0, 5),))]
>>> s = strict_score(text, [StrictQuote((11, 20), (0, 5), "Kerry", True)], gold)
>>> s["direct"].attribution.f1, s["overall"].attribution.f1
(1.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from storyline.evaluate.attribution import PRF, Pieces, Scores, content_match

_OPENING = "“\""
_CLOSING = "”\""


@dataclass(slots=True)
class StrictQuote:
    content: tuple[int, int]
    speaker_span: tuple[int, int]
    speaker: str
    direct: bool


@dataclass(slots=True)
class StrictGold:
    content: Pieces
    source: Pieces | None


def inside_marks(text: str) -> np.ndarray:
    """A boolean per character: is it inside double quotation marks? A quote left open runs
    to the end of its line (the news convention for a quote over several paragraphs).

    >>> inside_marks('a "bc" d').astype(int).tolist()
    [0, 0, 0, 1, 1, 0, 0, 0]
    """
    inside = np.zeros(len(text), dtype=bool)
    open_at: int | None = None
    for i, ch in enumerate(text):
        if ch == "\n" and open_at is not None:
            inside[open_at:i] = True
            open_at = None
        elif open_at is None and ch in _OPENING:
            open_at = i + 1
        elif open_at is not None and ch in _CLOSING:
            inside[open_at:i] = True
            open_at = None
    if open_at is not None:
        inside[open_at:] = True
    return inside


def gold_is_direct(text: str, content: Pieces, inside: np.ndarray) -> bool:
    """At least half of the content's non-space characters lie inside double marks."""
    total = quoted = 0
    for start, end in content:
        for i in range(start, min(end, len(text))):
            if not text[i].isspace():
                total += 1
                quoted += bool(inside[i])
    return total > 0 and 2 * quoted >= total


def _plain_name(name: str) -> str:
    name = " ".join(name.split()).casefold()
    return name[4:] if name.startswith("the ") else name


def _right_speaker(quote: StrictQuote, gold: StrictGold, text: str) -> bool:
    if gold.source is None:
        return False
    a, b = quote.speaker_span
    if any(min(b, e) > max(a, s) for s, e in gold.source):
        return True
    source = " ".join(text[s:e] for s, e in gold.source)
    return _plain_name(quote.speaker) == _plain_name(source)


def _matched(edges: np.ndarray) -> int:
    """The size of a maximum one-to-one matching over a boolean edge matrix."""
    if edges.size == 0 or not edges.any():
        return 0
    rows, cols = linear_sum_assignment(edges.astype(np.int8), maximize=True)
    return int(edges[rows, cols].sum())


def _score(text: str, system: Sequence[StrictQuote], gold: Sequence[StrictGold]) -> Scores:
    content = np.zeros((len(system), len(gold)), dtype=bool)
    right = np.zeros_like(content)
    for i, q in enumerate(system):
        for j, g in enumerate(gold):
            if content_match((q.content,), g.content):
                content[i, j] = True
                right[i, j] = _right_speaker(q, g, text)
    n_content, n_right = _matched(content), _matched(right)
    with_source = sum(g.source is not None for g in gold)
    return Scores(PRF(n_content, len(system), n_content, len(gold)),
                  PRF(n_right, len(system), n_right, with_source))


def strict_score(text: str, system: Sequence[StrictQuote],
                 gold: Sequence[StrictGold]) -> dict[str, Scores]:
    """``{"overall": Scores, "direct": Scores}`` of one article (see the module docstring)."""
    inside = inside_marks(text)
    direct_gold = [g for g in gold if gold_is_direct(text, g.content, inside)]
    return {"overall": _score(text, system, gold),
            "direct": _score(text, [q for q in system if q.direct], direct_gold)}
