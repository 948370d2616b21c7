"""Which sentences a timeline query is about: query words read as the texts write them.

>>> QueryMatcher("MJ", ["Michael Jackson sang."] * 3).terms
['michael', 'jackson']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


class QueryMatcher:
    """Does a sentence talk about the query? Words match as word prefixes, loosely.

    A topic name is often not itself a word of the text, so each query word is read as the
    corpus writes it: ``EgyptianProtest`` is *egyptian* or *protest* (long words match by
    their first five letters, so *egypt* finds "Egypt" and "Egyptians"); ``bpoil``, a
    word the texts never use, is split into words they do use (*bp*, *oil*); ``MJ``,
    capitals the texts never use alone, are the initials of the most frequent name with
    those initials ("Michael Jackson"). A word that cannot be read any way is dropped.

    >>> m = QueryMatcher("EgyptianProtest", ["Egypt braced for protests.", "Rain fell."])
    >>> m.matches("Egyptians marched."), m.matches("Rain fell.")
    (True, False)
    >>> QueryMatcher("bpoil", ["BP said oil leaked."] * 3).terms
    ['bp', 'oil']
    """

    def __init__(self, query: str, texts: Sequence[str],
                 counts: Counter[str] | None = None) -> None:
        """``counts`` (optional): how often each lower-cased word occurs in ``texts``."""
        if counts is None:
            counts = Counter(t.lower() for text in texts for t in _TOKEN.findall(text))
        self.terms: list[str] = []
        for word in query.split():
            for part in _CAMEL.split(word):
                for term in self._read(part, counts, texts):
                    if term not in self.terms:
                        self.terms.append(term)
        if not self.terms:  # nothing readable: a filter that keeps nothing would mislead
            self.terms = [w.lower() for w in query.split()]
        alternatives = "|".join(
            re.escape(t) + (r"[\w'\-]*" if len(t) >= 4 else r"s?") for t in
            sorted((_stem(t) for t in self.terms), key=len, reverse=True))
        self._pattern = re.compile(r"\b(?:" + alternatives + r")\b", re.I)

    def matches(self, text: str) -> bool:
        return bool(self._pattern.search(text))

    @staticmethod
    def _read(part: str, counts: Counter[str], texts: Sequence[str]) -> list[str]:
        # A word used only once or twice (a URL, a tag) is not how the texts name the topic.
        common = max(3, len(texts) // 500)
        low = part.lower()
        stem = _stem(low)
        seen = counts[low] + (sum(n for t, n in counts.items() if t.startswith(stem) and t != low)
                              if len(stem) >= 4 else 0)
        if part.isupper() and 2 <= len(part) <= 4 and counts[low] < common:
            name = _initials(part, texts)
            if name:
                return name
        if seen >= common:
            return [low]
        best: tuple[int, list[str]] | None = None
        for cut in range(2, len(low) - 1):
            a, b = low[:cut], low[cut:]
            if counts[a] >= common and counts[b] >= common:
                score = min(counts[a], counts[b])
                if best is None or score > best[0]:
                    best = (score, [a, b])
        if best:
            return best[1]
        return [low] if seen else []


def _stem(term: str) -> str:
    return term[:5] if len(term) > 5 else term


def _initials(letters: str, texts: Sequence[str]) -> list[str]:
    """Words of the most frequent capitalised name whose initials are ``letters``."""
    pattern = re.compile(r"\b" + r"\s+".join(f"{c}[a-z]+" for c in letters.upper()) + r"\b")
    names = Counter(m.group(0) for text in texts for m in pattern.finditer(text))
    if not names:
        return []
    return [w.lower() for w in names.most_common(1)[0][0].split()]
