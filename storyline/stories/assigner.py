"""The ingest hook: assigns each batch's new articles to stories in the batch's transaction.

Crash safety follows from two facts: the story rows, memberships and document frequencies
are written on ingest's connection (they commit with the articles or not at all), and a
clusterer loaded from the store is exactly the one that was saved (see ``state``). A run
killed midway and restarted therefore makes the same decisions as one that was not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storyline.model import Article
from storyline.stories import parallel, repository
from storyline.stories.cluster import OnlineClusterer, Params
from storyline.stories.features import ArticleFeatures, featurize
from storyline.stories.repository import StoryStore


class OnlineAssigner:
    """``StoryAssigner`` for ``ingest``: online clustering backed by the store.

    ``workers``: processes that compute the features in ``prepare`` (None: one per CPU; 1:
    this process; see ``parallel``)."""

    def __init__(self, store: StoryStore, params: Params | None = None, *,
                 workers: int | None = None) -> None:
        self.store = store
        self.params = params or Params()
        self.workers = workers
        self.clusterer: OnlineClusterer | None = None
        self._prepared: dict[str, ArticleFeatures] = {}

    def prepare(self, articles: Sequence[Article]) -> None:
        """Compute the features of articles about to be assigned (the slow part: NER and
        sentence vectors), so that ``assign`` holds the store's write lock only briefly; on
        the worker pool when there are enough of them."""
        self._prepared = {f.id: f for f in parallel.featurize(articles, workers=self.workers)}

    def forget(self) -> None:
        """Another writer changed the stories: read them from the store on the next assign."""
        self.clusterer = None

    def assign(self, conn: Any, articles: Sequence[Article]) -> None:
        """Assign ``articles`` (new originals, in publication order) and save the result,
        on ``conn``: the store's connection of ingest's batch transaction."""
        try:
            if self.clusterer is None:
                self.clusterer = repository.load_clusterer(self.store, conn, self.params)
                articles = repository.unsaved(self.store, conn, articles)
            self.clusterer.add_all(self._features(articles))
            repository.save(self.store, conn, self.clusterer, self.clusterer.drain(),
                            self.store.max_seq(conn))
        except BaseException:
            # The transaction will roll back: forget what was not saved.
            self.clusterer = None
            raise
        finally:
            self._prepared = {}

    def _features(self, articles: Sequence[Article]) -> list[ArticleFeatures]:
        """Features in the order of ``articles``: prepared ones, the rest computed now."""
        missing = [a for a in articles if a.id not in self._prepared]
        computed = {f.id: f for f in featurize(missing)}
        return [self._prepared.get(a.id) or computed[a.id] for a in articles]

