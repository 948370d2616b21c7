"""Update summaries: what a story's unseen articles add to the articles a reader has seen.

A reader who comes back to a story has read some of its articles (``seen``). The update
summary quotes only sentences of the unseen articles and never one that repeats what a seen
article said. Repetition is measured the way the summarizer measures it between its own
sentences, against every sentence of every seen article:

- the same content (``citations.same_content``: MiniLM close, or fairly close with shared
  TF-IDF words) as a seen candidate sentence, or a MiniLM cosine / blended similarity past
  the summary's own redundancy bars (``SummaryConfig.redundant_dense`` / ``redundant_blend``);
- or a ROUGE-2-style overlap: most of the sentence's content-word bigrams (stemmed, without
  stop words: the TF-IDF vocabulary) already occur in the seen articles.

The remaining sentences are ranked by the summary's importance times their novelty (the share
of their bigrams the reader has not met), and selected as a summary is, with the coverage
term counting only the new sentences. Citations still name every article, seen or not, that
reports the same content: a reader may want to see who else said it.

>>> from datetime import datetime, UTC
>>> from storyline.model import Article
>>> from storyline.analyze.pipeline import analyze
>>> old = Article(id="a", published=datetime(2024, 5, 1, tzinfo=UTC), text="Heavy rain "
...     "flooded the old town of Passau on Monday, forcing hundreds of residents to leave.")
>>> new = Article(id="b", published=datetime(2024, 5, 2, tzinfo=UTC), text="Heavy rain "
...     "flooded the old town of Passau on Monday, forcing hundreds of residents to leave. "
...     "The army sent two hundred soldiers to build sandbag walls along the Danube banks.")
>>> [c.text for c in update_summary(analyze([old, new]), seen={"a"}, words=40)]
['The army sent two hundred soldiers to build sandbag walls along the Danube banks.']
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest.candidates import content_words
from storyline.digest.summary import (
    DEFAULT_WORDS,
    Scored,
    SummaryConfig,
    score,
    select,
    summarize,
    to_citations,
)
from storyline.model import Citation


@dataclass(slots=True)
class UpdateConfig:
    """How strictly an update summary avoids what the reader has seen."""

    seen_bigrams: float = 0.5  # a sentence whose content bigrams were seen this much is old
    novelty_power: float = 1.0  # importance *= novelty ** power (novelty = unseen bigrams)
    summary: SummaryConfig | None = None


def is_seen(article) -> bool:
    """Whether an Article carries ``"seen": true`` (docs/formats.md §2).

    >>> from storyline.model import Article
    >>> is_seen(Article(text="x", extra={"seen": True})), is_seen(Article(text="x"))
    (True, False)
    """
    return article.extra.get("seen") is True


def seen_before(articles: Sequence, since: datetime) -> set[str]:
    """Ids of the articles published on or before ``since`` (undated ones count as new).

    >>> from datetime import UTC
    >>> from storyline.model import Article
    >>> a = Article(text="x", id="a", published=datetime(2024, 1, 1, tzinfo=UTC))
    >>> b = Article(text="y", id="b", published=datetime(2024, 1, 3, tzinfo=UTC))
    >>> sorted(seen_before([a, b], datetime(2024, 1, 2, tzinfo=UTC)))
    ['a']
    """
    return {a.id for a in articles if a.published is not None and a.published <= since}


def update_summary(analyzed: Sequence[AnalyzedArticle], seen: Collection[str], *,
                   words: int | None = None, sentences: int | None = None,
                   config: UpdateConfig | None = None, fill: bool = False) -> list[Citation]:
    """What the articles not in ``seen`` (article ids) add, cited; [] when nothing is new.

    With no seen article this is the story's ordinary summary.
    """
    config = config or UpdateConfig()
    summary_config = config.summary or SummaryConfig()
    if words is None and sentences is None:
        words = DEFAULT_WORDS
    old = np.asarray([item.article.id in seen for item in analyzed], bool)
    if not old.any():
        return summarize(analyzed, words=words, sentences=sentences, config=summary_config,
                         fill=fill)
    if old.all():
        return []
    scored = score(analyzed, summary_config)
    if not len(scored.pool):
        return []
    allowed, novelty = new_content(scored, old, config, summary_config)
    if not allowed.any():
        return []
    # Both the summary's importance and its learned part (the bigrams a human summary is
    # expected to share) count only what is new: unscaled, the learned part favoured the
    # background every later article repeats (DUC 2006: 36% of bigrams already read,
    # against 25% before it existed).
    weight = np.power(novelty, config.novelty_power).astype(np.float32)
    scored.importance = (scored.importance * weight).astype(np.float32)
    if scored.learned is not None:
        scored.learned = (scored.learned * weight).astype(np.float32)
    if summary_config.method == "concepts" and len(analyzed) >= summary_config.concepts_from:
        # The summary's own selection (concept coverage), over what is new.
        from storyline.digest.summary_concepts import select_concepts

        chosen = select_concepts(scored, words=words, sentences=sentences,
                                 config=summary_config, fill=fill, allowed=allowed,
                                 seen=old[scored.pool.article_of])
    else:
        chosen = select(scored, words=words, sentences=sentences, config=summary_config,
                        fill=fill, allowed=allowed, focus=allowed)
    return to_citations(scored, chosen)


def new_content(scored: Scored, old_articles: np.ndarray, config: UpdateConfig,
                summary_config: SummaryConfig) -> tuple[np.ndarray, np.ndarray]:
    """(may be quoted, novelty in [0, 1]) for every candidate of ``scored``.

    A candidate may be quoted when its article is unseen and it repeats no seen sentence.
    """
    pool = scored.pool
    article_of = pool.article_of
    old_rows = old_articles[article_of]
    allowed = ~old_rows
    if old_rows.any():
        allowed &= ~scored.same[:, old_rows].any(axis=1)
        allowed &= ~(scored.dense[:, old_rows] >= summary_config.redundant_dense).any(axis=1)
        allowed &= ~(scored.similarity[:, old_rows] >= summary_config.redundant_blend).any(axis=1)
    seen_vectors, seen_pairs = _seen_sentences(pool.analyzed, old_articles)
    if len(seen_vectors):
        closest = (pool.dense @ seen_vectors.T).max(axis=1)
        allowed &= closest < summary_config.redundant_dense
    novelty = np.ones(len(pool), np.float32)
    for i, c in enumerate(pool.candidates):
        pairs = bigrams(c.text)
        if pairs:
            novelty[i] = 1.0 - len(pairs & seen_pairs) / len(pairs)
    allowed &= novelty > 1.0 - config.seen_bigrams
    return allowed, novelty


def bigrams(text: str) -> set[tuple[str, str]]:
    """Content-word bigrams (stemmed, no stop words), the unit of the ROUGE-2-style overlap.

    >>> sorted(bigrams("The ministers met in Geneva"))
    [('met', 'geneva'), ('minist', 'met')]
    """
    words = content_words(text)
    return set(zip(words, words[1:], strict=False))


def _seen_sentences(analyzed: Sequence[AnalyzedArticle], old: np.ndarray
                    ) -> tuple[np.ndarray, set[tuple[str, str]]]:
    """MiniLM vectors of every sentence of the seen articles, and their bigrams."""
    vectors, pairs = [], set()
    for index in np.flatnonzero(old):
        item = analyzed[int(index)]
        pairs |= bigrams(item.article.text)
        if len(item.sentence_vectors):
            vectors.append(np.asarray(item.sentence_vectors, np.float32))
    if not vectors:
        return np.zeros((0, 384), np.float32), pairs
    return np.concatenate(vectors), pairs
