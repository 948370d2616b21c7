"""Story rows in the store: load the open stories, write what assignment changed.

The store runs the SQL (``storyline.store.story_writes``); this module decides what to read
and what to write, and reaches the store only through :class:`StoryStore`, so the stories
stage never imports the store. Everything is read and written on the caller's connection,
inside ingest's batch transaction, so a batch's articles and their story assignments commit
together or not at all. The online document frequencies are stored as one compressed value.

>>> from storyline.stories.cluster import OnlineClusterer
>>> clusterer = OnlineClusterer(dim=2)
>>> batch = story_batch(clusterer, clusterer.drain(), 7)
>>> batch.stories, batch.memberships, decode_frequencies(batch.frequencies)[0].documents
([], [], 0)
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from storyline.model import Article
from storyline.stories.cluster import Changes, OnlineClusterer, Params
from storyline.stories.features import ENTITY_FEATURES, WORD_FEATURES
from storyline.stories.frequencies import DocumentFrequencies
from storyline.stories.moments import from_posix, posix
from storyline.stories.state import StoryState


@dataclass(slots=True)
class StoryRow:
    """A story as the store keeps it: what the pages show, and its state for assignment."""

    id: str
    title: str
    first_published: datetime | None
    last_published: datetime | None
    size: int
    sources: list[str]  # outlets, most articles first
    entities: list[str]  # key entities, for the pages and search
    state: bytes  # StoryState.to_bytes()
    merged_into: str | None
    updated_seq: int  # the newest article's arrival number when the story changed


@dataclass(slots=True)
class StoryBatch:
    """Everything one assignment writes, in one transaction (see ``save``)."""

    stories: list[StoryRow] = field(default_factory=list)  # new or changed, merged ones too
    memberships: list[tuple[str, str, float]] = field(default_factory=list)  # article, story
    merges: list[tuple[str, str]] = field(default_factory=list)  # (absorbed, into), in order
    moves: list[tuple[str, str]] = field(default_factory=list)  # (article, story) after splits
    frequencies: str = ""  # encode_frequencies() of the words' and the entities'


class StoryStore(Protocol):
    """What story assignment needs of the store (``storyline.store.Store`` has it all).

    ``conn`` is the store's connection of the transaction the caller runs in (ingest's
    batch transaction), opaque here; None, where allowed, reads on a connection of its own.
    """

    def latest_story_time(self, conn: Any) -> datetime | None:
        """The latest publication time of any stored story (None: no dated story)."""

    def story_states(self, conn: Any, since: datetime | None
                     ) -> Iterable[tuple[str, bytes, str | None]]:
        """(id, state, merged_into) of the stories not merged away that have a state and
        were last published at or after ``since`` or are undated (all when None), by id."""

    def story_frequencies(self, conn: Any = None) -> str | None:
        """The stored ``encode_frequencies`` value (None before the first save)."""

    def save_stories(self, conn: Any, batch: StoryBatch) -> None:
        """Write ``batch``: upsert its stories, add its memberships, then apply its merges
        and moves, and store its frequencies."""

    def max_seq(self, conn: Any) -> int:
        """The newest article's arrival number (0 for an empty store)."""

    def unassigned_articles(self, conn: Any) -> list[Article]:
        """Original articles without a story, by publication time, then arrival."""


def load_clusterer(store: StoryStore, conn: Any, params: Params | None = None
                   ) -> OnlineClusterer:
    """An online clusterer holding the store's open stories and document frequencies."""
    params = params or Params()
    word_df, entity_df = load_frequencies(store, conn)
    return OnlineClusterer(params, word_df=word_df, entity_df=entity_df,
                           stories=list(open_stories(store, conn, params)))


def open_stories(store: StoryStore, conn: Any, params: Params) -> Iterator[StoryState]:
    """Stories that can still take articles: not merged, and last seen within the longest
    window of the latest publication time in the store (undated stories are always open)."""
    latest = store.latest_story_time(conn)
    since = None
    if latest is not None:
        since = from_posix(posix(latest) - params.max_window_days * 86_400.0 - 86_400.0)
    for story_id, blob, merged_into in store.story_states(conn, since):
        state = StoryState.from_bytes(story_id, blob, merged_into)
        if latest is None or state.last is None or (
            state.last + params.window(state.size) * 86_400.0 >= posix(latest) - 86_400.0
        ):
            yield state


def save(store: StoryStore, conn: Any, clusterer: OnlineClusterer, changes: Changes,
         seq: int) -> None:
    """Write ``changes`` (stories, memberships, merges, moves) and the document
    frequencies on ``conn``; ``seq`` stamps the changed stories' ``updated_seq``."""
    store.save_stories(conn, story_batch(clusterer, changes, seq))


def story_batch(clusterer: OnlineClusterer, changes: Changes, seq: int) -> StoryBatch:
    """The rows that store ``changes`` and the clusterer's document frequencies."""
    return StoryBatch([story_row(state, clusterer, seq) for state in changes.stories],
                      list(changes.memberships), list(changes.merges), list(changes.moves),
                      encode_frequencies(clusterer.word_df, clusterer.entity_df))


def story_row(state: StoryState, clusterer: OnlineClusterer, seq: int) -> StoryRow:
    """The stored form of ``state`` (its key entities weighed by the clusterer's
    frequencies)."""
    sources = [name for name, _ in sorted(state.sources.items(), key=lambda kv: (-kv[1], kv[0]))]
    return StoryRow(state.id, state.title or "", from_posix(state.first),
                    from_posix(state.last), state.size, sources,
                    clusterer.key_entities(state), state.to_bytes(), state.merged_into, seq)


def load_frequencies(store: StoryStore, conn: Any = None
                     ) -> tuple[DocumentFrequencies, DocumentFrequencies]:
    """The stored document frequencies of words and of entities (empty ones when none)."""
    return decode_frequencies(store.story_frequencies(conn))


def encode_frequencies(words: DocumentFrequencies, entities: DocumentFrequencies) -> str:
    """Both document frequencies as one text value (JSON of base64 blobs)."""
    return json.dumps({
        "words": base64.b64encode(words.to_bytes()).decode("ascii"),
        "entities": base64.b64encode(entities.to_bytes()).decode("ascii"),
    })


def decode_frequencies(value: str | None
                       ) -> tuple[DocumentFrequencies, DocumentFrequencies]:
    """Inverse of ``encode_frequencies``; empty frequencies for no value."""
    if not value:
        return DocumentFrequencies(WORD_FEATURES), DocumentFrequencies(ENTITY_FEATURES)
    data = json.loads(value)
    return (DocumentFrequencies.from_bytes(base64.b64decode(data["words"])),
            DocumentFrequencies.from_bytes(base64.b64decode(data["entities"])))


def unsaved(store: StoryStore, conn: Any, articles: Sequence[Article]) -> list[Article]:
    """Stored originals without a story (ingested before stories were installed), then
    ``articles`` (the ones being assigned now, which the store may hold already)."""
    given = {a.id for a in articles}
    return [a for a in store.unassigned_articles(conn) if a.id not in given] + list(articles)


__all__ = ["StoryBatch", "StoryRow", "StoryStore", "decode_frequencies", "encode_frequencies",
           "load_clusterer", "load_frequencies", "open_stories", "save", "story_batch",
           "story_row", "unsaved"]
