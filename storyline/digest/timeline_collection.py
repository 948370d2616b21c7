"""The dated sentences of a timeline's articles: every sentence with the day it is about.

A sentence's day is the first day-precise time expression in it outside a relative clause,
resolved against its article's publication date; a sentence without one belongs to its
publication day. Every day it names counts as a reference to that day
(``storyline.digest.timeline`` ranks the days by references and picks sentences from this
collection).

>>> from datetime import datetime
>>> from storyline.model import Article
>>> a = Article(id="a", published=datetime(2016, 9, 24),
...             text="The minister resigned on Friday. Talks resume soon.")
>>> [(s.day.isoformat(), s.mentioned) for s in prepare([a]).sentences]
[('2016-09-23', True), ('2016-09-24', False)]
>>> b = Article(id="b", published=datetime(2016, 9, 24),
...             text="Crowds gathered at the bridge, which fell on Friday.")
>>> [(s.day.isoformat(), s.mentioned, [d.isoformat() for d in s.refers])
...  for s in prepare([b]).sentences]
[('2016-09-24', False, ['2016-09-23'])]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from storyline.digest.timeline_dates import days_by_sentence, light_analysis_many, sentence_days
from storyline.model import Article
from storyline.text.datelines import dateline_end


@dataclass(slots=True)
class DatedSentence:
    """A sentence of one article and the day it is about."""

    doc: int  # index of the article
    start: int
    end: int
    text: str
    position: int  # index of the sentence in its article
    day: date  # the day it is about (mentioned, else published)
    mentioned: bool  # day read from the text (not the publication date)
    words: int
    refers: tuple[date, ...] = ()  # every day the sentence names (its own day among them)


@dataclass(slots=True)
class Collection:
    """Articles with their dated sentences (what :func:`build_timeline` works from)."""

    articles: list[Article]
    sentences: list[DatedSentence] = field(default_factory=list)
    # MiniLM rows of the sentences when every article came analyzed with them, else None.
    vectors: np.ndarray | None = None


def prepare(items: Iterable) -> Collection:
    """Sentences and days of every article (``Article`` or ``AnalyzedArticle``).

    An ``AnalyzedArticle`` brings its own sentences (and time expressions where the
    analysis found them); a plain ``Article`` goes through the light path of
    :mod:`storyline.digest.timeline_dates`.
    """
    items = list(items)
    articles = [getattr(item, "article", item) for item in items]
    for item, article in zip(items, articles, strict=True):
        if not isinstance(article, Article):
            raise TypeError(f"not an article: {type(item).__name__}")
    plain = [i for i, item in enumerate(items)
             if not getattr(getattr(item, "analysis", None), "sentences", None)]
    light = dict(zip(plain, light_analysis_many(
        [(articles[i].text, articles[i].published_date) for i in plain]), strict=True))
    collection = Collection(articles=[])
    rows: list[np.ndarray] | None = [] if not light and items else None
    for index, (item, article) in enumerate(zip(items, articles, strict=True)):
        pub = article.published_date
        if index in light:
            spans, days = light[index]
        else:
            analysis = item.analysis
            spans = [(s.start, s.end) for s in analysis.sentences]
            if analysis.times:
                days = days_by_sentence(article.text, spans, analysis.times)
            else:
                days = sentence_days(article.text, spans, pub)
            vectors = getattr(item, "sentence_vectors", None)
            if rows is not None and (vectors is None or len(vectors) != len(spans)):
                rows = None  # analyzed without vectors: corroboration falls back to words
        doc = len(collection.articles)
        collection.articles.append(article)
        for position, ((start, end), (day, refers)) in enumerate(zip(spans, days,
                                                                      strict=True)):
            if day is None and pub is None:
                continue  # neither the text nor the article says when
            start += dateline_end(article.text[start:end])  # a line starts after "NEW YORK --"
            text = article.text[start:end]
            collection.sentences.append(DatedSentence(
                doc=doc, start=start, end=end, text=text, position=position,
                day=day or pub, mentioned=day is not None, words=len(text.split()),
                refers=refers,
            ))
            if rows is not None:
                rows.append(item.sentence_vectors[position])
    if rows:
        collection.vectors = np.vstack(rows).astype(np.float32)
    return collection
