"""``storyline show ID --since DATE | --since-last`` and ``--outlets``: what is new in a story
and how each outlet covered it. ``stories_cmd.show`` calls these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storyline.cli.app import err, fail, out
from storyline.cli.terminal import plain, safe


@dataclass(slots=True)
class ShowExtras:
    """What ``--since``/``--since-last`` and ``--outlets`` add to ``storyline show``."""

    store: Any
    story: Any
    update: Any = None  # story_updates.StoryUpdate, when asked for
    outlets: bool = False
    since_last: bool = False
    _view: Any = None

    @classmethod
    def read(cls, store, story, *, since: str | None, since_last: bool,
             outlets: bool) -> ShowExtras:
        """The update asked for (this look is remembered for ``--since-last``)."""
        rows = store.get_articles(story.articles)
        update = story_update(store, story, rows, since=since, since_last=since_last)
        return cls(store, story, update, outlets, since_last)

    def view(self, digest):
        """The outlet view (None unless ``--outlets``); builds the digest when not given."""
        if not self.outlets:
            return None
        if self._view is None:
            self._view = outlet_view(self.store, self.story.id,
                                     digest if digest is not None else self._digest())
        return self._view

    def _digest(self):
        from storyline.digest.compose import build_digest

        try:
            return build_digest(self.store, self.story.id)
        except Exception as exc:  # noqa: BLE001 - the outlets still show without statements
            err.print(f"storyline: statements unavailable: {exc}", markup=False,
                      highlight=False)
            return None

    def to_json(self, digest) -> dict[str, Any]:
        value: dict[str, Any] = {}
        if self.update is not None:
            value["update"] = self.update.to_json()
        view = self.view(digest)
        if view is not None:
            value["outlets"] = view.to_json()
        return value

    def print(self, digest, articles: dict) -> None:
        if self.update is not None:
            print_update(self.update, articles, since_last=self.since_last)
        view = self.view(digest)
        if view is not None:
            print_outlets(view)


def parse_since(value: str) -> datetime:
    """``--since`` as an aware datetime (a date means the end of that day: its articles are
    seen); exits with a one-line message when it is not a date."""
    from storyline.serve.reading import BadParameter, parse_day

    try:
        moment = parse_day(value, "--since", end=True)
    except BadParameter:
        fail(f"--since {value!r}: not a date (use YYYY-MM-DD or an ISO date-time)")
    if moment is None:
        fail("--since: empty (use YYYY-MM-DD or an ISO date-time)")
    return moment


def story_update(store, story, rows, *, since: str | None, since_last: bool):
    """The update asked for (None when neither option was given); remembers this look."""
    from storyline.store.visits import last_visit

    if since is not None and since_last:
        fail("--since and --since-last: give one of them")
    newest = max((r.seq for r in rows), default=0)
    update = None
    if since is not None:
        from storyline.digest import story_updates

        update = story_updates.story_update(store, story.id, since=parse_since(since))
    elif since_last:
        from storyline.digest import story_updates

        last = last_visit(store, story.id)
        seen = {r.article.id for r in rows if last is not None and r.seq <= last}
        update = story_updates.story_update(store, story.id, seen=seen)
    _remember(store, story.id, newest)
    return update


def _remember(store, story_id: str, seq: int) -> None:
    """Remember this look; a busy or read-only store only costs the memory of it."""
    from storyline.store.errors import StoreError
    from storyline.store.visits import remember_visit

    wait, store.write_wait = store.write_wait, 2.0
    try:
        remember_visit(store, story_id, seq)
    except StoreError as exc:  # busy, or the database failed (StoreUnavailable)
        err.print(f"storyline: this look was not remembered ({str(exc).splitlines()[0]})",
                  markup=False, highlight=False)
    finally:
        store.write_wait = wait


def print_update(update, articles: dict, *, since_last: bool) -> None:
    """The "new since" block: how many articles are new and what they add, cited."""
    if update.since is not None:
        when = "since " + update.since.isoformat(timespec="minutes").replace("+00:00", "Z")
    else:
        when = "since your last look" if since_last and update.seen_articles else \
            "since your last look (first look: everything is new)"
    out.print(f"\n[bold]new {safe(when)}[/bold]: {len(update.new_articles)} new article(s), "
              f"{len(update.seen_articles)} seen")
    if not update.new_articles:
        out.print("  nothing new")
        return
    if not update.summary:
        out.print("  the new articles repeat what was already reported")
    for c in update.summary:
        out.print(f"  - {safe(c.text)}{_cites(c.sources, articles)}")


def outlet_view(store, story_id: str, digest):
    from storyline.digest.outlets import digest_statements
    from storyline.store.copies import story_outlets

    return story_outlets(store, story_id, digest_statements(digest) if digest else [])


def print_outlets(view) -> None:
    """Outlets in order of first report, the first reporter, republications, the matrix."""
    from rich.table import Table

    out.print("\n[bold]outlet by outlet[/bold]")
    if view.first_reporters:
        out.print("reported first: " + safe(", ".join(view.first_reporters)))
    table = Table("first report", "outlet", "articles", "headline", box=None, pad_edge=False)
    for o in view.outlets:
        when = (o.first_published.isoformat(timespec="minutes").replace("+00:00", "Z")
                if o.first_published else "-") + (" (republished)" if o.first_is_copy else "")
        count = str(len(o.articles)) + (f" + {len(o.republished)} republished"
                                        if o.republished else "")
        table.add_row(when, plain(o.outlet), count, plain(o.headline or "-"))
    out.print(table)
    for r in view.republications:
        out.print(f"  republication ({safe(r.kind)} copy): {safe(r.outlet)} "
                  f"{safe(repr(r.title or r.article_id))} republishes {safe(r.original_outlet)} "
                  f"{safe(repr(r.original_title or r.original_id))}")
    if view.statements:
        names = [o.outlet for o in view.outlets]
        out.print("\n[bold]statements x outlets[/bold] [dim](● reports, ○ republishes)[/dim]")
        for n, name in enumerate(names, start=1):
            out.print(f"  [dim]{n}[/dim] {safe(name)}")
        header = "      " + " ".join(f"{n:>2}" for n in range(1, len(names) + 1))
        out.print(safe(header))
        for i, s in enumerate(view.statements, start=1):
            cells = " ".join(" ●" if s.marks.get(o) == "reports" else
                             " ○" if s.marks.get(o) == "republishes" else " ·" for o in names)
            text = s.citation.text if len(s.citation.text) <= 90 else \
                s.citation.text[:87] + "..."
            out.print(f"  {i:>3} {cells}  {safe(text)}")


def _cites(sources, articles: dict) -> str:
    outlets: list[str] = []
    for article_id in sources:
        article = articles.get(article_id)
        name = (article.source if article else None) or article_id
        if name not in outlets:
            outlets.append(name)
    return f" [dim]{safe('[' + ', '.join(outlets) + ']')}[/dim]" if outlets else ""
