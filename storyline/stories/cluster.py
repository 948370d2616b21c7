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

from storyline.stories import snippets, splitting
from storyline.stories import title as titles
from storyline.stories.features import ENTITY_FEATURES, WORD_FEATURES, ArticleFeatures
from storyline.stories.frequencies import DocumentFrequencies
from storyline.stories.index import StoryIndex
from storyline.stories.merging import Merging
from storyline.stories.moments import posix
from storyline.stories.params import Params
from storyline.stories.scoring import Candidate, Scoring
from storyline.stories.similarity import DAY
from storyline.stories.state import MAX_STORY_WORDS, StoryState


@dataclass(slots=True)
class Changes:
    """What happened since the last ``drain``: for the store to write in one transaction."""

    stories: list[StoryState] = field(default_factory=list)  # new or changed (incl. merged)
    memberships: list[tuple[str, str, float]] = field(default_factory=list)  # article, story
    merges: list[tuple[str, str]] = field(default_factory=list)  # (absorbed, into), in order
    # Articles a split moved, with the story each is in now (applied after the merges).
    moves: list[tuple[str, str]] = field(default_factory=list)


class OnlineClusterer(Scoring, Merging):
    """Assigns articles to stories one at a time; holds the open stories and the index.

    Scoring an article against the open stories is :class:`~storyline.stories.scoring.Scoring`,
    merging stories :class:`~storyline.stories.merging.Merging`; this class adds articles and
    keeps the bookkeeping of what changed.
    """

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
        self._join(article, best, best_score)
        if best.size > 1:
            best = self._merge_neighbours(best, moment, near=[sid for sid, _ in hits])
            splitting.maybe_split(self, best)
        if moment is not None:
            self.latest = moment if self.latest is None else max(self.latest, moment)
        return self.story_of(article.id)

    def count_in(self, article: ArticleFeatures, state: StoryState) -> None:
        """Count ``article`` in the document frequencies and in ``state``'s sums."""
        self.word_df.add(article.word_ids)
        self.entity_df.add(article.entity_ids)
        state.add(article)
        if len(state.word_ids) > MAX_STORY_WORDS * 1.5:
            state.prune(self.word_df.idf, self.entity_df.idf)
        state.reweigh(self.word_df.idf, self.entity_df.idf)

    def add_all(self, articles: Sequence[ArticleFeatures]) -> list[str]:
        """``add`` each article, in the order given; the snippets of one pile are grouped
        first (``snippets``) and each group joins the story its first snippet goes to."""
        for group in snippets.pile_groups(articles, self.params):
            story_id = self.add(articles[group[0]])
            if len(group) > 1:
                members = [articles[i] for i in group]
                fit = snippets.similarity(members, self.params).mean(axis=1)
                for article, score in zip(members[1:], fit[1:], strict=True):
                    self._join(article, self.stories[story_id], float(score))
        return [self.story_of(a.id) for a in articles]

    def _join(self, article: ArticleFeatures, state: StoryState, score: float) -> None:
        self.count_in(article, state)
        titles.consider(state, article)
        self._open(state)
        self._members.append((article.id, state.id, round(score, 4)))
        self._assigned[article.id] = state.id

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


__all__ = ["Candidate", "Changes", "OnlineClusterer", "Params", "cluster_bulk",
           "publication_order"]
