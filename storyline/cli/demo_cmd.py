"""``storyline demo``: the README's main job on the corpus that ships with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import (
    DbOption,
    OutputFormat,
    app,
    err,
    open_store_or_fail,
    out,
    progress_bar,
)


def demo_corpus_path() -> Path:
    return Path(str(resources.files("storyline.demo") / "articles.jsonl"))


@app.command()
def demo(
    db: DbOption = None,
    fresh: Annotated[bool, typer.Option(help="Empty the store first.")] = False,
    serve: Annotated[bool, typer.Option(
        "--serve", help="Then show the stories in the browser (storyline serve).")] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.", min=1, max=65535)] = 8000,
) -> None:
    """Ingest the demo corpus into the store and show what storyline made of it."""
    from storyline.cli.ingest_cmd import _story_assigner
    from storyline.cli.terminal import safe
    from storyline.ingest.runner import ingest_paths
    from storyline.serve import digests_ahead

    store = open_store_or_fail(db)
    if fresh:
        store.delete_all()
    corpus = demo_corpus_path()
    since = digests_ahead.prepare(store)
    background = digests_ahead.Background() if digests_ahead.Background.worth_it() else None
    with progress_bar("ingesting the demo corpus") as factory:
        report = ingest_paths(store, [corpus], assigner=_story_assigner(store),
                              progress_factory=factory,
                              on_fresh=background.submit if background else None)
        # As ingest does: every story's digest stored, so show and the pages read it.
        ahead = digests_ahead.compute_changed(store, since, progress_factory=factory,
                                              background=background)
    err.print(report.summary(), markup=False)
    if ahead.stories:
        err.print(ahead.summary(), markup=False)
    total = store.count_articles()
    originals = store.count_articles(originals_only=True)
    outlets = store.sources()
    out.print(f"[bold]{total}[/bold] articles from {len(outlets)} outlets in the store at "
              f"{safe(store.url)} ({total - originals} recognized as duplicates):")
    out.print("  " + safe(", ".join(f"{name} ({n})" for name, n in outlets)))
    from storyline.cli.stories_cmd import StoryOrder, show, stories

    out.print("\n[bold]Stories[/bold], biggest first:")
    stories(db=store.url, output=OutputFormat.text, order=StoryOrder.size, entity=None,
            limit=None)
    biggest = store.list_stories(limit=1, order="size")
    if biggest:
        out.print("\n[bold]The biggest story, digested[/bold] (summary with citations, "
                  "timeline, who said what):\n")
        show(story_id=biggest[0].id, db=store.url, output=OutputFormat.text, summary=True)
    out.print("\nNext: [bold]storyline stories[/bold], [bold]storyline show ID[/bold], "
              "[bold]storyline articles ceasefire[/bold], and in the browser: "
              "[bold]storyline demo --serve[/bold] (or [bold]storyline serve[/bold]) "
              "then open http://127.0.0.1:8000/")
    if serve:
        from storyline.cli.serve_cmd import serve_store

        serve_store(store.url, port=port, precompute=100)
