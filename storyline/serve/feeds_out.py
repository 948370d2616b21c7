"""Atom feeds out, written with feedgen: one per story, and one of new stories.

- ``/stories/{id}/feed.atom``: an entry per update (per publication day of the story, newest
  first): the first day's entry is the story's first report, each later one the cited update
  summary of that day's articles against everything published before (``updates_by_day``);
- ``/feed.atom``: the newest stories, each with its lead sentence when its digest is ready.

Entry content is HTML built here with every article string escaped (``html.escape``);
feedgen escapes that HTML again as XML text. Links are absolute (from the request's base URL)
and point at the story page and at each cited sentence in its article.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from storyline.serve import views
from storyline.serve.digests import story_version
from storyline.serve.reading import load_story
from storyline.serve.settings import SETTINGS
from storyline.serve.updates_api import BUILD_LOCK, RECENT

router = APIRouter(include_in_schema=False)

ATOM = "application/atom+xml; charset=utf-8"


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _generator(feed_id: str, title: str, self_href: str, alt_href: str, updated: datetime):
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(title or "Untitled story")
    fg.link(href=self_href, rel="self", type="application/atom+xml")
    fg.link(href=alt_href, rel="alternate", type="text/html")
    fg.author({"name": "storyline"})
    fg.generator("storyline")
    fg.updated(updated)
    return fg


def _cited_html(citations: list[dict[str, Any]], articles: dict, base: str) -> str:
    """An HTML list of cited sentences, each followed by links to the outlets reporting it."""
    items = []
    for c in citations:
        chips = []
        seen = set()
        for aid in [c["article_id"], *[s for s in c.get("sources", []) if s != c["article_id"]]]:
            article = articles.get(aid)
            outlet = (article.source if article else None) or "unknown outlet"
            if outlet.lower() in seen:
                continue
            seen.add(outlet.lower())
            span = [c["start"], c["end"]] if aid == c["article_id"] else None
            chips.append(f'<a href="{html.escape(base + views.article_href(aid, span))}">'
                         f"{html.escape(outlet)}</a>")
        items.append(f"<li>{html.escape(c['text'])} [{', '.join(chips)}]</li>")
    return "<ol>" + "".join(items) + "</ol>" if items else ""


def _story_updates(store, story_id: str, articles) -> list[dict[str, Any]]:
    """Day-by-day updates as JSON, computed once per story version."""
    from storyline.digest.compose import analyze_cached
    from storyline.digest.story_updates import updates_by_day

    key = ("feed", story_id, story_version([a.id for a in articles]))
    found = RECENT.get(key)
    if found is None:
        with BUILD_LOCK:
            found = RECENT.get(key)
            if found is None:
                analyzed = analyze_cached(store, articles)
                found = [{**u.to_json(), "day": u.day.isoformat(),
                          "published": u.published}
                         for u in updates_by_day(story_id, articles, analyzed,
                                                 limit=SETTINGS.story_feed_entries)]
                RECENT.put(key, found)
    return found


def story_feed(request: Request, bundle, updates: list[dict[str, Any]]) -> bytes:
    base = _base(request)
    story = bundle.story
    page = f"{base}/stories/{story.id}"
    updated = story.last_published or datetime(1970, 1, 1, tzinfo=UTC)
    fg = _generator(f"{page}/feed.atom", f"{story.title or 'Untitled story'} · storyline",
                    f"{page}/feed.atom", page, updated)
    fg.subtitle("Each update: what that day's articles added, every sentence cited")
    by_id = bundle.by_id
    for item in reversed(updates):  # feedgen lists the last added first
        first = not item["seen_articles"]
        new = [by_id[a] for a in item["new_articles"] if a in by_id]
        outlets = sorted({a.source or "unknown outlet" for a in new}, key=str.lower)
        entry = fg.add_entry()
        entry.id(f"{page}#update-{item['day']}")
        entry.title(("First report" if first else "Update") + f", {item['day']}: "
                    f"{len(new)} article{'' if len(new) == 1 else 's'} from "
                    + ", ".join(outlets))
        entry.link(href=f"{page}#update-{item['day']}", rel="alternate", type="text/html")
        when = item["published"] or updated
        entry.updated(when)
        entry.published(when)
        body = _cited_html(item["summary"], by_id, base) or (
            "<p>The new articles repeat what was already reported.</p>")
        listing = "".join(
            f'<li><a href="{html.escape(base + views.article_href(a.id))}">'
            f"{html.escape(a.title or a.text[:90])}</a> ({html.escape(a.source or '')})</li>"
            for a in new)
        entry.content(body + f"<p>Articles:</p><ul>{listing}</ul>", type="html")
    return fg.atom_str(pretty=True)


@router.get("/stories/{story_id}/feed.atom")
async def story_feed_route(request: Request, story_id: str) -> Response:
    """The Atom feed of one story: an entry per update."""
    state = request.app.state
    bundle = await run_in_threadpool(load_story, state.store, state.digests, story_id, 0.0)
    if bundle is None or bundle.moved_to:
        raise HTTPException(404, f"no story {story_id!r}")
    updates = await run_in_threadpool(_story_updates, state.store, bundle.story.id,
                                      bundle.articles)
    return Response(story_feed(request, bundle, updates), media_type=ATOM)


@router.get("/feed.atom")
def new_stories_feed(request: Request) -> Response:
    """The Atom feed of new stories (newest first), each with its lead when ready."""
    from storyline.serve.leads import leads

    store = request.app.state.store
    base = _base(request)
    found = store.list_stories(limit=SETTINGS.new_stories_entries, order="recent")
    found.sort(key=lambda s: s.first_published or datetime(1970, 1, 1, tzinfo=UTC),
               reverse=True)
    newest = max((s.last_published for s in found if s.last_published),
                 default=datetime(1970, 1, 1, tzinfo=UTC))
    fg = _generator(f"{base}/feed.atom", "New stories · storyline", f"{base}/feed.atom",
                    f"{base}/", newest)
    lead_of = leads(store, found)
    for story in reversed(found):
        page = f"{base}/stories/{story.id}"
        entry = fg.add_entry()
        entry.id(page)
        entry.title(story.title or "Untitled story")
        entry.link(href=page, rel="alternate", type="text/html")
        entry.published(story.first_published or newest)
        entry.updated(story.last_published or story.first_published or newest)
        lead = lead_of.get(story.id)
        parts = []
        if lead:
            parts.append(f"<p>{html.escape(lead.text)} (cited by {lead.sources} article"
                         f"{'' if lead.sources == 1 else 's'})</p>")
        parts.append(f"<p>{len(story.articles)} article{'' if len(story.articles) == 1 else 's'}"
                     f" from {html.escape(', '.join(story.sources))}</p>")
        entry.content("".join(parts), type="html")
    return Response(fg.atom_str(pretty=True), media_type=ATOM)
