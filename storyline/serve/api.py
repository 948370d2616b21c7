"""The JSON API under ``/api`` (described at ``/docs`` and ``/openapi.json``).

Reads are open; ``POST /api/ingest`` needs ``Authorization: Bearer <token>`` with the token
the server was started with, and is off (403) when it was started without one.
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Header, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from storyline.ingest.records import Skip, make_article
from storyline.serve.queries import StoryFilter, list_stories
from storyline.serve.reading import BadParameter, load_story, parse_day

router = APIRouter(prefix="/api")

MAX_INGEST = 1000  # articles per request; send more in several requests


class StoryOut(BaseModel):
    id: str
    title: str
    size: int
    sources: list[str]
    first_published: str | None
    last_published: str | None
    entities: list[str]


class StoryList(BaseModel):
    total: int = Field(description="Stories matching the filters, on all pages.")
    stories: list[StoryOut]


class ArticleOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    text: str | None = None
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None
    story: str | None = None
    duplicate_of: str | None = None


class StoryDetail(BaseModel):
    story: dict[str, Any] = Field(description="INTERFACES.md section 4 story object.")
    articles: list[ArticleOut] = Field(description="Member articles without their text.")
    digest: dict[str, Any] | None = Field(
        description="summary, timeline, quotes, entities, disagreements (citations as in "
                    "INTERFACES.md section 2); null while it is being built or when none "
                    "can be made.")
    digest_status: str = Field(description='"ready", "pending" (being built: ask again) '
                               'or "none".')


class SearchResult(BaseModel):
    stories: list[StoryOut]
    articles: list[ArticleOut]


class ArticleIn(BaseModel):
    """An article as in INTERFACES.md section 1 (unknown fields are kept)."""

    model_config = ConfigDict(extra="allow")
    text: str
    id: str | None = None
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | int | float | None = None


class IngestResult(BaseModel):
    ingested: int
    duplicates: int
    already_present: int
    skipped: int
    skip_reasons: dict[str, int]
    skips: list[str]


def _filter(q, source, entity, since, until, order) -> StoryFilter:
    try:
        return StoryFilter(q=q or None, source=source or None, entity=entity or None,
                           since=parse_day(since, "from"), until=parse_day(until, "to", end=True),
                           order="size" if order == "size" else "recent")
    except BadParameter as exc:
        raise HTTPException(400, str(exc)) from None


def _article_json(row, *, with_text: bool) -> dict[str, Any]:
    data = row.article.to_json()
    if not with_text:
        data.pop("text", None)
    data["story"] = row.story_id
    data["duplicate_of"] = row.duplicate_of
    return data


@router.get("/stories", response_model=StoryList, tags=["read"])
def api_stories(
    request: Request,
    q: str | None = Query(None, description="Words in the stories' articles."),
    source: str | None = Query(None, description="Only stories with an article of this outlet."),
    entity: str | None = Query(None, description="Only stories naming this person, place..."),
    since: str | None = Query(None, alias="from", description="Active on or after YYYY-MM-DD."),
    until: str | None = Query(None, alias="to", description="Active on or before YYYY-MM-DD."),
    order: str = Query("recent", pattern="^(recent|size)$"),
    limit: int = Query(25, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """Stories, newest (or biggest) first; best match first when ``q`` is given."""
    f = _filter(q, source, entity, since, until, order)
    page = list_stories(request.app.state.store, f, limit=limit, offset=offset,
                        memo=request.app.state.memo)
    return {"total": page.total, "stories": [s.to_json() for s in page.stories]}


@router.get("/stories/{story_id:path}", response_model=StoryDetail,
            tags=["read"], response_model_exclude_unset=True)
def api_story(
    request: Request, story_id: str,
    wait: float | None = Query(None, ge=0, le=600, description="Seconds to wait for a digest "
                               "that is being built (default: the server's setting)."),
) -> Any:
    """One story: its articles and its digest (built on the first request)."""
    state = request.app.state
    bundle = load_story(state.store, state.digests, story_id,
                        wait=state.config.digest_wait if wait is None else wait)
    if bundle is None:
        raise HTTPException(404, f"no story {story_id!r}")
    if bundle.moved_to:
        return RedirectResponse(f"/api/stories/{quote(bundle.moved_to)}", status_code=301)
    rows = state.store.get_articles(bundle.story.articles)
    return {
        "story": bundle.story.to_json(),
        "articles": [_article_json(r, with_text=False) for r in rows],
        "digest": bundle.digest,
        "digest_status": bundle.digest_status,
    }


@router.get("/articles", response_model=list[ArticleOut],
            tags=["read"], response_model_exclude_unset=True)
def api_articles(
    request: Request,
    q: str | None = Query(None, description="Full-text query (all words must match)."),
    story: str | None = Query(None, description="Only this story's articles."),
    source: str | None = Query(None),
    since: str | None = Query(None, alias="from"),
    until: str | None = Query(None, alias="to"),
    text: bool = Query(False, description="Include each article's text."),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    """Articles, newest first, or best match first for ``q``."""
    try:
        start, end = parse_day(since, "from"), parse_day(until, "to", end=True)
    except BadParameter as exc:
        raise HTTPException(400, str(exc)) from None
    rows = request.app.state.store.list_articles(
        query=q, story_id=story, source=source, since=start, until=end,
        limit=limit, offset=offset,
    )
    return [_article_json(r, with_text=text) for r in rows]


@router.get("/articles/{article_id:path}", response_model=ArticleOut, tags=["read"])
def api_article(request: Request, article_id: str) -> dict[str, Any]:
    """One article with its text."""
    row = request.app.state.store.get_article(article_id)
    if row is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return _article_json(row, with_text=True)


@router.get("/search", response_model=SearchResult,
            tags=["read"], response_model_exclude_unset=True)
def api_search(request: Request, q: str = Query(..., min_length=1),
               limit: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
    """Stories and articles matching the words ``q``, best first."""
    store = request.app.state.store
    page = list_stories(store, StoryFilter(q=q), limit=limit)
    rows = store.list_articles(query=q, limit=limit)
    return {"stories": [s.to_json() for s in page.stories],
            "articles": [_article_json(r, with_text=False) for r in rows]}


@router.post("/ingest", response_model=IngestResult, tags=["write"],
             responses={401: {"description": "missing or wrong token"},
                        403: {"description": "writes are disabled on this server"}})
def api_ingest(
    request: Request,
    articles: list[ArticleIn] = Body(..., description="Article objects (at most 1000)."),
    authorization: str | None = Header(None, description="Bearer <token>"),
) -> dict[str, Any]:
    """Store articles (duplicates recognized, stories assigned) like ``storyline ingest``."""
    state = request.app.state
    _authorize(state.config.token, authorization)
    if len(articles) > MAX_INGEST:
        raise HTTPException(413, f"{len(articles)} articles in one request; at most {MAX_INGEST}")
    from storyline.ingest.runner import IngestReport, publication_order

    report = IngestReport()
    good = []
    for i, item in enumerate(articles):
        made = make_article(item.model_dump(exclude_none=True), f"articles[{i}]")
        if isinstance(made, Skip):
            report.skipped += 1
            report.skip_reasons[made.reason] += 1
            report.skips.append(made)
        else:
            good.append(made)
    with state.ingest_lock:
        ingestor = _ingestor(state)
        ingestor.store_articles(publication_order(good), report)
    state.pages.clear()
    state.memo.clear()
    state.menus.clear()
    return {**report.to_json(), "skips": [s.message() for s in report.skips]}


def _authorize(token: str | None, header: str | None) -> None:
    if not token:
        raise HTTPException(403, "writes are disabled: start the server with "
                                 "STORYLINE_API_TOKEN set or --token-file")
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(),
                                                             token.encode()):
        raise HTTPException(401, "missing or wrong token (send Authorization: Bearer <token>)",
                            headers={"WWW-Authenticate": "Bearer"})


def _ingestor(state):
    """One ingestor per process, so the near-duplicate index is loaded once."""
    if state.ingestor is None:
        from storyline.ingest.runner import Ingestor

        try:
            from storyline.stories import make_assigner
        except ImportError:
            assigner = None
        else:
            assigner = make_assigner(state.store)
        state.ingestor = Ingestor(state.store, assigner)
    return state.ingestor
