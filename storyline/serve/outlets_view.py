"""What ``_outlets.html`` draws: the outlet table, republications and the matrix picture.

Every string stays plain text here; Jinja2 escapes it when rendering.

>>> from storyline.digest.outlets import OutletView, Statement, OutletCoverage
>>> from storyline.model import Citation
>>> v = OutletView("s", ["Wire"], [OutletCoverage("Wire", "Floods", None, ["w"]),
...                               OutletCoverage("Post", None, None, ["p"])],
...                [Statement(Citation("Rain.", "w", 0, 5, ["w"]), {"Wire": "reports"})], [])
>>> m = page_view(v).matrix
>>> [c.mark for c in m.rows[0].cells]
['reports', 'none']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storyline.digest.outlets import OutletView
from storyline.serve.views import article_href


@dataclass(slots=True)
class Cell:
    x: float
    outlet: str
    mark: str  # "reports", "republishes" or "none"


@dataclass(slots=True)
class Row:
    number: int
    y: float
    text: str
    cells: list[Cell] = field(default_factory=list)


@dataclass(slots=True)
class Column:
    x: float
    label: str


@dataclass(slots=True)
class Matrix:
    width: int
    height: int
    header: float
    half: float  # half the side of a cell's square mark
    columns: list[Column]
    rows: list[Row]


@dataclass(slots=True)
class PageOutlets:
    first_reporters: list[str]
    outlets: list[dict]
    republications: list[dict]
    matrix: Matrix | None


def matrix(view: OutletView, *, cell: float = 26.0, left: float = 34.0,
           header: float = 96.0, label_chars: int = 22) -> Matrix | None:
    """Geometry of the statements x outlets picture (None without statements)."""
    if not view.statements or not view.outlets:
        return None
    names = [o.outlet for o in view.outlets]
    columns = [Column(round(left + cell * (i + 0.5), 1),
                      name if len(name) <= label_chars else name[:label_chars - 1] + "…")
               for i, name in enumerate(names)]
    rows = []
    for n, statement in enumerate(view.statements, start=1):
        y = round(header + cell * (n - 0.5), 1)
        row = Row(n, y, statement.citation.text)
        for col, name in zip(columns, names, strict=True):
            row.cells.append(Cell(col.x, name, statement.marks.get(name, "none")))
        rows.append(row)
    width = int(left + cell * len(names) + 90)  # room for the last slanted label
    height = int(header + cell * len(rows) + 8)
    return Matrix(width, height, header, round(cell * 0.32, 1), columns, rows)


def page_view(view: OutletView) -> PageOutlets:
    """The outlet view as the story page shows it."""
    outlets = [{"outlet": o.outlet, "headline": o.headline,
                "first": o.first_published.strftime("%-d %b %Y %H:%M")
                if o.first_published else "undated",
                "first_is_copy": o.first_is_copy,
                "articles": len(o.articles), "republished": len(o.republished)}
               for o in view.outlets]
    republications = [{"outlet": r.outlet, "title": r.title, "kind": r.kind,
                       "href": article_href(r.article_id),
                       "original_outlet": r.original_outlet, "original_title": r.original_title,
                       "original_href": article_href(r.original_id)}
                      for r in view.republications]
    return PageOutlets(view.first_reporters, outlets, republications, matrix(view))


def for_story(store, bundle) -> PageOutlets | None:
    """The story page's outlet view of a loaded story (``reading.StoryBundle``)."""
    from storyline.digest.outlets import digest_statements, outlet_view
    from storyline.serve.digests import digest_from_json
    from storyline.store.copies import copies_of

    if bundle is None or not bundle.articles:
        return None
    digest = digest_from_json(bundle.digest) if bundle.digest else None
    view = outlet_view(bundle.story.id, bundle.articles, copies_of(store, bundle.story.articles),
                       digest_statements(digest) if digest else [])
    return page_view(view)
