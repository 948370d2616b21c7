"""Pages that follow the store: ``GET /api/changes`` and what the pages need to poll it.

A page is rendered with the store's story cursor (``live_context``), read *before* the page's
content, so anything stored after that read is reported to it. Its script
(``static/live.js``) asks ``/api/changes?after=CURSOR`` every few seconds; when stories
changed it fetches the page again and puts the new parts in place (nothing is reloaded, and
article text only ever arrives as HTML escaped by the server's templates).

Many readers poll with the same cursor; the answer is kept per (store generation, cursor),
so a poll costs one read of the generation while nothing is written.

>>> from storyline.store import open_store
>>> store = open_store("sqlite://")
>>> changes_json(store, after=None)
{'cursor': 0, 'stories': [], 'more': False}
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from storyline.serve.recent import Recent
from storyline.serve.settings import SETTINGS
from storyline.store.changes import changed_stories, story_cursor

LIVE_ENV = "STORYLINE_LIVE_SECONDS"


def live_seconds() -> float:
    """How often pages poll (``$STORYLINE_LIVE_SECONDS``; 0 turns it off)."""
    try:
        return max(0.0, float(os.environ.get(LIVE_ENV, SETTINGS.live_seconds)))
    except ValueError:
        return SETTINGS.live_seconds


def live_context(store, every: float | None = None) -> dict[str, Any]:
    """What a page's template needs to follow the store (read before the page's content)."""
    return {"live_cursor": story_cursor(store),
            "live_every": live_seconds() if every is None else every}


# Answers by (store, generation, after, limit).
ANSWERS = Recent(SETTINGS.remembered_answers, seconds=SETTINGS.answer_seconds)


def changes_json(store, after: int | None, limit: int = 50) -> dict[str, Any]:
    """The answer of ``/api/changes``: without ``after`` only the current cursor."""
    if after is None:
        return {"cursor": story_cursor(store), "stories": [], "more": False}
    with store.engine.connect() as conn:
        generation = store.generation(conn)
    key = (store.url, generation, after, limit)
    found = ANSWERS.get(key)
    if found is None:
        changes = changed_stories(store, after, limit)
        found = {"cursor": changes.cursor, "stories": [s.to_json() for s in changes.stories],
                 "more": changes.more}
        ANSWERS.put(key, found)
    return found


class ChangedStoryOut(BaseModel):
    id: str
    title: str
    size: int
    sources: list[str]
    first_published: str | None
    last_published: str | None
    entities: list[str]
    moved_to: str | None = Field(description="The story it was merged into, if it was.")
    seq: int = Field(description="The stamp of the change that touched it last.")


class ChangesOut(BaseModel):
    cursor: int = Field(description="Ask with after=cursor next time.")
    stories: list[ChangedStoryOut] = Field(description="Stories changed after `after`: new, "
                                           "grown or merged; newest change first.")
    more: bool = Field(description="More stories changed than `limit`: reload everything.")


router = APIRouter()  # included by api.router, under /api


@router.get("/changes", response_model=ChangesOut, tags=["read"])
def api_changes(
    request: Request,
    after: int | None = Query(None, ge=0, description="The cursor of the previous answer; "
                              "without it, only the current cursor is returned."),
    limit: int = Query(50, ge=1, le=500),
) -> JSONResponse:
    """Stories changed since a cursor: what a page that follows the store polls for."""
    return JSONResponse(changes_json(request.app.state.store, after, limit),
                        headers={"Cache-Control": "no-store"})
