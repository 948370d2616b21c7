"""What a reader sees of a story: summary, timeline, who said what, entities, disagreements.

``build_digest(store, story_id)`` is what the web page and ``storyline show`` call; it reads
the story's articles from the store, takes their analyses from the store's cache where the
analyzer saved them (``storyline.analyze.cache``), analyzes the rest, and composes the parts
with ``compose``, which needs no store.

>>> from storyline.model import Article
>>> from storyline.analyze.pipeline import analyze
>>> d = compose("s1", analyze([Article(id="a", text="Mayor Ines Vark opened the new bridge "
...     "over the Orla river on Monday. \\"It joins two halves of our town,\\" Vark said.")]))
>>> d.story_id, d.summary[0].article_id, d.summary[0].sources
('s1', 'a', ['a'])
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest.candidates import published_key
from storyline.digest.disagreements import find_disagreements
from storyline.digest.summary import summarize
from storyline.model import Digest, Quote

log = logging.getLogger("storyline.digest")

_PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "this", "that", "who"}


@dataclass(frozen=True, slots=True)
class DigestSize:
    """How much of each part a digest shows."""

    summary_words: int = 120
    timeline_dates: int = 8
    per_date: int = 2
    quotes: int = 12
    entities: int = 12


class StoryNotFound(LookupError):
    """No story with that id in the store."""


def build_digest(store, story_id: str, size: DigestSize | None = None) -> Digest:
    """The digest of one stored story (raises ``StoryNotFound`` for an unknown id)."""
    story = store.get_story(story_id)
    if story is None:
        raise StoryNotFound(f"no story {story_id!r}")
    articles = [row.article for row in store.get_articles(story.articles)]
    return compose(story.id, analyze_cached(store, articles), size)


def analyze_cached(store, articles: Sequence) -> list[AnalyzedArticle]:
    """Analyses from the store's cache where present and current, else computed (and saved)."""
    try:
        from storyline.analyze.cache import analyze_stored
    except ImportError:  # an analyzer without a cache: analyze on the fly
        from storyline.analyze.pipeline import analyze

        return analyze(list(articles))
    return analyze_stored(store, list(articles))


def compose(story_id: str, analyzed: Sequence[AnalyzedArticle],
            size: DigestSize | None = None) -> Digest:
    """A digest from analyzed articles (reading order: publication time)."""
    size = size or DigestSize()
    analyzed = sorted(analyzed, key=published_key)
    return Digest(
        story_id=story_id,
        summary=summarize(analyzed, words=size.summary_words) if analyzed else [],
        timeline=_timeline(analyzed, size),
        quotes=top_quotes(analyzed, size.quotes),
        entities=top_entities(analyzed, size.entities),
        disagreements=find_disagreements(analyzed),
    )


def _timeline(analyzed: Sequence[AnalyzedArticle], size: DigestSize) -> list:
    try:  # written alongside this module; a digest without a timeline beats no digest
        from storyline.digest.timeline import build_timeline
    except ImportError:
        log.warning("no timeline builder installed; digest without a timeline")
        return []
    if not any(a.article.published for a in analyzed) and not any(
            a.analysis.times for a in analyzed):
        return []
    return build_timeline(analyzed, dates=size.timeline_dates, per_date=size.per_date)


def top_quotes(analyzed: Sequence[AnalyzedArticle], limit: int) -> list[Quote]:
    """Who said what: attributed statements with a named speaker, each statement once.

    Direct quotes come before reported speech, then earlier articles and positions; the
    same words quoted by several outlets are kept once (the earliest).
    """
    found: list[tuple[tuple, Quote]] = []
    seen: set[str] = set()
    for a_index, item in enumerate(analyzed):
        for q in getattr(item.analysis, "quotes", None) or []:
            speaker = q.speaker.strip()
            if not speaker or speaker.lower() in _PRONOUNS or len(q.quote.split()) < 4:
                continue
            key = " ".join(re.findall(r"\w+", q.quote.lower()))[:120]
            if key in seen:
                continue
            seen.add(key)
            found.append(((not q.direct, a_index, q.start),
                          replace(q, article_id=item.article.id)))
    found.sort(key=lambda pair: pair[0])
    return [q for _, q in found[:limit]]


# Bump when the digest of the same analyzed articles changes: stored digests are rebuilt.
VERSION = "3"  # 2: main entities without nationalities; stricter disagreements;
# 3: disputes need one day and two outlets, evolutions, claim/denial by parse and stance
MAIN_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"})


def top_entities(analyzed: Sequence[AnalyzedArticle], limit: int) -> list[tuple[str, str, int]]:
    """(name, label, mentions) of the most mentioned entities of the story.

    Mentions are united by the analyzer's entity ``key`` (its fullest name in an article)
    and, across articles, by that key case-folded; the name shown is the most common key.
    Only people, organizations, places and named events count: nationalities ("Velorian"),
    products and titles of works are no one a reader looks for in a story.
    """
    counts: Counter[str] = Counter()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for item in analyzed:
        for e in item.analysis.entities:
            if e.label not in MAIN_ENTITY_LABELS:
                continue
            name = " ".join((e.key or e.text).split())
            if not name:
                continue
            folded = name.casefold().removeprefix("the ").replace(".", "")  # U.S., US
            counts[folded] += 1
            names[folded][name] += 1
            labels[folded][e.label] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [(names[k].most_common(1)[0][0], labels[k].most_common(1)[0][0], n)
            for k, n in ranked]
