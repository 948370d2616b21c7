"""The outlet-by-outlet view on the demo corpus: first reporters and planted republications."""

from __future__ import annotations

from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest

from storyline.digest.outlets import REPORTS, REPUBLISHES, outlet_view
from storyline.ingest.jsonl import read_jsonl
from storyline.ingest.runner import ingest_paths
from storyline.model import Citation
from storyline.store.copies import copies_of
from storyline.store.database import open_store

CORPUS = Path(str(resources.files("storyline.demo") / "articles.jsonl"))
FLOOD_WIRE = "https://northgatewire.example/2025/03/10/lake-harmon-floods-brandon-millbrook"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo corpus ingested (duplicates recognized), its articles grouped by event."""
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('outlets') / 'demo.db'}")
    ingest_paths(store, [CORPUS])
    events = defaultdict(list)
    for a in read_jsonl(CORPUS):
        events[a.extra["event"]].append(a)
    yield store, events
    store.close()


def _view(store, event_articles, statements=()):
    rows = store.get_articles([a.id for a in event_articles])
    originals = [r.article for r in rows if not r.duplicate_of]
    return outlet_view("s", originals, copies_of(store, [a.id for a in originals]),
                       list(statements))


def test_the_first_reporter_of_every_planted_event_is_named(demo):
    store, events = demo
    assert len(events) == 9
    for name, articles in events.items():
        earliest = min(articles, key=lambda a: a.published)
        view = _view(store, articles)
        assert view.first_reporters == [earliest.source], name
        assert view.outlets[0].outlet == earliest.source
        assert view.outlets[0].headline == earliest.title


def test_the_four_planted_republications_are_shown_with_their_original(demo):
    store, events = demo
    found = []
    for articles in events.values():
        found += _view(store, articles).republications
    assert len(found) == 4
    assert {r.original_outlet for r in found} == {"Northgate Wire"}
    assert sorted(r.kind for r in found) == ["exact", "near", "near", "near"]
    assert {r.outlet for r in found} == {"Harbor Ledger", "Valecrest Times",
                                         "Riverside Courier", "Kestrel Business Daily"}
    flood = _view(store, events["lake-harmon-flood"])
    copies = {r.outlet: r for r in flood.republications}
    assert set(copies) == {"Harbor Ledger", "Valecrest Times", "Riverside Courier"}
    assert copies["Riverside Courier"].kind == "exact"
    # A republication is not a report of the outlet's own.
    for coverage in flood.outlets:
        if coverage.outlet == "Riverside Courier":
            assert coverage.republished and coverage.first_is_copy


def test_matrix_marks_reports_and_republications(demo):
    store, events = demo
    wire = next(a for a in events["lake-harmon-flood"] if a.url == FLOOD_WIRE)
    lead = wire.text[:wire.text.index(".") + 1]
    meridian = next(a for a in events["lake-harmon-flood"]
                    if a.source == "Meridian Post" and "Twenty-five" in a.text)
    toll = "Twenty-five people died"
    start = meridian.text.index(toll)
    end = meridian.text.index(".", start) + 1
    view = _view(store, events["lake-harmon-flood"], [
        Citation(lead, wire.id, 0, len(lead), [wire.id]),
        Citation(meridian.text[start:end], meridian.id, start, end, [meridian.id])])
    first, second = view.statements
    assert first.marks["Northgate Wire"] == REPORTS
    for outlet in ("Harbor Ledger", "Valecrest Times", "Riverside Courier"):
        assert first.marks[outlet] == REPUBLISHES, outlet
    assert "Meridian Post" not in first.marks
    assert second.marks == {"Meridian Post": REPORTS}
