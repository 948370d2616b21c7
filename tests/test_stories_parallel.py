"""Story features on the worker pool are the in-process features bit for bit, and ingest
with the pool forms the stories ingest forms in one process."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from storyline.ingest.runner import ingest_paths
from storyline.model import Article
from storyline.store import open_store
from storyline.stories import features, make_assigner, parallel

DEMO = Path(__file__).resolve().parents[1] / "storyline" / "demo" / "articles.jsonl"
WORDS = ("the convoy was hit on monday near aleppo united nations said statement russia "
         "kerry lavrov met friday geneva talks ceasefire rebels city council").split()
NAMES = ("John Kerry", "Sergei Lavrov", "the United Nations", "Geneva", "Aleppo", "Reuters")


def articles(n: int, seed: int = 7) -> list[Article]:
    rng = np.random.default_rng(seed)

    def sentence() -> str:
        words = list(rng.choice(WORDS, int(rng.integers(3, 30))))
        words.insert(int(rng.integers(0, len(words))), str(rng.choice(NAMES)))
        return " ".join(words).capitalize() + "."

    return [Article(id=f"a{k}", title=sentence() if k % 3 else None,
                    text=" ".join(sentence() for _ in range(int(rng.integers(2, 14)))))
            for k in range(n)]


@pytest.fixture
def pool_from_any_size(monkeypatch):
    """A pool for any input of more than one chunk (the tests stay small)."""
    parallel.shutdown()
    monkeypatch.setattr(parallel, "MIN_ARTICLES", 0)
    yield
    parallel.shutdown()


def same(x: features.ArticleFeatures, y: features.ArticleFeatures) -> bool:
    arrays = ("vector", "word_ids", "word_tf", "entity_ids", "entity_tf", "statements")
    return (all(getattr(x, a).dtype == getattr(y, a).dtype
                and np.array_equal(getattr(x, a), getattr(y, a)) for a in arrays)
            and (x.id, x.headline, x.titled, x.entity_names)
            == (y.id, y.headline, y.titled, y.entity_names))


def test_pool_features_are_the_in_process_features_bit_for_bit(pool_from_any_size):
    given = articles(3 * features.CHUNK + 5)  # four chunks, the last one short
    here = features.featurize(given)
    pooled = parallel.featurize(given, workers=2)
    assert parallel.running(2)  # the work went to the pool
    assert [f.id for f in pooled] == [a.id for a in given]
    assert all(same(x, y) for x, y in zip(here, pooled, strict=True))
    assert any(len(f.entity_ids) for f in pooled) and any(f.titled for f in pooled)


def test_small_inputs_and_one_worker_stay_in_this_process():
    parallel.shutdown()
    assert len(parallel.featurize(articles(5), workers=2)) == 5
    assert not parallel.running(2)  # below MIN_ARTICLES: no pool started for it
    given = articles(features.CHUNK + 1)
    parallel.featurize(given, workers=1)
    assert not parallel.running(1)


def test_ingest_on_the_pool_forms_the_stories_of_one_process(pool_from_any_size, tmp_path):
    if not DEMO.is_file():
        pytest.skip(f"demo corpus not found at {DEMO}")
    corpus = tmp_path / "demo.jsonl"
    corpus.write_text(DEMO.read_text())
    partitions = []
    for workers in (1, 2):
        store = open_store(f"sqlite:///{tmp_path / f'w{workers}.db'}")
        ingest_paths(store, [corpus], assigner=make_assigner(store, workers=workers))
        partitions.append({frozenset(s.articles) for s in store.list_stories()})
    assert parallel.running(2)
    assert partitions[0] == partitions[1]
    events = {json.loads(line)["event"] for line in DEMO.read_text().splitlines() if line}
    assert len(partitions[0]) >= len(events) // 2  # stories were formed, not one heap
