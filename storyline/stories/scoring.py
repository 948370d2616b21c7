"""Scoring an article against the stories it could join: the blend, the candidates the
decision model weighs, and the evidence it weighs them by.

``Scoring`` is the part of :class:`storyline.stories.cluster.OnlineClusterer` that does this
(the clusterer inherits it); it reads the clusterer's parameters, document frequencies and
open stories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyline.stories.evidence import Evidence, shared_count, title_overlap, vector
from storyline.stories.features import ArticleFeatures
from storyline.stories.frequencies import DocumentFrequencies
from storyline.stories.moments import posix
from storyline.stories.params import Params
from storyline.stories.similarity import (
    Weighted,
    blend,
    most_from_statements,
    sorted_dot,
    statement_overlap,
    statement_term,
    time_gap_days,
    upper_bound,
)
from storyline.stories.state import StoryState


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


class Scoring:
    """How well an article fits the open stories (see module)."""

    params: Params
    word_df: DocumentFrequencies
    entity_df: DocumentFrequencies
    stories: dict[str, StoryState]

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


def _statements(rows: np.ndarray, state: StoryState) -> float | None:
    """:func:`statement_overlap` of an article and a story; None when either has none."""
    if len(rows) == 0 or state.statements is None or len(state.statements) == 0:
        return None
    return statement_overlap(rows, state.statements)


__all__ = ["Candidate", "Scoring"]
