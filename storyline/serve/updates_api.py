"""What is new in a story and who reported what, for the API and the story page.

- ``GET /api/stories/{id}/outlets``: the outlet-by-outlet view (``digest/outlets.py``);
- ``GET /api/stories/{id}?since=DATE`` adds an ``update`` (``digest/story_updates.py``):
  ``api.api_story`` calls ``update_json``;
- ``GET /stories/{id}/new?since=DATE``: the "new since your last visit" block as an HTML
  fragment, which the story page's script asks for with the last visit kept in the browser.

Routes with ``{story_id}`` here are included before the ``{story_id:path}`` routes.
Update summaries run the analysis (seconds the first time, cached in the store after), one
at a time per process; each result is kept in memory for the story's current version.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from storyline.serve import views
from storyline.serve.digests import digest_from_json, story_version
from storyline.serve.reading import BadParameter, load_story, parse_day
from storyline.serve.recent import Recent
from storyline.serve.settings import SETTINGS

api_router = APIRouter(prefix="/api")
page_router = APIRouter(include_in_schema=False)

BUILD_LOCK = threading.Lock()  # one update analysis at a time per process


# Computed updates by (story version, since).
RECENT = Recent(SETTINGS.remembered_answers)


def parse_since(value: str) -> datetime:
    """``since`` as an aware datetime (400 when it is not a date); a bare date means the end
    of that day (its articles count as seen)."""
    try:
        moment = parse_day(value, "since", end=True)
    except BadParameter as exc:
        raise HTTPException(400, str(exc)) from None
    if moment is None:
        raise HTTPException(400, "since is empty (use YYYY-MM-DD or an ISO date-time)")
    return moment


def update_json(store, story_id: str, article_ids: list[str], since: datetime) -> dict:
    """The update of a story since ``since`` as JSON (computed once per story version)."""
    from storyline.digest.story_updates import story_update

    key = (story_id, story_version(article_ids), since.isoformat())
    found = RECENT.get(key)
    if found is None:
        with BUILD_LOCK:
            found = RECENT.get(key)
            if found is None:
                found = story_update(store, story_id, since=since).to_json()
                RECENT.put(key, found)
    return found


@api_router.get("/stories/{story_id}/outlets", tags=["read"])
def api_story_outlets(request: Request, story_id: str) -> dict[str, Any]:
    """Outlet by outlet: each outlet's headline and first report, who reported first,
    republications with their original, and which outlet carries which cited statement
    (``statements[].outlets``: outlet -> "reports" or "republishes"; the statements are
    the digest's, empty while it is being built: see ``digest_status``)."""
    from storyline.digest.outlets import digest_statements
    from storyline.store.copies import story_outlets

    state = request.app.state
    bundle = load_story(state.store, state.digests, story_id, 0.0)
    if bundle is None:
        raise HTTPException(404, f"no story {story_id!r}")
    if bundle.moved_to:
        return {"moved_to": bundle.moved_to}
    digest = digest_from_json(bundle.digest) if bundle.digest else None
    view = story_outlets(state.store, bundle.story.id,
                         digest_statements(digest) if digest else [])
    return {**view.to_json(), "digest_status": bundle.digest_status}


@page_router.get("/stories/{story_id}/new", response_class=HTMLResponse)
async def new_since(request: Request, story_id: str, since: str = Query(...)) -> Response:
    """The "new since your last visit" block (an HTML fragment for the story page)."""
    state = request.app.state
    moment = parse_since(since)
    bundle = await run_in_threadpool(load_story, state.store, state.digests, story_id, 0.0)
    if bundle is None or bundle.moved_to:
        raise HTTPException(404, f"no story {story_id!r}")
    update = await run_in_threadpool(update_json, state.store, bundle.story.id,
                                     bundle.story.articles, moment)
    by_id = bundle.by_id
    locations = (bundle.digest or {}).get("locations", {})
    new = [by_id[a] for a in update["new_articles"] if a in by_id]
    template = state.templates.get_template("_new_since.html")
    body = template.render(
        since=moment.date().isoformat(),
        summary=[views.cite(c, by_id, locations) for c in update["summary"]],
        articles=[{"title": a.title or a.text[:90], "outlet": a.source or "unknown outlet",
                   "href": views.article_href(a.id),
                   "date": a.published.date().isoformat() if a.published else None}
                  for a in new])
    return HTMLResponse(body, headers={"Cache-Control": "no-store"})
