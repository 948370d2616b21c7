"""Stories form as articles arrive: online assignment, and the same in bulk over an archive.

Each article, in publication order, is compared with the stories open at its time that the
index returns as nearest (never with all stories); it joins the best one when the blended
similarity clears ``Params.threshold``, else it opens a story. A story that moved is checked
against its nearest neighbours and merged when the two turn out to be one.

>>> from storyline.stories.features import ArticleFeatures as F
>>> import numpy as np
>>> def art(i, v): return F(f"a{i}", None, None, np.array(v, np.float32),
...     np.array([i % 2], np.int32), np.ones(1, np.float32), np.zeros(0, np.int32),
...     np.zeros(0, np.float32), {}, f"headline {i}")
>>> clusterer = OnlineClusterer(dim=2)
>>> [clusterer.add(a) == clusterer.add(b) for a, b in [(art(0, [1, 0]), art(2, [1, 0]))]]
[True]
>>> clusterer.add(art(1, [0, 1])) == clusterer.story_of("a0")
False
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from storyline.stories import decision as decisions
from storyline.stories import splitting
from storyline.stories import title as titles
from storyline.stories.decision import Decision
from storyline.stories.evidence import Evidence, shared_count, title_overlap, vector
from storyline.stories.features import ENTITY_FEATURES, WORD_FEATURES, ArticleFeatures
from storyline.stories.frequencies import DocumentFrequencies
from storyline.stories.index import StoryIndex
from storyline.stories.moments import posix
from storyline.stories.similarity import (
    DAY,
    Weighted,
    Weights,
    blend,
    most_from_statements,
    sorted_dot,
    span_gap_days,
    statement_overlap,
    statement_term,
    time_gap_days,
    upper_bound,
)
from storyline.stories.state import MAX_STORY_WORDS, StoryState


def _shipped_decision() -> Decision:
    return decisions.load()


@dataclass(frozen=True, slots=True)
class Params:
    """Defaults measured on DUC 2003 and Multi-News; nothing needs tuning per data set.

    With a ``decision`` model (the default: the shipped one), the blend only ranks the
    candidates: the ``judged`` best that clear ``floor`` are weighed by the model, and the
    article joins the likeliest when its probability clears the model's ``join_bar``. With
    ``decision=None`` the blend decides alone (``threshold``, ``merge_threshold``): the
    hand-set rule this replaced, kept as a baseline.
    """

    threshold: float = 0.10  # without a model: blended score an article needs to join
    merge_threshold: float = 0.15  # blended score at which two stories are weighed for a merge
    # Nearest open stories scored per article. The index ranks by sentence vectors of the
    # lead, the weakest of the three signals on web pages, so the right story can rank far
    # down: 32 instead of 16 found it for +0.004-0.005 B-cubed F1 on Multi-News and the pool.
    candidates: int = 32
    merge_candidates: int = 4
    # A story stays open ``window_days`` after its last article, longer the more coverage it
    # has had. Time is soft evidence (``Weights.per_day``); the window only bounds the index.
    # A running story's next article can come weeks later (DUC 2003's TDT topics: Gaza's
    # airport opening and its closure threats a month on; four kidnapped engineers in
    # Chechnya, then their bodies found 43 days after the last report): 7 days split such
    # stories, 30 still split some (DUC B-cubed F1 0.837 at 7, 0.868 at 30, 0.876 at 45).
    window_days: float = 45.0
    window_per_article: float = 3.0
    max_window_days: float = 90.0
    weights: Weights = field(default_factory=Weights)
    decision: Decision | None = field(default_factory=_shipped_decision)
    floor: float = 0.0  # blend a candidate needs to be weighed by the decision model
    judged: int = 3  # candidates (best blends first) the decision model weighs per article

    def window(self, size: int) -> float:
        return min(self.max_window_days, self.window_days + self.window_per_article * (size - 1))


@dataclass(slots=True)
class Changes:
    """What happened since the last ``drain``: for the store to write in one transaction."""

    stories: list[StoryState] = field(default_factory=list)  # new or changed (incl. merged)
    memberships: list[tuple[str, str, float]] = field(default_factory=list)  # article, story
    merges: list[tuple[str, str]] = field(default_factory=list)  # (absorbed, into), in order
    # Articles a split moved, with the story each is in now (applied after the merges).
    moves: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class Candidate:
    """One story an article could join, with the similarities it was ranked by."""

    state: StoryState
    dense: float
    words: float
    entities: float
    gap: float | None
    statements: float | None
    blend: float


class OnlineClusterer:
    """Assigns articles to stories one at a time; holds the open stories and the index."""

    def __init__(self, params: Params | None = None, *,
                 word_df: DocumentFrequencies | None = None,
                 entity_df: DocumentFrequencies | None = None,
                 stories: Iterable[StoryState] = (), dim: int = 384) -> None:
        self.params = params or Params()
        self.word_df = word_df or DocumentFrequencies(WORD_FEATURES)
        self.entity_df = entity_df or DocumentFrequencies(ENTITY_FEATURES)
        self.stories: dict[str, StoryState] = {}
        self.index = StoryIndex(dim)
        self._assigned: dict[str, str] = {}  # article id -> story id when it was assigned
        self._alias: dict[str, str] = {}  # merged story -> the story it went into
        self.latest: float | None = None  # the latest publication time seen
        self._swept: float | None = None  # publication time of the last eviction
        self._changed: dict[str, StoryState] = {}
        self._members: list[tuple[str, str, float]] = []
        self._merges: list[tuple[str, str]] = []
        self._moved: list[str] = []
        for state in stories:
            self._open(state)
            if state.last is not None:
                self.latest = state.last if self.latest is None else max(self.latest, state.last)

    # -- assignment -------------------------------------------------------------------------

    def add(self, article: ArticleFeatures) -> str:
        """Put ``article`` into its story; returns the story id."""
        moment = posix(article.published)
        self._maybe_evict(moment)
        words, ents = self.weigh(article)
        hits = self.index.search(article.vector, self.params.candidates, moment=moment)
        statements = article.statements.astype(np.float32)  # converted once, not per story
        if self.params.decision is None:
            best, best_score = self._best_of(hits, words, ents, statements, moment)
        else:
            best, best_score = self._decide(article, self.candidates(
                hits, words, ents, statements, moment))
        if best is None:
            best, best_score = StoryState.found(article), 1.0
            while best.id in self.stories:  # the same article re-fed: keep ids unique
                best.id += "x"
        self.count_in(article, best)
        titles.consider(best, article)
        self._open(best)
        self._members.append((article.id, best.id, round(best_score, 4)))
        self._assigned[article.id] = best.id
        if best.size > 1:
            best = self._merge_neighbours(best, moment, near=[sid for sid, _ in hits])
            splitting.maybe_split(self, best)
        if moment is not None:
            self.latest = moment if self.latest is None else max(self.latest, moment)
        return self.story_of(article.id)

    def weigh(self, article: ArticleFeatures) -> tuple[Weighted, Weighted]:
        """The article's words and entities as TF-IDF vectors, with the document frequencies
        of the articles seen so far."""
        return (Weighted.of(article.word_ids, article.word_tf, self.word_df),
                Weighted.of(article.entity_ids, article.entity_tf, self.entity_df))

    def score(self, state: StoryState, article: ArticleFeatures, words: Weighted,
              ents: Weighted, statements: np.ndarray) -> float:
        """How well ``article`` (weighed by :meth:`weigh`; ``statements`` its statements as
        float32) fits ``state``: the score ``add`` compares with ``Params.threshold``."""
        dense = float(np.dot(article.vector, state.centroid))
        return (self._score_without_statements(state, dense, words, ents,
                                               posix(article.published))
                + statement_term(_statements(statements, state), self.params.weights))

    def count_in(self, article: ArticleFeatures, state: StoryState) -> None:
        """Count ``article`` in the document frequencies and in ``state``'s sums."""
        self.word_df.add(article.word_ids)
        self.entity_df.add(article.entity_ids)
        state.add(article)
        if len(state.word_ids) > MAX_STORY_WORDS * 1.5:
            state.prune(self.word_df.idf, self.entity_df.idf)
        state.reweigh(self.word_df.idf, self.entity_df.idf)

    def _score_without_statements(self, state: StoryState, dense: float, words: Weighted,
                                  ents: Weighted, moment: float | None) -> float:
        return blend(dense, sorted_dot(words.ids, words.weights, state.word_ids, state.word_w),
                     sorted_dot(ents.ids, ents.weights, state.entity_ids, state.entity_w),
                     time_gap_days(moment, state.first, state.last), state.size,
                     self.params.weights)

    def _best_of(self, hits: list[tuple[str, float]], words: Weighted, ents: Weighted,
                 statements: np.ndarray, moment: float | None
                 ) -> tuple[StoryState | None, float]:
        """The best-scoring story among ``hits`` that clears the threshold, and its score."""
        best, best_score = None, self.params.threshold
        weights = self.params.weights
        for story_id, dense in hits:
            state = self.stories[story_id]
            if upper_bound(dense, weights) < best_score:
                continue
            score = self._score_without_statements(state, dense, words, ents, moment)
            if score + most_from_statements(weights) < best_score:
                continue  # statements cannot lift it enough: skip the costly comparison
            score += statement_term(_statements(statements, state), weights)
            if score > best_score or (score == best_score and best is None):
                best, best_score = state, score
        return best, best_score

    def candidates(self, hits: list[tuple[str, float]], words: Weighted, ents: Weighted,
                   statements: np.ndarray, moment: float | None) -> list[Candidate]:
        """The ``judged`` best-blending stories among ``hits`` that clear ``floor``, best
        first (stories that cannot reach the ``judged``-th best are not fully scored)."""
        weights, keep = self.params.weights, max(1, self.params.judged)
        out: list[Candidate] = []
        bar = self.params.floor
        for story_id, dense in hits:
            state = self.stories[story_id]
            if upper_bound(dense, weights) < bar:
                continue
            word_sim = sorted_dot(words.ids, words.weights, state.word_ids, state.word_w)
            ent_sim = sorted_dot(ents.ids, ents.weights, state.entity_ids, state.entity_w)
            gap = time_gap_days(moment, state.first, state.last)
            score = blend(dense, word_sim, ent_sim, gap, state.size, weights)
            if score + most_from_statements(weights) < bar:
                continue
            overlap = _statements(statements, state)
            score += statement_term(overlap, weights)
            if score < bar:
                continue
            out.append(Candidate(state, dense, word_sim, ent_sim, gap, overlap, score))
            if len(out) > keep:
                out.sort(key=lambda c: -c.blend)
                out.pop()
            if len(out) == keep:
                bar = max(bar, min(c.blend for c in out))
        out.sort(key=lambda c: -c.blend)
        return out

    def evidence(self, article: ArticleFeatures, candidate: Candidate,
                 others: Sequence[Candidate]) -> Evidence:
        """What speaks for ``article`` joining ``candidate`` (``others``: the rest judged)."""
        rival = max((c.blend for c in others if c is not candidate), default=self.params.floor)
        state = candidate.state
        names = shared_count(article.entity_ids, state.entity_ids)
        words = shared_count(article.word_ids, state.word_ids)
        return Evidence(candidate.dense, candidate.words, candidate.entities,
                        candidate.statements, candidate.gap, state.size, names,
                        title_overlap(article.headline, state.title), candidate.blend,
                        candidate.blend - rival,
                        names / len(article.entity_ids) if len(article.entity_ids) else 0.0,
                        words / len(article.word_ids) if len(article.word_ids) else 0.0)

    def _decide(self, article: ArticleFeatures, candidates: list[Candidate]
                ) -> tuple[StoryState | None, float]:
        """The candidate the decision model finds likeliest, if it clears the join bar."""
        model = self.params.decision
        best, best_p = None, model.join_bar
        for candidate in candidates:
            p = model.probability(vector(self.evidence(article, candidate, candidates)))
            if p >= best_p:
                best, best_p = candidate.state, p
        return best, best_p

    def add_all(self, articles: Sequence[ArticleFeatures]) -> list[str]:
        """``add`` each article, in the order given."""
        return [self.add(a) for a in articles]

    # -- merging ------------------------------------------------------------------------------

    def story_similarity(self, a: StoryState, b: StoryState) -> float:
        """Blended similarity of two stories (centroids, TF-IDF, gap between their spans)."""
        dense = float(np.dot(a.centroid, b.centroid))
        if upper_bound(dense, self.params.weights) < self.params.merge_threshold:
            return 0.0
        return blend(dense, sorted_dot(a.word_ids, a.word_w, b.word_ids, b.word_w),
                     sorted_dot(a.entity_ids, a.entity_w, b.entity_ids, b.entity_w),
                     span_gap_days(a.first, a.last, b.first, b.last), max(a.size, b.size),
                     self.params.weights)

    def story_evidence(self, a: StoryState, b: StoryState, similarity: float) -> Evidence:
        """What speaks for stories ``a`` and ``b`` being one (``similarity``: their blend)."""
        overlap = (statement_overlap(a.statements, b.statements)
                   if a.statements is not None and b.statements is not None
                   and len(a.statements) and len(b.statements) else None)
        small, large = (a, b) if a.size <= b.size else (b, a)
        names = shared_count(small.entity_ids, large.entity_ids)
        words = shared_count(small.word_ids, large.word_ids)
        return Evidence(float(np.dot(a.centroid, b.centroid)),
                        sorted_dot(a.word_ids, a.word_w, b.word_ids, b.word_w),
                        sorted_dot(a.entity_ids, a.entity_w, b.entity_ids, b.entity_w),
                        overlap, span_gap_days(a.first, a.last, b.first, b.last),
                        large.size, names, title_overlap(small.title, large.title),
                        similarity, similarity - self.params.floor,
                        names / len(small.entity_ids) if len(small.entity_ids) else 0.0,
                        words / len(small.word_ids) if len(small.word_ids) else 0.0)

    def _merge_neighbours(self, state: StoryState, moment: float | None,
                          near: list[str] | None = None) -> StoryState:
        """Merge ``state`` with its nearest open neighbour when the two are one story.

        ``near``: stories already found near the article that just joined ``state``. The
        neighbours of the story's new centroid are looked for among them instead of by a
        second search of the whole index: that search cost as much as the first one and
        grows with the number of open stories.
        """
        if near is None:
            hits = [sid for sid, _ in self.index.search(
                state.centroid, self.params.merge_candidates + 1, moment=moment)]
        else:
            hits = self.index.nearest_among(state.centroid, near,
                                            self.params.merge_candidates + 1)
        best, best_score = None, self.params.merge_threshold
        model = self.params.decision
        for story_id in hits:
            if story_id == state.id or story_id not in self.stories:
                continue
            other = self.stories[story_id]
            score = self.story_similarity(state, other)
            if score < self.params.merge_threshold:
                continue
            if model is not None:
                score = model.probability(vector(self.story_evidence(state, other, score)))
                if score < model.merge_bar or (best is not None and score < best_score):
                    continue
            elif score < best_score:
                continue
            best, best_score = other, score
        if best is None:
            return state
        return self.merge(state, best)

    def merge(self, a: StoryState, b: StoryState) -> StoryState:
        """Fold the smaller story into the larger (ties: the older survives)."""
        keep, gone = (a, b) if _survives(a, b) else (b, a)
        keep.absorb(gone)
        titles.refresh_after_merge(keep, gone)
        if len(keep.word_ids) > MAX_STORY_WORDS:
            keep.prune(self.word_df.idf, self.entity_df.idf)
        keep.reweigh(self.word_df.idf, self.entity_df.idf)
        gone.merged_into = keep.id
        self.index.remove(gone.id)
        self.stories.pop(gone.id, None)
        self._changed[gone.id] = gone
        self._merges.append((gone.id, keep.id))
        self._alias[gone.id] = keep.id
        self._open(keep)
        return keep

    def merge_sweep(self) -> int:
        """Check every open story against its neighbours once (after a bulk pass)."""
        merged = 0
        for story_id in sorted(self.stories, key=lambda s: (-self.stories[s].size, s)):
            state = self.stories.get(story_id)
            if state is None:
                continue
            after = self._merge_neighbours(state, state.last)
            merged += after is not state or state.merged_into is not None
        return merged

    # -- bookkeeping --------------------------------------------------------------------------

    def story_of(self, article_id: str) -> str:
        """The story an article assigned in this session belongs to now (after merges)."""
        story_id = self._assigned[article_id]
        while story_id in self._alias:
            story_id = self._alias[story_id]
        return story_id

    def assignments(self) -> dict[str, str]:
        """Article id -> current story id, for every article assigned in this session."""
        return {article_id: self.story_of(article_id) for article_id in self._assigned}

    def drain(self) -> Changes:
        """The changes since the last drain, for the store; forgets them here."""
        moves = [(a, self.story_of(a)) for a in dict.fromkeys(self._moved)]
        changes = Changes(list(self._changed.values()), self._members, self._merges, moves)
        self._changed, self._members, self._merges, self._moved = {}, [], [], []
        for state in changes.stories:  # closed while unsaved: now saved, so forget them
            if state.id not in self.index.slot_of:
                self.stories.pop(state.id, None)
        return changes

    def key_entities(self, state: StoryState) -> list[str]:
        return titles.key_entities(state, self.entity_df)

    def _open(self, state: StoryState) -> None:
        # An open story is nobody's alias: a split can re-found a story that had merged
        # away (split ids are deterministic), and a stale alias would send its members to
        # the story it had merged into, or loop once that one merges back into it.
        self._alias.pop(state.id, None)
        self.stories[state.id] = state
        self._changed[state.id] = state
        self.index.put(state.id, state.centroid, last=state.last,
                       window_days=self.params.window(state.size))

    def _maybe_evict(self, moment: float | None) -> None:
        """Forget stories that closed; runs about every few hours of publication time.

        Eviction never changes a decision (the index filters by window anyway); it only
        keeps the index small, so the cost per article stays flat.
        """
        if moment is None:
            return
        if self._swept is not None and moment < self._swept + DAY / 8:
            return
        self._swept = moment
        for story_id in self.index.evict(moment):
            if story_id not in self._changed:  # unsaved stories stay until drained
                self.stories.pop(story_id, None)



def _statements(rows: np.ndarray, state: StoryState) -> float | None:
    """:func:`statement_overlap` of an article and a story; None when either has none."""
    if len(rows) == 0 or state.statements is None or len(state.statements) == 0:
        return None
    return statement_overlap(rows, state.statements)


def _survives(a: StoryState, b: StoryState) -> bool:
    if a.size != b.size:
        return a.size > b.size
    a_first = a.first if a.first is not None else float("inf")
    b_first = b.first if b.first is not None else float("inf")
    if a_first != b_first:
        return a_first < b_first
    return a.id < b.id


def publication_order(features: Sequence[ArticleFeatures]) -> list[ArticleFeatures]:
    """Stable sort by publication time; undated articles keep their order, at the end."""
    return sorted(features, key=lambda f: (f.published is None, posix(f.published) or 0.0))


def cluster_bulk(features: Sequence[ArticleFeatures], params: Params | None = None
                 ) -> dict[str, str]:
    """Stories of an archive: the online pass in publication order, then a merge sweep.

    Returns article id -> story id. The result is the same kind as online assignment's
    (the same decisions, plus the merges a last look at every story finds).
    """
    clusterer = OnlineClusterer(params, dim=len(features[0].vector) if features else 384)
    clusterer.add_all(publication_order(features))
    clusterer.merge_sweep()
    return clusterer.assignments()
