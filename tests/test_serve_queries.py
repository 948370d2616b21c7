"""The story list's reads: the remembered count follows changes made by other processes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert
from test_serve_support import fill

from storyline.serve.queries import StoryFilter, list_stories
from storyline.serve.recent import Recent
from storyline.store import schema


def test_a_remembered_count_is_not_reused_once_a_story_changed(tmp_path):
    store = fill(f"sqlite:///{tmp_path / 'list.db'}")
    memo = Recent(100, seconds=3600)  # long enough that only a change can make it count again
    assert list_stories(store, StoryFilter(), memo=memo).total == 2
    day = datetime(2024, 3, 6, tzinfo=UTC)
    with store.begin() as conn:  # as a `storyline ingest` in another process would
        conn.execute(insert(schema.stories).values(
            id="s-fire", title="Forest fire", first_published=day, last_published=day,
            size=1, sources=["North Wire"], entities=[], updated_seq=7))
    page = list_stories(store, StoryFilter(), memo=memo)
    assert page.total == len(page.stories) == 3
