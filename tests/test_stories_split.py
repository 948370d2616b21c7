"""A story whose members form two groups with little evidence between them is split online."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from sqlalchemy import select

from storyline.ingest.plain import add_articles
from storyline.model import Article
from storyline.store import schema
from storyline.store.database import Store
from storyline.stories import decision as decisions
from storyline.stories import repository, splitting
from storyline.stories.cluster import OnlineClusterer, Params
from storyline.stories.members import MEMBER_LIMIT
from storyline.stories.state import StoryState
from tests.test_stories_cluster import DIM, article


def with_splits(ratio: float | None = 0.3) -> Params:
    return Params(decision=replace(decisions.load(), split_ratio=ratio))


def forced_story(clusterer: OnlineClusterer, items) -> StoryState:
    """One story holding ``items``, whatever the decision would say (a wrong join)."""
    state = StoryState.found(items[0])
    for f in items:
        clusterer.count_in(f, state)
        clusterer._assigned[f.id] = state.id
    clusterer._open(state)
    return state


def two_events():
    """Event 0 on days 0-1, event 5 (other words, names and vectors) on days 15-16."""
    return ([article(i, 0, i * 0.5) for i in range(3)]
            + [article(10 + i, 5, 15 + i * 0.5) for i in range(3)])


def test_a_story_of_two_events_splits_into_them_and_the_later_one_moves():
    clusterer = OnlineClusterer(with_splits(), dim=DIM)
    items = two_events()
    state = forced_story(clusterer, items)
    clusterer.drain()
    splitting.maybe_split(clusterer, state)
    got = clusterer.assignments()
    assert len({got[f.id] for f in items[:3]}) == 1
    assert len({got[f.id] for f in items[3:]}) == 1
    assert got["a0"] == state.id != got["a10"]  # the earliest group keeps the story's id
    changes = clusterer.drain()
    assert sorted(changes.moves) == sorted((f.id, got["a10"]) for f in items[3:])
    sizes = {s.id: s.size for s in changes.stories}
    assert sizes == {state.id: 3, got["a10"]: 3}


def test_one_event_is_not_split_and_no_ratio_means_no_split():
    clusterer = OnlineClusterer(with_splits(), dim=DIM)
    one = [article(i, 0, i * 0.5) for i in range(6)]
    state = forced_story(clusterer, one)
    splitting.maybe_split(clusterer, state)
    assert len(set(clusterer.assignments().values())) == 1
    never = OnlineClusterer(with_splits(None), dim=DIM)
    state = forced_story(never, two_events())
    splitting.maybe_split(never, state)
    assert len(set(never.assignments().values())) == 1


def test_members_are_kept_only_while_the_story_is_small_and_survive_storage():
    clusterer = OnlineClusterer(with_splits(), dim=DIM)
    state = forced_story(clusterer, two_events())
    back = StoryState.from_bytes(state.id, state.to_bytes())
    assert [m.id for m in back.members] == [m.id for m in state.members]
    assert all(np.array_equal(a.vector, b.vector) and np.array_equal(a.word_ids, b.word_ids)
               for a, b in zip(back.members, state.members, strict=True))
    big = forced_story(clusterer, [article(100 + i, 3, i * 0.1) for i in range(MEMBER_LIMIT + 1)])
    assert big.members is None
    assert StoryState.from_bytes(big.id, big.to_bytes()).members is None


def test_a_split_moves_the_stored_memberships(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    items = two_events()
    add_articles(store, [Article(text=f"text of {f.id}", id=f.id, title=f.headline)
                        for f in items], None)
    clusterer = OnlineClusterer(with_splits(), dim=DIM)
    state = forced_story(clusterer, items)
    clusterer._members = [(f.id, state.id, 1.0) for f in items]
    with store.engine.begin() as conn:
        repository.save(store, conn, clusterer, clusterer.drain(), 1)
    splitting.maybe_split(clusterer, state)
    with store.engine.begin() as conn:
        repository.save(store, conn, clusterer, clusterer.drain(), 2)
    with store.engine.connect() as conn:
        m = schema.memberships
        stored = dict(conn.execute(select(m.c.article_id, m.c.story_id)).all())
    assert stored == clusterer.assignments()
    assert len(set(stored.values())) == 2


def test_a_story_split_off_again_after_a_merge_owns_its_members_and_no_alias_loops():
    """Split, merge back, split again: the second split re-creates the same story id, which
    must not stay aliased to the story it had merged into (that alias sent its members to
    the wrong story and, after a further merge the other way, looped forever)."""
    clusterer = OnlineClusterer(with_splits(), dim=DIM)
    items = two_events()
    state = forced_story(clusterer, items)
    groups = [items[:3], items[3:]]
    first = splitting.split(clusterer, state, groups)
    kept = clusterer.stories[state.id]
    back = clusterer.merge(kept, first)
    again = splitting.split(clusterer, back, [groups[0], groups[1]])
    assert again.id == first.id  # deterministic ids: the same group founds the same story
    got = clusterer.assignments()
    assert {got[f.id] for f in items[3:]} == {again.id}
    assert {got[f.id] for f in items[:3]} == {back.id}
    # The other way round now: the story kept by the first split folds into the revived one.
    survivor = clusterer.merge(again, clusterer.stories[back.id])
    assert {clusterer.story_of(f.id) for f in items} == {survivor.id}
