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

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest.candidates import published_key
from storyline.digest.disagreements import find_disagreements
from storyline.digest.entity_list import story_names, top_entities
from storyline.digest.summary import summarize
from storyline.errors import DigestError
from storyline.model import Article, Digest, Quote
from storyline.text.standalone import quotes_balanced

_PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "this", "that", "who",
             # a negated speaker states the opposite: "nobody warned them the lake might ..."
             "nobody", "no one", "none", "neither", "no official", "no one else"}


@dataclass(frozen=True, slots=True)
class DigestSize:
    """How much of each part a digest shows."""

    summary_words: int = 120
    timeline_dates: int = 8
    per_date: int = 2
    quotes: int = 12
    entities: int = 12


class StoryNotFound(DigestError, LookupError):
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
    from storyline.digest.first_analysis import analyze_members

    return analyze_members(articles, store=store)


def compose(story_id: str, analyzed: Sequence[AnalyzedArticle],
            size: DigestSize | None = None) -> Digest:
    """A digest from analyzed articles (reading order: publication time)."""
    size = size or DigestSize()
    analyzed = sorted(analyzed, key=published_key)
    timeline = _timeline_beside(analyzed, size)
    names = story_names(analyzed)  # "Kerry said" -> "John Kerry said", as the story names him
    summary = summarize(analyzed, words=size.summary_words) if analyzed else []
    quotes = [replace(q, speaker=names.get(q.speaker, q.speaker))
              for q in top_quotes(analyzed, size.quotes)]
    entities = top_entities(analyzed, size.entities)
    disagreements = find_disagreements(analyzed)
    return Digest(
        story_id=story_id,
        summary=summary,
        timeline=timeline(),
        quotes=quotes,
        entities=entities,
        disagreements=disagreements,
        lead_sentences=max((a.lead for a in analyzed), default=0) or None,
    )


def _timeline_beside(analyzed: Sequence[AnalyzedArticle], size: DigestSize) -> Callable:
    """A call that gives the story's timeline: built now, or, for a story read from its
    leads, in a process forked from this one while this one writes the other parts.

    Such a timeline reads every sentence of the whole texts (~0.6 s for 100 long articles,
    against ~0.5 s for the rest of the digest), and the first digest of a big story is the
    one a reader waits for (docs/results/speed.md). Where this process may not fork
    (threads running, Windows, macOS's spawn), it is built here first.
    """
    from storyline.analyze.workers import can_fork

    articles = [a.article for a in analyzed]
    if not any(a.lead for a in analyzed) or len(articles) < 2 or not can_fork():
        timeline = _timeline(analyzed, size)
        return lambda: timeline
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    future = executor.submit(_lead_timeline, articles, size)

    def result() -> list:
        try:
            return future.result()
        finally:
            executor.shutdown()
    return result


def _timeline(analyzed: Sequence[AnalyzedArticle], size: DigestSize) -> list:
    if any(a.lead for a in analyzed):
        return _lead_timeline([a.article for a in analyzed], size)
    if not any(a.article.published for a in analyzed) and not any(
            a.analysis.times for a in analyzed):
        return []
    from storyline.digest.timeline import build_timeline

    return build_timeline(analyzed, dates=size.timeline_dates, per_date=size.per_date)


def _lead_timeline(articles: Sequence[Article], size: DigestSize) -> list:
    """A big story's analyses hold only the leads; the days it talks about are read from
    the whole texts by the timeline's light reader (what ``storyline timeline`` does)."""
    from storyline.digest.timeline import build_timeline

    return build_timeline(articles, dates=size.timeline_dates, per_date=size.per_date)


def top_quotes(analyzed: Sequence[AnalyzedArticle], limit: int) -> list[Quote]:
    """Who said what: attributed statements with a named speaker, each statement once.

    Direct quotes come before reported speech, then earlier articles and positions; the
    same words quoted by several outlets are kept once (the earliest). Left out, since a
    wrong or half statement is worse than none: a speaker the article does not name ("he"
    with no one it can stand for), a stance read from a verb's object ("Washington supports
    the opposition"), a fragment of a sentence ("said: would restore credibility"), and a
    statement that holds another attribution ("found: City engineer Sven Dale said"). A
    quote in parts ('"We stay," he said. "We fight."') is shown as its parts.
    """
    found: list[tuple[tuple, Quote]] = []
    seen: set[str] = set()
    for a_index, item in enumerate(analyzed):
        quotes = getattr(item.analysis, "quotes", None) or []
        for q in quotes:
            if not _trustworthy(q, quotes):
                continue
            text = _shown(q, item.article.text)
            if not q.direct and not quotes_balanced(text):
                continue  # "saying: `` he is no longer a brother": half a quotation
            key = " ".join(re.findall(r"\w+", text.lower()))[:120]
            if key in seen:
                continue
            seen.add(key)
            found.append(((not q.direct, a_index, q.start),
                          replace(q, article_id=item.article.id, quote=text)))
    found.sort(key=lambda pair: pair[0])
    return [q for _, q in found[:limit]]


# Words a clause starts with when its subject was left behind ("which Kerry said would ...").
_FRAGMENT_STARTS = frozenset("""would will was were is are has have had could can should may
might must to be been being did does do not""".split())


# Verbs that report speech or writing (by their first letters: "said", "says", "saying").
# A cue outside them is no statement a reader should see as said: a photo caption's
# "tribes shown", a web page's "Refugees flee explained:" over a headline is caught below.
_SPEECH_CUES = tuple("""sa tell told announc report add stat explain claim insist warn note
writ wrote confirm den accus argu ask urg describ predict promis vow pledg suggest acknowledg
admit estimat according declar stress emphas comment respond repl testif recall complain
alleg conced assert maintain believ think thought hope fear expect contend charg counter
conclud caution demand quip joke shout recount reiterat indicat tweet post reveal disclos
observ point agree disagree dismiss reject welcom condemn critici prais blam cit quot
threaten call plead""".split())


_QUESTION_WORDS = frozenset("who what why how where when which whom whose".split())


def _trustworthy(q: Quote, others: Sequence[Quote]) -> bool:
    speaker = q.speaker.strip()
    if q.stance or not speaker or not speaker[0].isalnum() or speaker.lower() in _PRONOUNS:
        return False
    words = [w for w in (w.lstrip("\"“‘'(`") for w in q.quote.split()) if w]
    if len(words) < 4 or q.quote.rstrip(" '\"”’`").endswith("?") \
            or words[0].lower() in _QUESTION_WORDS:
        return False  # too short to stand, or a question (a headline's "Who is ...")
    cue = q.cue.strip().lower()
    if not cue.startswith(_SPEECH_CUES) or cue.startswith(("show", "saw")):
        return False
    if any(ch.isdigit() or ch == "_" for ch in speaker) or (
            " " not in speaker and cue.startswith(("wrote", "writ"))):
        return False  # a reader's comment under the page: "maxx756 wrote:", "Nich wrote:"
    first = words[0]
    if q.direct and first[:1].islower():
        return False  # a quoted fragment of the writer's sentence
    if not q.direct and (first.lower() in _FRAGMENT_STARTS
                         or (first[:1].islower() and first.endswith("ed"))):
        return False  # "announced: helped evacuate refugees": its subject left behind
    return not any(o is not q and q.start <= o.speaker_start and o.cue_end <= q.end
                   for o in others)


def _shown(q: Quote, text: str) -> str:
    """The statement as a reader sees it: its parts joined, without the cue between them."""
    if not q.parts or not text:
        return q.quote
    pieces = [text[s:e].strip().rstrip(",") for s, e in q.parts]
    return " … ".join(p for p in pieces if p)

