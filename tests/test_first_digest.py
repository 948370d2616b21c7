"""A first digest of a big story: its analysis shared among processes, its composition fast."""

from __future__ import annotations

import storyline.digest.story as story_module
from storyline.analyze import cache, pipeline
from storyline.digest.cover import best_cover
from storyline.digest.entity_list import unite
from storyline.model import Article, Story


def _record_workers(monkeypatch, module) -> list[int]:
    seen: list[int] = []

    def fake_analyze(articles, **kw):
        seen.append(kw.get("workers", 1))
        return pipeline.attach_vectors(articles, pipeline.analyze_docs(articles),
                                       with_vectors=False)

    monkeypatch.setattr(module, "analyze", fake_analyze)
    return seen


def test_a_big_story_is_analyzed_on_one_process_per_core(monkeypatch):
    seen = _record_workers(monkeypatch, story_module)
    monkeypatch.setattr(story_module, "idle_workers", lambda: 2)
    monkeypatch.setattr(story_module, "compose", lambda story_id, analyzed, size: story_id)
    many = [Article(id=f"a{i}", text="Rain fell.") for i in range(pipeline.PARALLEL_FROM)]
    few = many[:3]
    assert story_module.digest(Story("big", "t", []), articles=many) == "big"
    story_module.digest(Story("small", "t", []), articles=few)
    assert seen == [2, 1]  # a small story does not pay for starting workers


def test_stored_analyses_start_workers_only_for_many_missing(store, monkeypatch):
    seen = _record_workers(monkeypatch, cache)
    monkeypatch.setattr(cache, "save", lambda store, done: None)
    monkeypatch.setattr(cache, "load", lambda store, articles: {})
    many = [Article(id=f"m{i}", text="Rain fell.") for i in range(pipeline.PARALLEL_FROM)]
    cache.analyze_stored(store, many, workers=2)
    cache.analyze_stored(store, many[:5], workers=2)
    cache.analyze_stored(store, many)
    assert seen == [2, 1, 1]


def test_cover_rows_read_as_the_dense_rows_did():
    # Sentence 2 requires 0 or 1 (0 given twice); sentence 3 lists itself among its own
    # alternatives, so its row is empty (always satisfied); at most one of 0 and 1.
    chosen = best_cover([[0], [1], [2], [3]], [1.0, 0.9, 1.0, 0.5], [5, 5, 5, 5], budget=15,
                        requires=[(2, [0, 0, 1]), (3, [3])], exclusive=[[0, 1]])
    assert chosen == [0, 2, 3]
    assert best_cover([[0], [1]], [1.0, 1.0], [5, 5], budget=15, requires=[(1, [0])],
                      exclusive=[[0, 0]]) == [0, 1]
    assert best_cover([[0], [1], [2]], [1.0, 1.0, 1.0], [5, 5, 5], budget=15,
                      requires=[(2, [1])], exclusive=[[0, 1]]) == [1, 2]


def test_single_words_join_the_one_longer_name_they_belong_to():
    forms = [("Harmon Corp", "ORG", 3), ("Harmon", "ORG", 2), ("John Kerry", "PERSON", 4),
             ("Kerry", "PERSON", 5), ("United Nations", "ORG", 2), ("UN", "ORG", 3),
             ("Valecrest Athletic Club", "ORG", 1), ("Valecrest", "GPE", 2)]
    # (main's scan over every name gave the same)
    assert unite(forms) == [("John Kerry", "PERSON", 9), ("Harmon Corp", "ORG", 5),
                            ("United Nations", "ORG", 5), ("Valecrest", "GPE", 2),
                            ("Valecrest Athletic Club", "ORG", 1)]


def test_a_one_off_digest_does_not_keep_the_workers_it_started(monkeypatch):
    from storyline.analyze import workers

    calls: list[str] = []
    monkeypatch.setattr(workers, "analyze_parallel", lambda articles, **kw: [])
    monkeypatch.setattr(workers, "shutdown", lambda: calls.append("shutdown"))
    two = [Article(id="a", text="Rain."), Article(id="b", text="Sun.")]
    monkeypatch.setattr(workers, "running", lambda n: False)
    pipeline.analyze(two, workers=2)  # kept for later calls (an evaluation's loop)
    assert calls == []
    pipeline.analyze(two, workers=2, keep_workers=False)
    assert calls == ["shutdown"]
    monkeypatch.setattr(workers, "running", lambda n: True)  # someone else's pool: kept
    pipeline.analyze(two, workers=2, keep_workers=False)
    assert calls == ["shutdown"]


def test_workers_only_on_idle_cores(monkeypatch):
    monkeypatch.setattr(pipeline, "default_workers", lambda: 2)
    monkeypatch.setattr(pipeline.os, "getloadavg", lambda: (1.0, 1.0, 1.0))  # this process
    assert pipeline.idle_workers() == 2
    monkeypatch.setattr(pipeline.os, "getloadavg", lambda: (2.1, 1.0, 1.0))  # and another job
    assert pipeline.idle_workers() == 1
    monkeypatch.setattr(pipeline, "default_workers", lambda: 1)
    monkeypatch.setattr(pipeline.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert pipeline.idle_workers() == 1
