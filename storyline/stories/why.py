"""Why a story holds its articles: for each member, the evidence that ties it to the others.

For every article of a story this finds the member it resembles most, by the measures the
stories stage blends (``storyline.stories.similarity``): sentence vectors of the lead,
TF-IDF over words and over named entities (with the store's document frequencies), the
closest pair of statements, and the days between the two. It names what they share (the
entities and the strongest words) and flags an article whose best match is weak: little
evidence ties it to any other member, so it may have been joined wrongly. It also says
when the members fall into two groups with little evidence between them (a story that may
be two events: each article then matches best within its own group).

Everything is computed from what the store already holds: the articles and their stored
analyses (entities, sentences and sentence vectors; ``storyline.analyze.cache``). No spaCy
model is loaded when every member has a stored analysis; members without one are analyzed
(and the analysis saved, as the digest does) only when the caller allows it.

The stored analysis has no vector of the title, so the lead vector here averages the lead
sentences only: the dense part can differ slightly from what assignment saw.

>>> import numpy as np
>>> from storyline.model import Analysis, Article, Entity, Sentence
>>> from storyline.analyze.pipeline import AnalyzedArticle
>>> def made(aid, text, names, vector):
...     ents = [Entity(n, "PERSON", text.index(n), text.index(n) + len(n), n.lower())
...             for n in names]
...     v = np.array([vector], np.float32) / np.linalg.norm(vector)
...     analysis = Analysis(aid, "x", [Sentence(0, 0, len(text), text)], ents)
...     return AnalyzedArticle(Article(text, id=aid), analysis, v, v[0])
>>> found = explain([made("a", "Judge Okafor sentenced Alvarez for fraud.", ["Okafor"], [1, 0]),
...                  made("b", "Okafor jailed Alvarez over the fraud.", ["Okafor"], [1, 0.1]),
...                  made("c", "Rain fell on the harbour all week.", [], [0, 1])])
>>> [(w.article_id, w.best_match, w.shared_entities, w.weak) for w in found]
[('a', 'b', ['Okafor'], False), ('b', 'a', ['Okafor'], False), ('c', 'b', [], True)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.model import Article
from storyline.stories import features as feats
from storyline.stories.cluster import Params
from storyline.stories.frequencies import DocumentFrequencies
from storyline.stories.moments import posix
from storyline.stories.similarity import (
    Weighted,
    Weights,
    blend,
    statement_overlap,
    time_gap_days,
    weighted_cosine,
)

SHOWN_TERMS = 8  # shared words shown per article
SHOWN_ENTITIES = 8


@dataclass(frozen=True, slots=True)
class Evidence:
    """The parts of the blended similarity between two articles."""

    dense: float  # cosine of the lead sentence vectors
    words: float  # cosine of the TF-IDF word vectors
    entities: float  # cosine of the TF-IDF entity vectors
    statements: float | None  # the closest pair of sentences (None: one side has none)

    def to_json(self) -> dict[str, Any]:
        return {"dense": _r(self.dense), "words": _r(self.words),
                "entities": _r(self.entities),
                "statements": None if self.statements is None else _r(self.statements)}


@dataclass(frozen=True, slots=True)
class ArticleWhy:
    """Why one article is in its story: the member it matches best, and on what evidence."""

    article_id: str
    title: str
    source: str | None
    best_match: str | None  # None when the article is alone in its story
    similarity: float | None  # the blended score with ``best_match``
    evidence: Evidence | None
    shared_entities: list[str] = field(default_factory=list)  # strongest first
    shared_terms: list[str] = field(default_factory=list)  # strongest first
    days_apart: float | None = None  # None when either is undated
    weak: bool = False  # little evidence ties it to any other member
    # The pile (a --format lines file) it is a line of: a pile's snippets are grouped by
    # topic with its other lines (stories.snippets), not by the event decision.
    pile: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id, "title": self.title, "source": self.source,
            "best_match": self.best_match,
            "similarity": None if self.similarity is None else _r(self.similarity),
            "evidence": self.evidence.to_json() if self.evidence else None,
            "shared_entities": list(self.shared_entities),
            "shared_terms": list(self.shared_terms),
            "days_apart": None if self.days_apart is None else round(self.days_apart, 1),
            "weak": self.weak,
            "pile": self.pile,
        }


@dataclass(frozen=True, slots=True)
class StoryWhy:
    """The evidence for every member of one story (in the order the members were given).

    ``groups``: when the members fall into two groups with little evidence between them
    (average-linkage clustering of the pairwise similarities cut in two, each group of two
    articles or more, and a mean similarity between the groups below ``weak_below``), the
    article ids of each group: a story that may be two events. Empty otherwise.
    """

    story_id: str
    articles: list[ArticleWhy]
    weak_below: float  # a best match scoring below this is flagged weak
    groups: list[list[str]] = field(default_factory=list)
    between: float | None = None  # mean similarity between the two groups, when computed

    @property
    def weak(self) -> list[str]:
        """Ids of the weakly attached members."""
        return [a.article_id for a in self.articles if a.weak]

    def to_json(self) -> dict[str, Any]:
        return {"story_id": self.story_id, "weak_below": self.weak_below,
                "weak": self.weak, "groups": [list(g) for g in self.groups],
                "between_groups": None if self.between is None else _r(self.between),
                "articles": [a.to_json() for a in self.articles]}


@dataclass(slots=True)
class _Member:
    """One article as compared here (the stories stage's features, from its analysis)."""

    article: Article
    vector: np.ndarray
    statements: np.ndarray  # int8 rows
    words: Weighted
    entities: Weighted
    entity_names: dict[int, str]
    terms: dict[int, list[str]]  # hashed word id -> the words that hash to it
    moment: float | None


def explain(analyzed: Sequence[AnalyzedArticle], *, word_df: DocumentFrequencies | None = None,
            entity_df: DocumentFrequencies | None = None, weights: Weights | None = None,
            weak_below: float | None = None) -> list[ArticleWhy]:
    """For each analyzed article, its best match among the others and the evidence.

    ``word_df`` / ``entity_df``: document frequencies for the TF-IDF weights (the store's,
    see :func:`explain_stored`; none: every feature weighs the same). ``weak_below``: the
    blended score under which a best match counts as weak (default: the join threshold of
    :class:`storyline.stories.cluster.Params`). See the module docstring for an example.
    """
    return explain_story("", analyzed, word_df=word_df, entity_df=entity_df, weights=weights,
                         weak_below=weak_below).articles


def explain_story(story_id: str, analyzed: Sequence[AnalyzedArticle], *,
                  word_df: DocumentFrequencies | None = None,
                  entity_df: DocumentFrequencies | None = None, weights: Weights | None = None,
                  weak_below: float | None = None) -> StoryWhy:
    """:func:`explain` for every member, and whether the members form two groups.

    >>> explain_story("s", []).articles
    []
    """
    weights = weights or Weights()
    weak_below = Params().threshold if weak_below is None else weak_below
    word_df = word_df or DocumentFrequencies(feats.WORD_FEATURES)
    entity_df = entity_df or DocumentFrequencies(feats.ENTITY_FEATURES)
    members = _members(analyzed, word_df, entity_df) if analyzed else []
    n = len(members)
    scores = np.full((n, n), -np.inf)
    evidence: dict[tuple[int, int], Evidence] = {}
    for i in range(n):
        for j in range(i + 1, n):
            found = evidence[i, j] = evidence[j, i] = _evidence(members[i], members[j])
            scores[i, j] = scores[j, i] = blend(
                found.dense, found.words, found.entities, _days(members[i], members[j]), 1,
                weights, found.statements)
    out = []
    for i, member in enumerate(members):
        article = member.article
        title = article.title or feats.clean_lead(article.text[:90]) or article.id
        if n < 2:
            out.append(ArticleWhy(article.id, title, article.source, None, None, None))
            continue
        j = int(np.argmax(scores[i]))
        best = members[j]
        out.append(ArticleWhy(
            article.id, title, article.source, best.article.id, float(scores[i, j]),
            evidence[i, j], _shared_entities(member, best), _shared_terms(member, best),
            _days(member, best), bool(scores[i, j] < weak_below), feats.article_pile(article)))
    groups, between = _two_groups(scores, [m.article.id for m in members], weak_below)
    return StoryWhy(story_id, out, weak_below, groups, between)


def _two_groups(scores: np.ndarray, ids: list[str], weak_below: float
                ) -> tuple[list[list[str]], float | None]:
    """The two groups of the average-linkage cut, when little evidence joins them."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if len(ids) < 4:
        return [], None
    # Any decreasing function of the similarity will do for average linkage; a blended
    # score can exceed 1, so distances are measured down from the highest one.
    off = ~np.eye(len(ids), dtype=bool)
    distance = np.where(off, scores[off].max() - scores, 0.0)
    labels = fcluster(linkage(squareform(distance, checks=False), "average"), 2, "maxclust")
    first, second = labels == labels[0], labels != labels[0]
    if first.sum() < 2 or second.sum() < 2:
        return [], None
    between = float(scores[np.ix_(first, second)].mean())
    if between >= weak_below:
        return [], between
    return [[ids[k] for k in np.flatnonzero(g)] for g in (first, second)], between


def explain_stored(store, story_id: str, articles: Sequence[Article], *,
                   analyze_missing: bool = True) -> StoryWhy | None:
    """The evidence for the story ``story_id`` made of ``articles``, from the store.

    Stored analyses are used; members without one are analyzed and saved when
    ``analyze_missing`` (this loads the NLP models), else the answer is None.
    """
    from storyline.analyze import cache

    found = {k: v for k, v in cache.load(store, articles).items()
             if len(v.sentence_vectors) == len(v.analysis.sentences)}
    missing = [a for a in articles if a.id not in found]
    if missing:
        if not analyze_missing:
            return None
        found.update((d.article.id, d) for d in cache.analyze_stored(store, missing))
    word_df, entity_df = _frequencies(store)
    params = Params()
    return explain_story(story_id, [found[a.id] for a in articles], word_df=word_df,
                         entity_df=entity_df, weights=params.weights,
                         weak_below=params.threshold)


# -- the features of the stories stage, from a stored analysis ------------------------------


def _members(analyzed: Sequence[AnalyzedArticle], word_df: DocumentFrequencies,
             entity_df: DocumentFrequencies) -> list[_Member]:
    texts = [f"{d.article.title or ''}\n{d.article.text[:feats.WORD_CHARS]}" for d in analyzed]
    counts = feats._word_counts(texts)
    words_vectorizer, _ = feats._vectorizers()
    analyzer = words_vectorizer.build_analyzer()
    out = []
    for i, done in enumerate(analyzed):
        w_ids, w_tf = feats._sparse_row(counts, i, feats.MAX_TERMS)
        # The entities the stories stage reads: those of the first NER_CHARS characters.
        ents = [SimpleNamespace(text=e.text, label_=e.label) for e in done.analysis.entities
                if e.end <= feats.NER_CHARS]
        e_ids, e_tf, names = feats._entities(SimpleNamespace(ents=ents))
        rows = _statement_rows(done)
        lead = rows[:feats.LEAD_SENTENCES].mean(axis=0) if len(rows) else done.vector
        norm = float(np.linalg.norm(lead))
        out.append(_Member(
            done.article, (lead / norm if norm else lead).astype(np.float32),
            feats.quantize(rows), Weighted.of(w_ids, w_tf, word_df),
            Weighted.of(e_ids, e_tf, entity_df), names,
            _term_names(analyzer(texts[i]), set(w_ids.tolist()), words_vectorizer),
            posix(done.article.published)))
    return out


def _statement_rows(done: AnalyzedArticle) -> np.ndarray:
    """Vectors of the first sentences that read as sentences (three words or more)."""
    keep = [i for i, s in enumerate(done.analysis.sentences)
            if len(feats.clean_lead(s.text).split()) >= 3][:feats.STATEMENT_SENTENCES]
    if not keep and len(done.sentence_vectors):
        keep = [0]
    return np.asarray(done.sentence_vectors[keep], np.float32).reshape(-1, done.vector.shape[-1])


def _term_names(tokens: list[str], kept: set[int], vectorizer) -> dict[int, list[str]]:
    """The words behind the hashed ids ``kept`` (hashed by the stories stage's vectorizer)."""
    unique = sorted(set(tokens))
    if not unique:
        return {}
    hashed = vectorizer.transform(unique).tocsr()
    names: dict[int, list[str]] = {}
    for j, word in enumerate(unique):
        start, end = hashed.indptr[j], hashed.indptr[j + 1]
        if end > start and int(hashed.indices[start]) in kept:
            names.setdefault(int(hashed.indices[start]), []).append(word)
    return names


def _frequencies(store) -> tuple[DocumentFrequencies, DocumentFrequencies]:
    from storyline.stories.repository import load_frequencies

    return load_frequencies(store)


# -- comparing two members ------------------------------------------------------------------


def _evidence(a: _Member, b: _Member) -> Evidence:
    statements = (statement_overlap(a.statements, b.statements)
                  if len(a.statements) and len(b.statements) else None)
    return Evidence(float(a.vector @ b.vector), weighted_cosine(a.words, b.words),
                    weighted_cosine(a.entities, b.entities), statements)


def _days(a: _Member, b: _Member) -> float | None:
    return time_gap_days(a.moment, b.moment, b.moment)


def _shared(a: Weighted, b: Weighted) -> list[int]:
    """Ids in both, the largest contribution to the cosine first."""
    common, ia, ib = np.intersect1d(a.ids, b.ids, assume_unique=True, return_indices=True)
    order = np.lexsort((common, -(a.weights[ia] * b.weights[ib])))
    return [int(common[k]) for k in order]


def _shared_entities(a: _Member, b: _Member) -> list[str]:
    names = []
    for key in _shared(a.entities, b.entities):
        name = max((a.entity_names.get(key, ""), b.entity_names.get(key, "")), key=len)
        if name and name not in names:
            names.append(name)
    return names[:SHOWN_ENTITIES]


def _shared_terms(a: _Member, b: _Member) -> list[str]:
    words = []
    for key in _shared(a.words, b.words):
        both = sorted(set(a.terms.get(key, [])) & set(b.terms.get(key, [])))
        words.extend(w for w in both if w not in words)
        if len(words) >= SHOWN_TERMS:
            break
    return words[:SHOWN_TERMS]


def _r(value: float) -> float:
    return round(float(value), 3)


__all__ = ["ArticleWhy", "Evidence", "StoryWhy", "explain", "explain_story", "explain_stored"]
