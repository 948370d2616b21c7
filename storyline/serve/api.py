"""The JSON API under ``/api`` (described at ``/docs`` and ``/openapi.json``).

Reads are open; ``POST /api/ingest`` needs ``Authorization: Bearer <token>`` with the token
the server was started with, and is off (403) when it was started without one. The token is
checked before a byte of the body is read; the body is then read up to
``limits.MAX_REQUEST_BYTES`` (413 past it) and parsed as JSON no deeper than
``limits.MAX_JSON_DEPTH`` (400).
"""

from __future__ import annotations

import hmac
import json
import os
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from storyline import limits
from storyline.ingest.records import Skip, json_depth, make_article
from storyline.serve.live import router as live_router
from storyline.serve.queries import StoryFilter, list_stories
from storyline.serve.reading import BadParameter, load_story, parse_day
from storyline.store.database import StoreBusy

router = APIRouter(prefix="/api")
router.include_router(live_router)  # issue 20: GET /api/changes (storyline/serve/live.py)


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
    story: dict[str, Any] = Field(description="docs/formats.md §4 story object.")
    articles: list[ArticleOut] = Field(description="Member articles without their text.")
    digest: dict[str, Any] | None = Field(
        description="summary, timeline, quotes, entities, disagreements (citations as in "
                    "docs/formats.md §2); null while it is being built or when none "
                    "can be made.")
    digest_status: str = Field(description='"ready", "pending" (being built: ask again) '
                               'or "none".')
    # -- issue 21 --
    update: dict[str, Any] | None = Field(
        None, description="With ?since=: what the articles published after it add "
        "(seen_articles, new_articles, and a cited update summary that repeats nothing a "
        "seen article said).")
    # -- end issue 21 --


class EvidenceOut(BaseModel):
    dense: float = Field(description="Cosine of the lead sentences' vectors.")
    words: float = Field(description="Cosine of the TF-IDF word vectors.")
    entities: float = Field(description="Cosine of the TF-IDF vectors of named entities.")
    statements: float | None = Field(description="Cosine of the closest pair of sentences.")


class ArticleWhyOut(BaseModel):
    article_id: str
    title: str
    source: str | None
    best_match: str | None = Field(description="The other member it matches best (null when "
                                   "it is alone in its story).")
    similarity: float | None = Field(description="The blended score of the stories stage "
                                     "with best_match.")
    evidence: EvidenceOut | None
    shared_entities: list[str]
    shared_terms: list[str]
    days_apart: float | None
    weak: bool = Field(description="Little evidence ties it to any other member: a join to "
                       "check.")
    pile: str | None = Field(None, description="The pile (a --format lines file) it is a "
                             "line of: grouped with the pile's other lines by topic.")


class StoryWhyOut(BaseModel):
    story_id: str
    weak_below: float = Field(description="A best match scoring below this is weak.")
    weak: list[str] = Field(description="Ids of the weakly attached members.")
    groups: list[list[str]] = Field(description="When the members form two groups with "
                                    "little evidence between them (the story may be two "
                                    "events): the ids in each group; else empty.")
    between_groups: float | None = Field(description="Mean similarity between the two "
                                         "groups of the cut, when there are enough members.")
    articles: list[ArticleWhyOut]


class SearchResult(BaseModel):
    stories: list[StoryOut]
    articles: list[ArticleOut]


class ArticleIn(BaseModel):
    """An article as in docs/formats.md §1 (unknown fields are kept)."""

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
    worker: int | None = Field(None, description="The server process that stored them.")


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
    offset: int = Query(0, ge=0, le=limits.MAX_OFFSET),
) -> dict[str, Any]:
    """Stories, newest (or biggest) first; best match first when ``q`` is given."""
    f = _filter(q, source, entity, since, until, order)
    page = list_stories(request.app.state.store, f, limit=limit, offset=offset,
                        memo=request.app.state.memo)
    return {"total": page.total, "stories": [s.to_json() for s in page.stories]}


# Declared before /stories/{story_id:path}, which would take "ID/why" for a story id.
@router.get("/stories/{story_id}/why", response_model=StoryWhyOut, tags=["read"])
def api_story_why(request: Request, story_id: str) -> Any:
    """Why the story holds each of its articles: the member each matches best, the names
    and words they share, the similarity and its parts, the days apart; weak joins flagged.
    Members not analyzed yet are analyzed first (and the analyses kept)."""
    from storyline.serve.joins import merged_into, story_why

    state = request.app.state
    story = state.store.get_story(story_id)
    if story is None:
        raise HTTPException(404, f"no story {story_id!r}")
    if into := merged_into(state.store, story.id):
        return RedirectResponse(f"/api/stories/{quote(into)}/why", status_code=301)
    articles = [r.article for r in state.store.get_articles(story.articles)]
    return story_why(state.store, state.digests, story.id, articles, analyze=True)


@router.get("/stories/{story_id:path}", response_model=StoryDetail,
            tags=["read"], response_model_exclude_unset=True)
async def api_story(
    request: Request, story_id: str,
    wait: float | None = Query(None, ge=0, le=600, description="Seconds to wait for a digest "
                               "that is being built (default: the server's setting)."),
    since: str | None = Query(None, description="YYYY-MM-DD or an ISO date-time: add the "
                              "update since then (articles published after it are new)."),
) -> Any:
    """One story: its articles and its digest (built on the first request)."""
    state = request.app.state
    # The store is read on a worker thread; the wait for a digest being built is spent here,
    # on the event loop, so waiting requests hold no thread that other requests need.
    bundle = await run_in_threadpool(load_story, state.store, state.digests, story_id, 0.0)
    seconds = state.config.digest_wait if wait is None else wait
    if bundle is not None and bundle.pending and seconds > 0:
        if await state.digests.wait_async(bundle.story.id, seconds):
            bundle = await run_in_threadpool(load_story, state.store, state.digests,
                                             bundle.story.id, 0.0)
    if bundle is None:
        raise HTTPException(404, f"no story {story_id!r}")
    if bundle.moved_to:
        return RedirectResponse(f"/api/stories/{quote(bundle.moved_to)}", status_code=301)
    rows = await run_in_threadpool(state.store.get_articles, bundle.story.articles)
    answer = {
        "story": bundle.story.to_json(),
        "articles": [_article_json(r, with_text=False) for r in rows],
        "digest": bundle.digest,
        "digest_status": bundle.digest_status,
    }
    # -- issue 21: ?since= adds the update summary (storyline/serve/updates_api.py) --
    if since is not None:
        from storyline.serve.updates_api import parse_since, update_json

        answer["update"] = await run_in_threadpool(
            update_json, state.store, bundle.story.id, bundle.story.articles,
            parse_since(since))
    # -- end issue 21 --
    return answer


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
    offset: int = Query(0, ge=0, le=limits.MAX_OFFSET),
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


_ARTICLES = TypeAdapter(list[ArticleIn])
_INGEST_BODY = {
    "required": True,
    "description": f"Article objects (at most {limits.MAX_INGEST_ARTICLES}; the body at most "
                   f"{limits.MAX_REQUEST_BYTES} bytes).",
    "content": {"application/json": {"schema": {
        "type": "array", "maxItems": limits.MAX_INGEST_ARTICLES,
        "items": ArticleIn.model_json_schema()}}},
}


@router.post("/ingest", response_model=IngestResult, tags=["write"],
             openapi_extra={"requestBody": _INGEST_BODY},
             responses={400: {"description": "the body is not JSON, or nested too deeply"},
                        401: {"description": "missing or wrong token"},
                        403: {"description": "writes are disabled on this server"},
                        413: {"description": "too many articles, or too large a body"},
                        503: {"description": "another process holds the store's write "
                                             "lock; try again later"}})
async def api_ingest(
    request: Request,
    authorization: str | None = Header(None, description="Bearer <token>"),
) -> Any:
    """Store articles (duplicates recognized, stories assigned) like ``storyline ingest``."""
    state = request.app.state
    _authorize(state.config.token, authorization)  # before the body is read
    articles = _parse_articles(await _read_body(request))
    if len(articles) > limits.MAX_INGEST_ARTICLES:
        raise HTTPException(413, f"{len(articles)} articles in one request; at most "
                                 f"{limits.MAX_INGEST_ARTICLES}")
    try:
        result = await run_in_threadpool(_ingest, state, articles)
    except StoreBusy as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": "10"}) from None
    state.pages.clear()
    state.memo.clear()
    state.menus.clear()
    return result


async def _read_body(request: Request) -> bytes:
    """The request body, refused (413) as soon as it passes ``MAX_REQUEST_BYTES``."""
    limit = limits.MAX_REQUEST_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"a body of {declared} bytes; at most {limit}")
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"a body of more than {limit} bytes; at most {limit}")
        parts.append(chunk)
    return b"".join(parts)


def _parse_articles(body: bytes) -> list[ArticleIn]:
    try:
        value = json.loads(body)
    except RecursionError:
        raise HTTPException(400, "the body is nested too deeply") from None
    except ValueError as exc:
        raise HTTPException(400, f"the body is not JSON ({str(exc)[:200]})") from None
    if json_depth(value) > limits.MAX_JSON_DEPTH + 1:  # the array, then the records
        raise HTTPException(400, f"the body is nested more than {limits.MAX_JSON_DEPTH} "
                                 "levels deep")
    try:
        return _ARTICLES.validate_python(value)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


def _ingest(state, articles: list[ArticleIn]) -> dict[str, Any]:
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
    return {**report.to_json(), "skips": [s.message() for s in report.skips],
            "worker": os.getpid()}


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
    """One ingestor per process, so the near-duplicate index is loaded once (it reads what
    other writers stored since, under the store's write lock, before each batch)."""
    if state.ingestor is None:
        from storyline.ingest.runner import Ingestor
        from storyline.stories import make_assigner

        state.store.write_wait = limits.API_WRITE_WAIT_SECONDS
        state.ingestor = Ingestor(state.store, make_assigner(state.store))
    return state.ingestor
