"""``storyline serve``: the web pages and the JSON API over the store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import DbOption, app, err, fail, open_store_or_fail


def serve_store(db_url: str, *, host: str = "127.0.0.1", port: int = 8000,
                token_file: Path | None = None, workers: int = 1,
                cache_seconds: float = 5.0, precompute: int = 0) -> None:
    """Start the server over the store at ``db_url`` (used by ``serve`` and ``demo --serve``)."""
    from storyline.serve.app import TOKEN_ENV, ServeConfig
    from storyline.serve.server import LOOPBACK, ServeError, check_port, run

    token = None
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            fail(f"--token-file {token_file}: cannot read it ({exc.strerror})")
        if not token:
            fail(f"--token-file {token_file}: the file is empty")
    else:
        token = os.environ.get(TOKEN_ENV, "").strip() or None
    if workers < 1:
        fail(f"--workers {workers}: must be at least 1")
    config = ServeConfig(db_url=db_url, token=token, cache_seconds=cache_seconds)
    try:
        check_port(host, port)  # before saying "serving": a busy port is the only message
    except ServeError as exc:
        fail(str(exc))
    if host not in LOOPBACK:
        err.print(f"warning: listening on {host}: other machines can reach this server",
                  markup=False)
    err.print(f"storyline: serving {_shown(db_url)} at http://{_url_host(host)}:{port}/ "
              f"(API docs at /docs; writes {'on' if token else 'off'}); Ctrl+C stops",
              markup=False, highlight=False, soft_wrap=True)
    try:
        run(config, host=host, port=port, workers=workers, precompute=precompute,
            on_precomputed=lambda built, n: err.print(
                f"storyline: summaries ready for the {n} newest stories ({built} computed now)",
                markup=False))
    except ServeError as exc:
        fail(str(exc))


def _shown(db_url: str) -> str:
    """The store's URL without its password, for messages.

    >>> _shown("postgresql+psycopg://news:secret@db.example/news")
    'postgresql+psycopg://news:***@db.example/news'
    """
    from storyline.store.errors import safe_url

    return safe_url(db_url)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    token_file: Annotated[Path | None, typer.Option(
        "--token-file", help="File holding the API write token (else $STORYLINE_API_TOKEN; "
        "with neither, POST /api/ingest is off).", show_default=False)] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (one per core).")] = 1,
    cache_seconds: Annotated[float, typer.Option(
        "--cache-seconds", help="Reuse a rendered page this long (0: never).", min=0)] = 5.0,
    precompute: Annotated[int, typer.Option(
        help="Build the summaries of this many newest stories in the background at start "
        "(others are built on their first visit).", min=0)] = 0,
) -> None:
    """Serve the story pages and the JSON API (described at /docs) over the store."""
    store = open_store_or_fail(db)
    url = store.url
    store.close()
    serve_store(url, host=host, port=port, token_file=token_file, workers=workers,
                cache_seconds=cache_seconds, precompute=precompute)
