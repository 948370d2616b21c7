"""``storyline articles``: list and search stored articles."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated

import typer
from rich.table import Table

from storyline.cli.app import (
    DbOption,
    FormatOption,
    OutputFormat,
    app,
    fail,
    open_store_or_fail,
    out,
    print_json,
)
from storyline.cli.terminal import clean, plain


def parse_day(value: str | None, option: str, *, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value}: not a date (use YYYY-MM-DD)")
    if len(value) <= 10:
        day = datetime.combine(day.date(), time.max if end else time.min)
    # Stored dates are UTC; a moment given with an offset is compared as the same instant.
    return day.astimezone(UTC) if day.tzinfo else day.replace(tzinfo=UTC)


@app.command()
def articles(
    query: Annotated[str | None, typer.Argument(help="Full-text query (all words must match).")]
    = None,
    db: DbOption = None,
    source: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    since: Annotated[str | None, typer.Option("--from", help="Published on or after YYYY-MM-DD.")]
    = None,
    until: Annotated[str | None, typer.Option("--to", help="Published on or before YYYY-MM-DD.")]
    = None,
    story: Annotated[str | None, typer.Option(help="Only the articles of this story (its id).")]
    = None,
    duplicates: Annotated[bool, typer.Option(help="Include recognized duplicates.")] = True,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first (paging).")] = 0,
    output: FormatOption = OutputFormat.text,
) -> None:
    """List stored articles, newest first, or search them (best match first).

    Examples: storyline articles --source Reuters --from 2016-09-01 --to 2016-09-30;
    storyline articles "air strike" --format json.
    """
    store = open_store_or_fail(db)
    rows = store.list_articles(
        source=source, since=parse_day(since, "--from"), until=parse_day(until, "--to", end=True),
        query=query, story_id=story, include_duplicates=duplicates, limit=limit, offset=offset,
    )
    if output is OutputFormat.json:
        print_json([
            {**r.article.to_json(), "duplicate_of": r.duplicate_of, "story": r.story_id}
            for r in rows
        ])
        return
    table = Table("published", "outlet", "title", "id", box=None, pad_edge=False)
    for row in rows:
        a = row.article
        title = plain(a.title or a.text[:80])
        if row.duplicate_of:
            title.append(f"  (duplicate of {clean(row.duplicate_of)})", style="dim")
        table.add_row(a.published.date().isoformat() if a.published else "-",
                      plain(a.source or "-"), title, plain(a.id))
    out.print(table)
    out.print(f"[dim]{len(rows)} article(s)[/dim]")
