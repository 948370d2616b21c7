"""Server-rendered pages: the story list, a story, an article."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from storyline import limits
from storyline.serve import joins, views
from storyline.serve.live import live_context
from storyline.serve.queries import StoryFilter, list_stories
from storyline.serve.reading import BadParameter, load_story, parse_day
from storyline.serve.settings import SETTINGS
from storyline.text.passages import SummaryItem, summary_items

router = APIRouter(include_in_schema=False)


def _render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    template = request.app.state.templates.get_template(name)
    body = template.render(request=request, **context).encode("utf-8")
    return HTMLResponse(body, status_code=status)


def _outlets(request: Request) -> list[str]:
    state = request.app.state
    return state.menus.get_or("outlets", lambda: sorted(
        {name for name, _ in state.store.sources() if name}, key=str.lower))


@router.get("/", response_class=HTMLResponse)
def story_list(request: Request, q: str = "", source: str = "", entity: str = "",
               order: str = "recent", page: str = "1") -> Response:
    """Stories newest (or biggest) first, filtered by words, outlet, name and dates."""
    # ``from`` is a Python keyword: the dates are read from the query string directly.
    since = request.query_params.get("from", "")
    until = request.query_params.get("to", "")
    error = None
    try:
        f = StoryFilter(q=q.strip() or None, source=source.strip() or None,
                        entity=entity.strip() or None, since=parse_day(since, "from"),
                        until=parse_day(until, "to", end=True),
                        order="size" if order == "size" else "recent")
    except BadParameter as exc:
        error, f = str(exc), StoryFilter()
    page = max(1, _int(page) or 1)
    size = SETTINGS.page_size
    if (page - 1) * size > limits.MAX_OFFSET:
        return _render(request, "error.html", status=400, title="No such page",
                       message=f"Page {page} is past the last page any store can have.")
    store = request.app.state.store
    live = live_context(store)  # before the list: what is stored after it is reported
    result = list_stories(store, f, limit=size, offset=(page - 1) * size,
                          memo=request.app.state.memo)
    kept = {k: v for k, v in {"q": q, "source": source, "entity": entity, "from": since,
                              "to": until, "order": f.order}.items() if v}

    def page_href(n: int) -> str:
        return "/?" + urlencode({**kept, "page": n})

    pages = max(1, -(-result.total // size))
    # -- issue 21: a lead under each story card (storyline/serve/leads.py) --
    from storyline.serve.leads import leads

    story_leads = leads(store, result.stories)
    # -- end issue 21 --
    return _render(
        request, "stories.html", f=f, error=error, result=result, page=page, pages=pages,
        prev_href=page_href(page - 1) if page > 1 else None,
        next_href=page_href(page + 1) if page < pages else None,
        order_href={o: "/?" + urlencode({**kept, "order": o}) for o in ("recent", "size")},
        form={"q": q, "source": source, "entity": entity, "from": since, "to": until},
        outlets=_outlets(request), date_span=views.date_span,
        leads=story_leads,  # issue 21
        status=400 if error else 200, **live,
    )


@router.get("/stories/{story_id:path}", response_class=HTMLResponse)
async def story_page(request: Request, story_id: str) -> Response:
    """A story: cited summary, where sources differ, timeline, quotes, names, articles."""
    state = request.app.state
    live = await run_in_threadpool(live_context, state.store)  # before the story (see live.py)
    # As the API does: the store on a worker thread, the wait for a digest on the loop.
    bundle = await run_in_threadpool(load_story, state.store, state.digests, story_id, 0.0)
    if bundle is not None and bundle.pending and state.config.digest_wait > 0:
        if await state.digests.wait_async(bundle.story.id, state.config.digest_wait):
            bundle = await run_in_threadpool(load_story, state.store, state.digests,
                                             bundle.story.id, 0.0)
    return await run_in_threadpool(_story_response, request, story_id, bundle, live)


def _summary(summary: list[dict[str, Any]], by_id: dict, cited) -> list[SummaryItem]:
    """The summary's items (digest JSON), laid out as ``storyline show`` lays them out."""
    def day(citation: dict[str, Any]):
        article = by_id.get(citation["article_id"])
        return article.published.date() if article and article.published else None

    shown = {id(c): cited(c) for c in summary}
    items = summary_items(summary, day_of=day, outlets_of=lambda c: tuple(
                              chip.outlet for chip in shown[id(c)].chips),
                          span=lambda c: (c["article_id"], c["start"], c["end"]),
                          text=lambda c: c["text"])
    for item in items:
        item.sentences = [shown[id(c)] for c in item.sentences]
    return items


def _story_response(request: Request, story_id: str, bundle,
                    live: dict[str, Any] | None = None) -> Response:
    state = request.app.state
    if bundle is None:
        return _render(request, "error.html", status=404, title="No such story",
                       message=f"There is no story {story_id!r} in this store.")
    if bundle.moved_to:
        return RedirectResponse(f"/stories/{quote(bundle.moved_to)}", status_code=301)
    digest = bundle.digest or {}
    locations = digest.get("locations", {})
    by_id = bundle.by_id

    def cited(c: dict[str, Any]) -> views.CitedSentence:
        return views.cite(c, by_id, locations)

    timeline = [
        {"date": entry["date"], "sentences": [cited(c) for c in entry["sentences"]]}
        for entry in digest.get("timeline", [])
    ]
    quotes = []
    for q in digest.get("quotes", []):
        article = by_id.get(q.get("article_id") or "")
        quotes.append({
            "speaker": q["speaker"], "quote": q["quote"], "direct": q.get("direct", True),
            "outlet": (article.source or "unknown outlet") if article else None,
            "date": article.published.date().isoformat() if article and article.published
            else None,
            "href": views.article_href(article.id, [q["start"], q["end"]]) if article else None,
        })
    # A count that changed from day to day is no dispute: it gets its own section.
    differences = {"dispute": [], "evolution": []}
    for d in digest.get("disagreements", []):
        differences["evolution" if d.get("kind") == "evolution" else "dispute"].append(
            {"description": d["description"], "statements": [cited(c) for c in d["statements"]]})
    why = None
    if bundle.articles and (bundle.digest is not None or not bundle.pending):
        # From the stored analyses; where some are missing and no digest build is making
        # them, analyzed here (once: they are saved) when this server may run the NLP.
        found = joins.story_why(state.store, state.digests, bundle.story.id, bundle.articles,
                                analyze=state.digests.available)
        if found is not None:
            titles = {a.id: a.title or a.text[:90] for a in bundle.articles}
            why = {**found, "rows": [joins.why_row(item, titles, found["groups"])
                                     for item in found["articles"]]}
    articles = [
        {"id": a.id, "title": a.title or a.text[:90], "outlet": a.source or "unknown outlet",
         "date": a.published.date().isoformat() if a.published else None,
         "url": views.safe_url(a.url), "href": views.article_href(a.id)}
        for a in bundle.articles
    ]
    response = _render(
        request, "story.html", story=bundle.story, has_digest=bundle.digest is not None,
        pending=bundle.pending,
        digest_available=state.digests.available,
        summary=_summary(digest.get("summary", []), by_id, cited),
        lead_sentences=digest.get("lead_sentences"),
        timeline=timeline, figure=views.timeline_figure(digest.get("timeline", [])),
        quotes=quotes, disagreements=differences["dispute"],
        evolutions=differences["evolution"],
        entities=views.group_entities(digest.get("entities", [])),
        articles=articles, why=why,
        outlets=sorted({a.source for a in bundle.articles if a.source}, key=str.lower),
        span=views.date_span(bundle.story.first_published, bundle.story.last_published),
        **_issue21_context(request, bundle),  # issue 21: outlet view
        **(live or {}),
    )
    if bundle.pending:
        response.headers["Cache-Control"] = "no-store"
    return response


def _issue21_context(request: Request, bundle) -> dict[str, Any]:
    """issue 21: the outlet view of the story page (storyline/serve/outlets_view.py)."""
    from storyline.serve.outlets_view import for_story

    return {"outlet_view": for_story(request.app.state.store, bundle)}


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str, s: str = "", e: str = "") -> Response:
    """An article, with the span ``[s, e)`` marked when a citation leads here."""
    row = request.app.state.store.get_article(article_id)
    if row is None:
        return _render(request, "error.html", status=404, title="No such article",
                       message=f"There is no article {article_id!r} in this store.")
    a = row.article
    return _render(
        request, "article.html", article=a, url=views.safe_url(a.url),
        parts=views.highlight(a.text, _int(s), _int(e)), story_id=row.story_id,
        duplicate_of=row.duplicate_of,
        date=a.published.date().isoformat() if a.published else None,
    )


def _int(value: str) -> int | None:
    """A number typed into an address, or None (a page shows defaults, never an error)."""
    try:
        return int(value)
    except ValueError:
        return None
