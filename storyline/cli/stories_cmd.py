"""``storyline stories`` (list the stories) and ``storyline show STORY`` (one story)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from storyline.cli.app import (
    DbOption,
    FormatOption,
    OutputFormat,
    app,
    err,
    fail,
    open_store_or_fail,
    out,
    print_json,
)
from storyline.cli.terminal import plain, safe
from storyline.text.passages import summary_items


class StoryOrder(StrEnum):
    recent = "recent"
    size = "size"


@app.command()
def stories(
    db: DbOption = None,
    output: FormatOption = OutputFormat.text,
    order: Annotated[StoryOrder, typer.Option(help="recent: latest article first; "
                                              "size: most articles first.")]
    = StoryOrder.recent,
    entity: Annotated[str | None, typer.Option(help="Only stories whose key entities "
                                               "contain this name.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many (default: all).")]
    = None,
) -> None:
    """List the stories in the store (docs/formats.md §4 with --format json)."""
    if limit is not None and limit < 0:
        fail(f"--limit {limit}: must be 0 or more")
    store = open_store_or_fail(db)
    found = store.list_stories(limit=None if entity else limit, order=order.value)
    if entity:
        wanted = set(store.search_stories_by_entity(entity))
        found = [s for s in found if s.id in wanted][:limit]
    if output is OutputFormat.json:
        print_json([{**s.to_json(), "size": len(s.articles)} for s in found])
        return
    table = Table("last", "articles", "outlets", "title", "id", box=None, pad_edge=False)
    for story in found:
        table.add_row(
            story.last_published.date().isoformat() if story.last_published else "-",
            str(len(story.articles)), str(len(story.sources)), plain(story.title or "-"),
            plain(story.id),
        )
    out.print(table)
    out.print(f"[dim]{len(found)} of {store.count_stories()} stories; "
              "storyline show ID for one (an id prefix will do)[/dim]")


@app.command()
def show(
    story_id: Annotated[str, typer.Argument(metavar="STORY", help="Story id or a unique prefix.")],
    db: DbOption = None,
    output: FormatOption = OutputFormat.text,
    # -- issue 21: update summaries and the outlet view (storyline/cli/show_updates.py) --
    since: Annotated[str | None, typer.Option(
        "--since", help="Only what articles published after this date (YYYY-MM-DD: after "
        "that day) add: an update summary instead of the full one.",
        show_default=False)] = None,
    since_last: Annotated[bool, typer.Option(
        "--since-last", help="Only what arrived since the last 'show' of this story on this "
        "store (every show is remembered in the store).")] = False,
    outlets: Annotated[bool, typer.Option(
        "--outlets", help="Outlet by outlet: headline and first report of each, who "
        "reported first, republications, and which outlet carries which statement.")]
    = False,
    # -- end issue 21 --
    summary: Annotated[bool, typer.Option(help="Include the story's summary "
                                          "(runs the analysis).")] = True,
    why: Annotated[bool, typer.Option("--why", help="Explain each article's place: the "
                                      "member it matches best, the names and words they "
                                      "share, the similarity, the days apart; weakly "
                                      "attached articles are flagged.")] = False,
) -> None:
    """Print one story: title, outlets, dates, key entities, summary, timeline and articles."""
    store = open_store_or_fail(db)
    story = store.get_story(story_id.strip())
    if story is None:
        fail(f"story {story_id}: no such story (or the prefix is not unique); "
             "see storyline stories")
    # -- issue 21: an update replaces the full summary --
    from storyline.cli import show_updates

    extra = show_updates.ShowExtras.read(store, story, since=since, since_last=since_last,
                                         outlets=outlets)
    summary = summary and extra.update is None
    # -- end issue 21 --
    rows = store.get_articles(story.articles)
    digest = _digest(store, story.id, story.articles) if summary else None
    evidence = _why(store, story.id, [r.article for r in rows]) if why else None
    if output is OutputFormat.json:
        value = {**story.to_json(), "size": len(rows),
                 "articles": [r.article.to_json() for r in rows]}
        for item in value["articles"]:
            item.pop("text", None)
        value.update(extra.to_json(digest))  # issue 21: "update", "outlets"
        if digest is not None:
            # What the text view shows, in the digest's own JSON form (Digest.to_json).
            whole = digest.to_json()
            for part in ("summary", "timeline", "quotes", "entities", "disagreements",
                         "lead_sentences"):
                value[part] = whole[part]
        if evidence is not None:
            value["why"] = evidence.to_json()
        print_json(value)
        return
    out.print(f"[bold]{safe(story.title or '(untitled)')}[/bold]")
    out.print(f"[dim]story {safe(story.id)}[/dim]")
    span = _span(story)
    outlets = f"from {len(story.sources)} outlet(s)" if story.sources else "outlets not given"
    out.print(f"{len(rows)} article(s) {outlets}, {span}")
    if story.sources:
        out.print("outlets: " + safe(", ".join(story.sources)))
    if story.entities:
        out.print("key entities: " + safe(", ".join(story.entities)))
    if digest is not None:
        _print_digest(digest, {r.article.id: r.article for r in rows})
    extra.print(digest, {r.article.id: r.article for r in rows})  # issue 21
    out.print("")
    table = Table("published", "outlet", "title", "id", box=None, pad_edge=False)
    for row in rows:
        a = row.article
        title = a.title or a.text[:80].replace("\n", " ")
        table.add_row(a.published.isoformat(timespec="minutes").replace("+00:00", "Z")
                      if a.published else "-", plain(a.source or "-"), plain(title), plain(a.id))
    out.print(table)
    if evidence is not None:
        _print_why(evidence)


def _why(store, story_id: str, articles: list):
    """Each member's evidence (analyzes members that have no stored analysis yet)."""
    from storyline.stories.why import explain_stored

    return explain_stored(store, story_id, articles)


def _print_why(evidence) -> None:
    """Per article: its best match among the other members and what they share."""
    out.print("\n[bold]why these articles[/bold] [dim](each article's closest other member; "
              f"similarity below {evidence.weak_below:g}: weakly attached)[/dim]")
    for item in evidence.articles:
        head = f"  {safe(item.article_id)}  {safe(item.title)}"
        if item.source:
            head += f" [dim]({safe(item.source)})[/dim]"
        out.print(head)
        if item.best_match is None:
            out.print("      alone in its story")
            continue
        e = item.evidence
        parts = f"vectors {e.dense:.2f}, words {e.words:.2f}, names {e.entities:.2f}"
        if e.statements is not None:
            parts += f", closest sentences {e.statements:.2f}"
        days = "" if item.days_apart is None else f", {item.days_apart:.1f} day(s) apart"
        out.print(f"      best match {safe(item.best_match)}: similarity "
                  f"{item.similarity:.2f} ({parts}){days}")
        out.print("      shared names: " + (safe(", ".join(item.shared_entities)) or "none"))
        out.print("      shared words: " + (safe(", ".join(item.shared_terms)) or "none"))
        if item.pile:
            out.print(f"      a line of the pile {safe(item.pile)}: grouped with the pile's "
                      "other lines by topic")
        if item.weak:
            out.print("      [yellow]weak: little evidence ties it to any other member[/yellow]")
    if evidence.groups:
        out.print(f"\n[yellow]these articles form {len(evidence.groups)} groups with little "
                  f"evidence between them (mean similarity {evidence.between:.2f}): the story "
                  "may be two events[/yellow]")
        for n, group in enumerate(evidence.groups, 1):
            out.print(f"  group {n}: " + safe(", ".join(group)))


def _print_digest(digest, articles: dict) -> None:
    """The summary with its citations, the timeline, who said what, and disagreements."""

    def cites(citation) -> str:
        outlets = []
        for article_id in citation.sources:
            article = articles.get(article_id)
            name = (article.source if article else None) or article_id
            if name not in outlets:
                outlets.append(name)
        # the brackets are escaped with the names: "[d51a4567]" would read as a style tag
        return f" [dim]{safe('[' + ', '.join(outlets) + ']')}[/dim]" if outlets else ""

    if digest.summary:
        out.print("\n[bold]summary[/bold] "
                  "[dim](each sentence cites every outlet reporting it)[/dim]")
        if digest.lead_sentences:
            out.print(f"[dim]read from the first {digest.lead_sentences} sentences of each "
                      "article not analyzed before (a big story; the timeline read them "
                      "whole): `storyline ingest --digests` reads every sentence[/dim]")
        def published(citation):
            article = articles.get(citation.article_id)
            return article.published.date() if article and article.published else None

        for item in summary_items(digest.summary, day_of=published, outlets_of=cites):
            day = f"[dim]{item.day}:[/dim] " if item.day else ""
            out.print("  - " + day + " ".join(
                safe(c.text) + (cites(c) if after else "")
                for c, after in zip(item.sentences, item.outlets_after, strict=True)))
    # A count that changed from day to day is no dispute: it gets its own heading.
    disputes = [d for d in digest.disagreements if d.kind != "evolution"]
    evolutions = [d for d in digest.disagreements if d.kind == "evolution"]
    for heading, found in (("where sources disagree", disputes),
                           ("how the figures changed", evolutions)):
        if found:
            out.print(f"\n[bold]{heading}[/bold]")
        for disagreement in found:
            out.print(f"  - {safe(disagreement.description)}")
            for citation in disagreement.statements:
                out.print(f"      {safe(citation.text)}{cites(citation)}")
    if digest.timeline:
        out.print("\n[bold]timeline[/bold]")
        for entry in digest.timeline:
            for n, citation in enumerate(entry.sentences):
                day = entry.date.isoformat() if n == 0 else " " * 10
                out.print(f"  {day}  {safe(citation.text)}{cites(citation)}")
    if digest.quotes:
        out.print("\n[bold]who said what[/bold]")
        for quote in digest.quotes:
            article = articles.get(quote.article_id)
            outlet = f" [dim]({safe(article.source or article.id)})[/dim]" if article else ""
            text = quote.quote if len(quote.quote) <= 200 else quote.quote[:197] + "..."
            mark = '"' if quote.direct else ""
            cue = f"{quote.cue} {quote.addressee}" if quote.addressee else quote.cue
            who = f"[bold]{safe(quote.speaker)}[/bold] {safe(cue)}"
            if quote.cue.lower() == "according to":  # not "the indictment according to:"
                who = f"according to [bold]{safe(quote.speaker)}[/bold]"
            out.print(f"  {who}: {mark}{safe(text)}{mark}{outlet}")
    if digest.entities:
        names = ", ".join(f"{name} ({count})" for name, _label, count in digest.entities[:12])
        out.print("\n[bold]people, places, organizations[/bold] " + safe(names))


def _span(story) -> str:
    first, last = story.first_published, story.last_published
    if first is None:
        return "undated"
    if last is None or first.date() == last.date():
        return first.date().isoformat()
    return f"{first.date().isoformat()} to {last.date().isoformat()}"


def _digest(store, story_id: str, article_ids: list[str]):
    """The story's digest: the one stored for exactly these members when there is one (no
    model is loaded then), else built now and stored for the next reader (None, with a
    warning, when this story's digest fails; a missing dependency is no failure of this
    story: it stops the command, see ``app.main``)."""
    from storyline.serve.digests import (
        DigestCache,
        default_builder,
        digest_from_json,
        story_version,
    )

    cache = DigestCache(store, default_builder())
    stored = cache.cached(story_id, story_version(article_ids))
    if stored is not None and "failed" not in stored:
        return digest_from_json(stored)
    try:
        built = cache.build(story_id, [r.article for r in store.get_articles(article_ids)])
    except ImportError:
        raise
    except Exception as exc:  # noqa: BLE001 - the story still shows without its summary
        err.print(f"storyline: summary unavailable: {exc}", markup=False, highlight=False)
        return None
    return digest_from_json(built)
