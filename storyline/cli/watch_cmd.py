"""``storyline watch SOURCES`` (poll feeds and sitemaps); ``storyline sources`` (health)."""

from __future__ import annotations

import time
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
from storyline.cli.terminal import plain


@app.command()
def watch(
    sources: Annotated[list[str], typer.Argument(
        help="Feed (RSS/Atom) or sitemap URLs, files with one URL per line, or OPML files.",
        show_default=False)],
    db: DbOption = None,
    interval: Annotated[float, typer.Option(
        help="Seconds between two polls of one source (failing sources back off "
             "exponentially, and wait as long as a Retry-After asks).")] = 300.0,
    once: Annotated[bool, typer.Option(
        "--once", help="Poll the sources that are due once and exit (for cron).")] = False,
    delay: Annotated[float, typer.Option(
        help="Seconds between two requests to one host (robots.txt Crawl-delay may ask "
             "more).")] = 1.0,
    timeout: Annotated[float, typer.Option(
        help="Seconds to wait for a server's next bytes.")] = 20.0,
    stories: Annotated[bool, typer.Option(
        help="Assign new articles to stories (as ingest does).")] = True,
) -> None:
    """Follow feeds: store each new entry's article (its page, else the feed's text).

    Sources are remembered in the store with their state (validators for conditional
    requests, errors, next due time), so a restart neither fetches again nor stores twice.
    Prints one line per poll on stderr. robots.txt is obeyed; one request at a time per host.
    Polls only the SOURCES given, so several watch processes can share one store, each
    with its own sources. With -v, also names each page that fell back to the feed's text
    and each skipped entry.
    """
    from storyline.cli import logs
    from storyline.ingest.records import InputError
    from storyline.serve import digests_ahead
    from storyline.watch.polite import FetchSettings
    from storyline.watch.poller import Watcher, WatchSettings
    from storyline.watch.sources import source_urls

    for name, value in (("--interval", interval), ("--delay", delay)):
        if value < 0:
            fail(f"{name} {value:g}: must be 0 or more")
    if timeout <= 0:
        fail(f"--timeout {timeout:g}: must be more than 0")
    try:
        urls = source_urls(sources)
    except InputError as exc:
        fail(str(exc))
    store = open_store_or_fail(db)
    store.on_wait = lambda why: err.print(f"storyline: {why}", markup=False, highlight=False)

    from storyline.store.feeds import add_feeds

    watched = add_feeds(store, urls)
    settings = WatchSettings(interval=interval, fetch=FetchSettings(
        read_timeout=timeout, total_seconds=max(timeout * 3, timeout + 1), host_delay=delay))
    assigner = None
    if stories:
        from storyline.stories import make_assigner

        assigner = make_assigner(store)

    def say(line: str) -> None:
        err.print(line, markup=False, highlight=False, soft_wrap=True)

    watcher = Watcher(store, settings, assigner, log=say, verbose=say if logs.verbosity() else None,
                      sources=[s.id for s in watched])
    while True:
        since = digests_ahead.prepare(store) if stories else None
        polled = watcher.poll_due()
        if since is not None and polled:
            _digests_ahead(store, since, say)
        if once:
            if polled and all(r.status == "error" for r in polled):
                # cron mails a failing job: every source down is worth a non-zero exit
                fail(f"watch: all {len(polled)} source(s) polled failed; see storyline "
                     "sources", code=1)
            return
        time.sleep(max(1.0, min(watcher.seconds_to_next(), interval or 1.0)))


def _digests_ahead(store, since: int, say) -> None:
    """The digests of the stories this poll changed (a failure is told, and the watch goes
    on: the next poll, or ``show``, computes what is missing)."""
    from storyline.serve import digests_ahead

    try:
        ahead = digests_ahead.compute_changed(store, since)
    except Exception as exc:  # noqa: BLE001 - a watch outlives one failed round
        say(f"watch: digests not computed this round: {exc}")
        return
    if ahead.stories:
        say(ahead.summary())


@app.command("sources")
def sources_(
    db: DbOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """List the sources `storyline watch` follows, with their health: when each was last
    fetched, how (200, 304 or the error), failures in a row, and when it is due next."""
    from storyline.store.feeds import list_feeds

    store = open_store_or_fail(db)
    states = list_feeds(store)
    if output is OutputFormat.json:
        print_json([s.to_json() for s in states])
        return
    if not states:
        err.print("no watched sources yet (storyline watch URL... adds them)", markup=False)
        return
    table = Table("health", "last fetch", "status", "errors", "next due", "articles", "url",
                  "problem", box=None, pad_edge=False)
    for s in states:
        table.add_row(
            s.health(), _when(s.last_fetch), s.last_status or "-", str(s.error_count),
            _when(s.next_due), str(s.articles_stored), plain(s.url), plain(s.last_error or ""),
        )
    out.print(table)


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "-"
