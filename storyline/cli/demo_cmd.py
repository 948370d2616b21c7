"""``storyline demo``: the README's main job on the corpus that ships with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import DbOption, app, err, open_store_or_fail, out, progress_bar


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
    from storyline.ingest.runner import ingest_paths

    store = open_store_or_fail(db)
    if fresh:
        store.delete_all()
    corpus = demo_corpus_path()
    with progress_bar("ingesting the demo corpus") as factory:
        report = ingest_paths(store, [corpus], assigner=_story_assigner(store),
                              progress_factory=factory)
    err.print(report.summary(), markup=False)
    total = store.count_articles()
    originals = store.count_articles(originals_only=True)
    out.print(f"[bold]{total}[/bold] articles in the store at {store.url} "
              f"({total - originals} recognized as duplicates)")
    for outlet, n in store.sources():
        out.print(f"  {n:4d}  {outlet}")
    out.print("\nTry: [bold]storyline articles ceasefire[/bold]   "
              "[bold]storyline articles --source 'Harbor Ledger'[/bold]")
    if serve:
        from storyline.cli.serve_cmd import serve_store

        serve_store(store.url, port=port, precompute=100)
