"""``storyline summarize CLUSTERS.jsonl --words N`` (docs/formats.md §2)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from storyline.cli.app import (
    WorkersOption,
    app,
    err,
    fail,
    note_empty,
    print_json,
    progress_bar,
    workers_or_fail,
)


@dataclass(slots=True)
class Cluster:
    id: str
    articles: list  # list[Article]


def read_clusters(path: Path) -> list[Cluster]:
    """Every cluster of a clusters JSON Lines file; the first bad line stops with its reason.

    A line is ``{"id": "...", "articles": [Article, ...]}``; blank lines are skipped. An
    article with an empty text is left out of its cluster and counted on stderr.
    """
    from storyline.ingest.records import Skip, make_article, open_text_lines

    if not path.exists():
        fail(f"{path}: no such file")
    if path.is_dir():
        fail(f"{path}: is a folder, expected a clusters JSON Lines file")
    clusters: list[Cluster] = []
    seen: set[str] = set()
    empty: list[str] = []
    try:
        handle = open_text_lines(path)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read ({exc})")
    with handle:
        for number, line in enumerate(_lines(handle, path), start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            obj = _parse_line(line, where)
            cluster_id = obj.get("id")
            if cluster_id is None or isinstance(cluster_id, bool | dict | list):
                fail(f"{where}: missing cluster id (a string 'id' field)")
            cluster_id = str(cluster_id)
            if cluster_id in seen:
                fail(f"{where}: cluster id {cluster_id!r} appears twice")
            seen.add(cluster_id)
            raw_articles = obj.get("articles")
            if not isinstance(raw_articles, list):
                fail(f"{where}: 'articles' must be a list of Article objects")
            articles, ids = [], set()
            for n, fields in enumerate(raw_articles, start=1):
                here = f"{where}: article {n}"
                if not isinstance(fields, dict):
                    fail(f"{here}: not a JSON object")
                if "seen" in fields and not isinstance(fields["seen"], bool):
                    fail(f"{here}: 'seen' must be true or false")
                article = make_article(fields, here)
                if isinstance(article, Skip):
                    if article.reason != "empty text":
                        fail(article.message())
                    empty.append(article.where)  # nothing to tell: left out, counted
                    continue
                if article.id in ids:
                    fail(f"{here}: article id {article.id!r} appears twice in the cluster")
                ids.add(article.id)
                articles.append(article)
            clusters.append(Cluster(cluster_id, articles))
    note_empty(empty)
    return clusters


def _lines(handle, path: Path):
    """Decoded lines; the reader yields bytes so a bad line can be named by its number."""
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            fail(f"{path}:{number}: not UTF-8 text ({exc.reason})")


def _parse_line(line: str, where: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        fail(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        fail(f"{where}: expected a JSON object with 'id' and 'articles'")
    return obj


@app.command()
def summarize(
    clusters: Annotated[Path, typer.Argument(help="Clusters JSON Lines: one {\"id\", "
                                             "\"articles\": [Article, ...]} per line.",
                                             show_default=False)],
    words: Annotated[int | None, typer.Option("--words", help="At most this many words "
                                              "(whitespace tokens) per summary.",
                                              show_default=False)] = None,
    sentences: Annotated[int | None, typer.Option("--sentences", help="At most this many "
                                                  "sentences per summary.",
                                                  show_default=False)] = None,
    workers: WorkersOption = None,
) -> None:
    """A summary of each cluster whose every sentence cites all articles reporting it.

    Prints one JSON line per cluster, in input order: {"id", "summary": [{"text",
    "article_id", "start", "end", "sources"}]}. Sentences are whole and quoted exactly as
    they stand in their article at [start, end); "sources" starts with "article_id" and
    lists every article of the cluster that reports the same content. Without --words or
    --sentences the budget is 100 words. Articles marked "seen": true were read before:
    the summary then tells only what the other articles add (an update summary).
    """
    if words is not None and words < 1:
        fail(f"--words {words}: must be at least 1")
    if sentences is not None and sentences < 1:
        fail(f"--sentences {sentences}: must be at least 1")
    processes = workers_or_fail(workers)
    loaded = read_clusters(clusters)
    from storyline.analyze.pipeline import analyze_groups, workers_for
    from storyline.digest.updates import is_seen, update_summary

    total = sum(len(c.articles) for c in loaded)
    processes = workers_for(total, processes)
    err.print(f"summarize: {len(loaded)} cluster(s), {total} article(s) from {clusters}; "
              f"analysis on {processes} process(es)", highlight=False)
    analyzed = analyze_groups((c.articles for c in loaded if c.articles), workers=processes)
    with progress_bar("summarizing") as bar:
        advance = bar(len(loaded))
        for cluster in loaded:
            summary = []
            if cluster.articles:
                seen = {a.id for a in cluster.articles if is_seen(a)}
                summary = update_summary(next(analyzed), seen, words=words,
                                         sentences=sentences)
            print_json({"id": cluster.id, "summary": [c.to_json() for c in summary]})
            advance(1)
