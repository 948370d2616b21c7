"""``storyline ingest PATH...``"""

from __future__ import annotations

from typing import Annotated

import typer

from storyline.cli.app import DbOption, app, err, fail, open_store_or_fail, print_json, progress_bar

MAX_SHOWN_SKIPS = 50


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(
        help="Files, folders or URLs: Article JSON Lines, CSV, text/Markdown/HTML, gzip of "
             "these, DUC, Timeline17, Multi-News CSV, WCEP jsonl.gz.", show_default=False)],
    db: DbOption = None,
    input_format: Annotated[str | None, typer.Option(
        "--format", help="Read every PATH with this reader instead of detecting it.")] = None,
    strict: Annotated[bool, typer.Option(
        help="Stop at the first bad record or unreadable input, store nothing, exit 1.")]
    = False,
    json_report: Annotated[bool, typer.Option(
        "--json", help="Print the report as JSON on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Don't list each skip.")] = False,
    stories: Annotated[bool, typer.Option(
        help="Assign articles to stories (--no-stories: store only, which is faster for a "
             "bulk load; the next ingest with stories assigns them).")] = True,
    digests: Annotated[bool, typer.Option(
        help="Also compute the digest of every story this ingest changed, so that show and "
             "the story page read it at once (2-3x longer ingest; without it a digest is "
             "computed when first asked for; watch and demo always compute them).")] = False,
    engine: Annotated[str, typer.Option(
        help="local: read and analyze in this process; ray: read and analyze on Ray Data "
             "actors (pip install 'storyline[ray]'), then store here in publication order.")]
    = "local",
    address: Annotated[str | None, typer.Option(
        help="With --engine ray: the Ray cluster to join (ray://host:10001, or auto); "
             "without it a local Ray starts.", show_default=False)] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes computing story features (default: one per CPU up to 4, or "
                    "$STORYLINE_WORKERS; 1: in this process). Small inputs stay in this "
                    "process.", show_default=False)] = None,
) -> None:
    """Read articles into the store, recognizing duplicates and assigning stories.

    Each skipped record is named on stderr (file:line and the problem) and the run goes on;
    the result line on stdout reads "ingested N, duplicates D, skipped S (reasons)". Exits 1
    when nothing could be read, or under --strict at the first problem.
    """
    from storyline.cli.terminal import clean
    from storyline.ingest.formats import READERS
    from storyline.ingest.runner import StrictStop, ingest_paths
    from storyline.serve import digests_ahead

    if input_format and input_format not in READERS:
        fail(f"--format {input_format}: unknown format (known: {', '.join(sorted(READERS))})")
    if engine not in ("local", "ray"):
        fail(f"--engine {engine}: unknown engine (known: local, ray)")
    if address and engine != "ray":
        fail("--address: only with --engine ray")
    run = ingest_paths
    if engine == "ray":
        run = _ray_runner(address)
    store = open_store_or_fail(db)
    shown = 0

    def on_skip(skip):
        nonlocal shown
        if not quiet and shown < MAX_SHOWN_SKIPS:
            err.print(f"skipped {clean(skip.message())}", markup=False, highlight=False,
                      soft_wrap=True)
        shown += 1

    # A second writer waits for the first (SQLite has one writer at a time): say so once.
    store.on_wait = lambda why: err.print(f"storyline: {why}", markup=False, highlight=False)

    assigner = _story_assigner(store, workers) if stories else None
    since = digests_ahead.prepare(store) if stories and digests else None
    options = {}
    background = None
    if since is not None and engine == "local" and digests_ahead.Background.worth_it():
        background = digests_ahead.Background()  # analyses for the digests, meanwhile
        options["on_fresh"] = background.submit
    try:
        with progress_bar("ingesting") as factory:
            report = run(store, paths, fmt=input_format, assigner=assigner,
                         on_skip=on_skip, progress_factory=factory, strict=strict, **options)
            if since is not None:  # the changed stories' digests, ready for show and serve
                ahead = digests_ahead.compute_changed(store, since, progress_factory=factory,
                                                      background=background)
    except StrictStop as exc:
        fail(f"{exc} (--strict: nothing stored)", code=1)
    if stories and not digests:  # left to be computed when asked for, not by the next run
        digests_ahead.leave_to_readers(store)
    if since is not None and ahead.stories:
        err.print(ahead.summary(), markup=False, highlight=False)
    if shown > MAX_SHOWN_SKIPS and not quiet:
        err.print(f"... and {shown - MAX_SHOWN_SKIPS} more skips", markup=False)
    if json_report:
        value = report.to_json()
        if since is not None:
            value["digests"] = {"stories": ahead.stories, "computed": ahead.built,
                                "current": ahead.current, "failed": ahead.failed,
                                "seconds": round(ahead.seconds, 2)}
        print_json(value)
    else:
        typer.echo(report.summary())
    if report.read == 0:
        fail("nothing could be read from " + ", ".join(str(p) for p in paths), code=1)


def _ray_runner(address: str | None):
    """``ingest_with_ray`` bound to ``address``; a one-line error when Ray is missing."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        fail("--engine ray: Ray is not installed (pip install 'storyline[ray]')")
    from storyline.ingest.ray_engine import RayOptions, ingest_with_ray

    def run(store, paths, **kwargs):
        return ingest_with_ray(store, paths, options=RayOptions(address=address), **kwargs)

    return run


def _story_assigner(store, workers: int | None = None):
    """The online story assigner (a missing dependency of story detection is an error, not
    articles stored without stories)."""
    from storyline.stories import make_assigner

    return make_assigner(store, workers=workers)
