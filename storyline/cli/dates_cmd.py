"""``storyline dates ARTICLES.jsonl``: every time expression, resolved (docs/formats.md §6)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import WorkersOption, app, err, fail, print_json, workers_or_fail
from storyline.model import Article

BATCH = 64
ArticlesArgument = Annotated[Path, typer.Argument(help="Article JSON Lines (plain or gzip).")]


def read_articles(path: Path) -> list[Article]:
    """The articles of a JSONL file; bad lines are reported on stderr and skipped."""
    from storyline.ingest.jsonl import read_jsonl
    from storyline.ingest.records import Skip

    if not path.exists():
        fail(f"{path}: no such file")
    if path.is_dir():
        fail(f"{path}: is a folder, not an Article JSON Lines file")
    articles, skipped = [], 0
    try:
        for item in read_jsonl(path):
            if isinstance(item, Skip):
                skipped += 1
                if skipped <= 20:
                    err.print(f"skipped {item.message()}", markup=False, highlight=False,
                              soft_wrap=True)
                continue
            articles.append(item)
    except OSError as exc:
        fail(f"{path}: cannot read ({exc.strerror or exc})")
    if skipped > 20:
        err.print(f"... {skipped - 20} more lines skipped", markup=False)
    if skipped and not articles:
        fail(f"{path}: no readable article ({skipped} lines skipped)")
    return articles


def analyzed(articles: list[Article], workers: int | None = None) -> Iterator:
    """Analyses (without vectors), batch by batch, with a progress line on stderr; large
    inputs on ``workers`` processes (``--workers``; default one per core)."""
    from storyline.analyze.pipeline import analyze_groups, workers_for

    processes = workers_for(len(articles), workers_or_fail(workers))
    size = BATCH if processes == 1 else 16  # small enough for every worker to get some
    if processes > 1:
        err.print(f"analyzing {len(articles)} articles on {processes} processes", markup=False)
    batches = [articles[i:i + size] for i in range(0, len(articles), size)]
    finished = 0
    for batch, results in zip(batches, analyze_groups(batches, workers=processes,
                                                      with_vectors=False), strict=True):
        for article, analysis in zip(batch, (r.analysis for r in results), strict=True):
            if analysis.skipped_reason:
                err.print(f"{article.id}: {analysis.skipped_reason}", markup=False,
                          highlight=False, soft_wrap=True)
            yield article, analysis
        finished += len(batch)
        if len(articles) > BATCH and (finished % BATCH < size or finished == len(articles)):
            err.print(f"analyzed {finished}/{len(articles)}", markup=False)


@app.command()
def dates(path: ArticlesArgument, workers: WorkersOption = None) -> None:
    """Print every time expression with its calendar value, one JSON object per line.

    Values are resolved against each article's `published` date (relative expressions such
    as "on Friday" need it: without it only dates that carry their year are printed).
    """
    articles = read_articles(path)
    missing = sum(a.published is None for a in articles)
    if missing:
        err.print(f"{missing} article(s) without 'published': only dates with a year "
                  "are resolved there", markup=False)
    for article, analysis in analyzed(articles, workers):
        for t in analysis.times:
            print_json({"article_id": article.id, "text": t.text, "start": t.start,
                        "end": t.end, "value": t.value})
