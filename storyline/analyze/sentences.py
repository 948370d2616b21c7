"""Sentences from spaCy's parse, with offsets into the article's original text.

>>> from storyline.analyze.nlp import nlp
>>> doc = nlp()("  Talks resumed.\\n\\nThey ended. ")
>>> [(s.start, s.end, s.text) for s in read_sentences(doc)]
[(2, 16, 'Talks resumed.'), (18, 29, 'They ended.')]
"""

from __future__ import annotations

from storyline.model import Sentence


def read_sentences(doc, offset: int = 0) -> list[Sentence]:
    """Sentences of ``doc`` without surrounding whitespace; ``offset`` shifts every span
    (the Doc may hold a piece of a longer text)."""
    out: list[Sentence] = []
    for sent in doc.sents:
        raw = sent.text
        text = raw.strip()
        if not text:
            continue
        start = sent.start_char + (len(raw) - len(raw.lstrip())) + offset
        out.append(Sentence(len(out), start, start + len(text), text))
    return out


def sentence_index(sentences: list[Sentence]):
    """A function ``offset -> index of the sentence holding it`` (-1 before the first)."""
    from bisect import bisect_right

    starts = [s.start for s in sentences]

    def find(offset: int) -> int:
        return bisect_right(starts, offset) - 1

    return find
