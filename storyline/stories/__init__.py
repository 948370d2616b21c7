"""Story detection: group a stream of articles into stories, online and in bulk.

``make_assigner(store)`` is what ``storyline ingest`` calls; ``cluster_bulk(features)``
clusters an archive at once; ``featurize(articles)`` computes what both compare.
"""

from __future__ import annotations

from storyline.stories.assigner import OnlineAssigner
from storyline.stories.cluster import OnlineClusterer, Params, cluster_bulk
from storyline.stories.features import ArticleFeatures, featurize
from storyline.stories.repository import StoryStore


def make_assigner(store: StoryStore, params: Params | None = None, *,
                  workers: int | None = None) -> OnlineAssigner:
    """The ``StoryAssigner`` ingest uses: each new article joins a story or opens one (its
    features computed on ``workers`` processes; None: one per CPU, 1: in this process)."""
    return OnlineAssigner(store, params, workers=workers)


__all__ = ["ArticleFeatures", "OnlineAssigner", "OnlineClusterer", "Params", "cluster_bulk",
           "StoryStore", "featurize", "make_assigner"]
