"""An article's lead, and an analysis cut to it.

A big story's first digest analyzes each article's lead, not all of it
(``storyline.digest.first_analysis``): the lead is the article's first sentences, found by
the text layer's rule-based splitter, so it is known before any model runs.
:func:`cut_analysis` reads an analysis of the whole article as the analysis of its lead
alone would read (every sentence, name, time, quote and figure that ends inside the lead;
up to the parse of the lead's last words, which saw more context): what
``benchmarks/lead_quality.py`` scores a summary of leads with, on data analyzed whole.

>>> text = "Rain fell on Monday. Rivers rose. Roads closed. Schools shut."
>>> text[:lead_end(text, 2)]
'Rain fell on Monday. Rivers rose.'
>>> lead_end(text, 9) == len(text)
True
"""

from __future__ import annotations

from dataclasses import replace

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.text.sentences import split_sentences


def lead_end(text: str, sentences: int) -> int:
    """Where the first ``sentences`` sentences of ``text`` end (``len(text)`` when it has no
    more than that)."""
    spans = split_sentences(text)
    return spans[sentences - 1][1] if len(spans) > sentences else len(text)


def cut_analysis(done: AnalyzedArticle, sentences: int) -> AnalyzedArticle:
    """``done`` read as the analysis of its article's first ``sentences`` sentences alone:
    without what ends after them (its vectors cut with its sentences); ``done`` itself when
    everything ends inside."""
    end = lead_end(done.article.text or "", sentences)
    a = done.analysis
    keep = [s for s in a.sentences if s.end <= end]
    if len(keep) == len(a.sentences):
        return done
    analysis = replace(
        a, sentences=keep,
        entities=[e for e in a.entities if e.end <= end],
        times=[t for t in a.times if t.end <= end],
        quotes=[q for q in a.quotes if max(q.end, q.speaker_end, q.cue_end) <= end],
        numbers=[n for n in a.numbers if n.end <= end])
    vectors = done.sentence_vectors[:len(keep)] if len(done.sentence_vectors) else \
        done.sentence_vectors
    return AnalyzedArticle(done.article, analysis, vectors, done.vector, lead=sentences)
