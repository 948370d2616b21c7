"""``storyline timeline ARTICLES.jsonl --dates L --per-date K`` (docs/formats.md §3)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import app, err, fail, note_empty, print_json


def read_articles(path: Path) -> list:
    """Every article of an Article JSON Lines file; the first bad line stops with its reason.

    An article whose text is empty is no bad line: it has nothing to tell, so it is left
    out and counted on stderr (a crawl's empty pages must not cost the whole timeline).
    """
    from storyline.ingest.jsonl import read_jsonl
    from storyline.ingest.records import Skip

    if not path.exists():
        fail(f"{path}: no such file")
    if path.is_dir():
        fail(f"{path}: is a folder, expected an Article JSON Lines file")
    articles, empty = [], []
    for item in read_jsonl(path):
        if isinstance(item, Skip):
            if item.reason != "empty text":
                fail(item.message())
            empty.append(item.where)
            continue
        articles.append(item)
    note_empty(empty)
    return articles


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value}: not a date (use YYYY-MM-DD)")


@app.command()
def timeline(
    articles: Annotated[Path, typer.Argument(help="Article JSON Lines file (docs/formats.md §1).",
                                             show_default=False)],
    dates: Annotated[int, typer.Option("--dates", help="At most this many dates.")] = 10,
    per_date: Annotated[int, typer.Option("--per-date", help="At most this many sentences "
                                          "per date.")] = 2,
    since: Annotated[str | None, typer.Option("--from", help="Only events dated on or after "
                                              "YYYY-MM-DD.", show_default=False)] = None,
    until: Annotated[str | None, typer.Option("--to", help="Only events dated on or before "
                                              "YYYY-MM-DD.", show_default=False)] = None,
    query: Annotated[str | None, typer.Option("--query", help="Only sentences about these "
                                              "words.", show_default=False)] = None,
) -> None:
    """The dates that matter in a set of articles and what happened on each, with citations.

    Each sentence is dated by the time expression in it ("on Friday", "March 3"), resolved
    against its article's publication date, else by that publication date. Prints one JSON
    object: {"timeline": [{"date": ..., "sentences": [{"text", "article_id", "start", "end",
    "sources"}]}]}, dates ascending.
    """
    if dates < 1:
        fail(f"--dates {dates}: must be at least 1")
    if per_date < 1:
        fail(f"--per-date {per_date}: must be at least 1")
    start, end = parse_date(since, "--from"), parse_date(until, "--to")
    if start and end and start > end:
        fail(f"--from {since} is after --to {until}")
    if query is not None and not query.strip():
        fail("--query: empty")
    loaded = read_articles(articles)
    err.print(f"timeline: {len(loaded)} article(s) from {articles}", highlight=False)
    from storyline.digest.timeline import build_timeline

    entries = build_timeline(loaded, dates=dates, per_date=per_date, since=start, until=end,
                             query=query)
    print_json({"timeline": [entry.to_json() for entry in entries]})
