"""The demo corpus that ships with the package: well-formed, varied, and its planted
duplicates are recognized by ingest (see storyline/demo/README.md for the hard cases)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from importlib import resources
from pathlib import Path

import pytest

from storyline.ingest.jsonl import read_jsonl
from storyline.ingest.runner import ingest_paths
from storyline.model import Article
from storyline.store.database import open_store

CORPUS = Path(str(resources.files("storyline.demo") / "articles.jsonl"))
_WORD = re.compile(r"\w+", re.UNICODE)

# The wire story republications planted on purpose (README: hard case 2).
FLOOD_WIRE = "https://northgatewire.example/2025/03/10/lake-harmon-floods-brandon-millbrook"
FLOOD_NEAR = ["https://harborledger.example/2025/03/10/deadly-flood-lake-harmon",
              "https://valecresttimes.example/2025/03/10/lake-harmon-flood-kills-18"]
FLOOD_EXACT = "https://riversidecourier.example/2025/03/10/wire-lake-harmon-flood"
QUILLON_WIRE = "https://northgatewire.example/2025/03/19/quillon-pay-data-breach"
QUILLON_NEAR = "https://kestrelbusiness.example/2025/03/19/quillon-systems-breach-2-3-million"


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    items = list(read_jsonl(CORPUS))
    skips = [x for x in items if not isinstance(x, Article)]
    assert not skips, f"demo corpus lines skipped: {skips[:3]}"
    return items


def _shingles(text: str) -> set[tuple[str, ...]]:
    """Word 3-shingles, as defined in storyline.ingest.dedup (lower-cased \\w+ words)."""
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def _jaccard(a: str, b: str) -> float:
    x, y = _shingles(a), _shingles(b)
    return len(x & y) / len(x | y)


def test_corpus_is_well_formed(articles):
    assert len(articles) >= 80
    assert len({a.id for a in articles}) == len(articles)
    assert len({a.url for a in articles}) == len(articles)
    for a in articles:
        assert a.url and a.url.startswith("https://") and ".example/" in a.url, a.url
        assert a.source and a.title and a.published is not None, a.url
        assert 120 <= len(a.text.split()) <= 350, a.url
        assert "\n\n" in a.text, f"{a.url}: one paragraph only"
        assert a.extra.get("event"), f"{a.url}: no ground-truth event"


def test_corpus_is_varied(articles):
    events = Counter(a.extra["event"] for a in articles)
    assert len({a.source for a in articles}) >= 6
    assert len(events) >= 8
    assert all(n >= 6 for n in events.values()), events
    dates = [a.published for a in articles]
    assert max(dates) - min(dates) >= timedelta(days=21)
    for event in events:
        mine = [a for a in articles if a.extra["event"] == event]
        assert len({a.source for a in mine}) >= 3, event
        assert len({a.published.date() for a in mine}) >= 3, event  # follow-ups on later days
    longest = max(events, key=lambda e: max(a.published for a in articles
                                            if a.extra["event"] == e)
                  - min(a.published for a in articles if a.extra["event"] == e))
    spread = [a.published for a in articles if a.extra["event"] == longest]
    assert max(spread) - min(spread) >= timedelta(days=14)


def test_planted_republications_are_near_duplicates_and_nothing_else_is(articles):
    by_url = {a.url: a for a in articles}
    for wire, copies in [(FLOOD_WIRE, FLOOD_NEAR), (QUILLON_WIRE, [QUILLON_NEAR])]:
        for copy in copies:
            assert by_url[copy].title != by_url[wire].title
            assert by_url[copy].text != by_url[wire].text
            assert _jaccard(by_url[wire].text, by_url[copy].text) >= 0.8, copy
    assert by_url[FLOOD_EXACT].text == by_url[FLOOD_WIRE].text
    planted = {FLOOD_WIRE, FLOOD_EXACT, QUILLON_WIRE, QUILLON_NEAR, *FLOOD_NEAR}
    # Other articles, of the same event or not, are written independently.
    shingles = {a.url: _shingles(a.text) for a in articles}
    for i, a in enumerate(articles):
        for b in articles[i + 1:]:
            if a.url in planted and b.url in planted:
                continue
            x, y = shingles[a.url], shingles[b.url]
            assert len(x & y) / len(x | y) < 0.5, (a.url, b.url)


def test_ingest_recognizes_the_republications(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        report = ingest_paths(store, [CORPUS])
        assert report.skipped == 0
        assert report.duplicates == 4  # two near + one exact flood copy, one near Quillon copy
        rows = store.get_articles([a.id for a in read_jsonl(CORPUS)])
        duplicates = [r for r in rows if r.duplicate_of]
        assert len(duplicates) == 4
        by_id = {r.article.id: r for r in rows}
        for row in duplicates:
            original = by_id[row.duplicate_of]
            assert original.duplicate_of is None
            assert original.article.extra["event"] == row.article.extra["event"]
        kinds = {r.article.url: r.duplicate_kind for r in duplicates}
        assert kinds[FLOOD_EXACT] == "exact"
        assert kinds[QUILLON_NEAR] == "near"
        assert all(kinds[u] == "near" for u in FLOOD_NEAR)
        counts = (store.count_articles(), store.count_articles(originals_only=True))
        again = ingest_paths(store, [CORPUS])
        assert again.ingested == 0 and again.duplicates == 0
        assert again.already_present == len(rows)
        assert (store.count_articles(), store.count_articles(originals_only=True)) == counts
    finally:
        store.close()


def test_demo_command_prints_the_outlets(tmp_path, articles):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "STORYLINE_DB": db}
    result = subprocess.run(
        [sys.executable, "-c", "from storyline.cli import main; main()", "demo", "--db", db],
        capture_output=True, text=True, timeout=600, env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for outlet in {a.source for a in articles}:
        assert outlet in result.stdout, outlet


@pytest.fixture(scope="module")
def demo_features(request, articles, tmp_path_factory):
    """Story features of the demo corpus, computed once per machine (pytest's cache folder
    keeps them, keyed by the texts and the sentence encoder; a run without the cache plugin
    computes them in a temporary folder)."""
    from storyline.evaluate.feature_cache import cached_features

    cache = getattr(request.config, "cache", None)
    folder = (Path(cache.mkdir("storyline-demo-features")) if cache is not None
              else tmp_path_factory.mktemp("demo-features"))
    return cached_features(articles, folder, name="demo corpus")


def test_demo_stories_are_exactly_its_nine_events(articles, demo_features):
    """README: 9 events, among them two people called Alvarez (an embezzlement trial and a
    marathon win) in one city: online assignment in publication order, with the shipped
    decision model, must give each event its own story and nothing else (B-cubed 1.0)."""
    from storyline.evaluate.bcubed import bcubed
    from storyline.stories.cluster import OnlineClusterer, publication_order

    clusterer = OnlineClusterer()
    clusterer.add_all(publication_order(demo_features))
    gold = {a.id: a.extra["event"] for a in articles}
    scores = bcubed(clusterer.assignments(), gold)
    assert len(set(gold.values())) == 9
    assert (scores.precision, scores.recall) == (1.0, 1.0), scores
