"""A first digest of a big story: its analysis shared among processes, its composition fast."""

from __future__ import annotations

import storyline.digest.story as story_module
from storyline.analyze import cache, pipeline
from storyline.digest import first_analysis
from storyline.digest.cover import best_cover
from storyline.digest.entity_list import unite
from storyline.model import Article, Story


def _record_workers(monkeypatch) -> list[int]:
    seen: list[int] = []

    def fake_analyze(articles, **kw):
        seen.append(kw.get("workers", 1))
        return pipeline.attach_vectors(articles, pipeline.analyze_docs(articles),
                                       with_vectors=False)

    monkeypatch.setattr(first_analysis, "analyze", fake_analyze)
    monkeypatch.setattr(cache, "analyze", fake_analyze)
    return seen


def test_a_big_story_is_analyzed_on_one_process_per_idle_core(monkeypatch):
    seen = _record_workers(monkeypatch)
    monkeypatch.setattr(first_analysis, "idle_workers", lambda: 2)
    monkeypatch.setattr(story_module, "compose", lambda story_id, analyzed, size: story_id)
    many = [Article(id=f"a{i}", text="Rain fell.") for i in range(pipeline.PARALLEL_FROM)]
    assert story_module.digest(Story("big", "t", []), articles=many) == "big"
    story_module.digest(Story("small", "t", []), articles=many[:3])
    monkeypatch.setattr(first_analysis, "idle_workers", lambda: 1)  # the other core is busy
    story_module.digest(Story("big", "t", []), articles=many)
    assert seen == [2, 1, 1]  # a small story does not pay for starting workers


def test_stored_analyses_start_workers_only_for_many_missing(store, monkeypatch):
    seen = _record_workers(monkeypatch)
    monkeypatch.setattr(first_analysis, "idle_workers", lambda: 2)
    monkeypatch.setattr(cache, "save", lambda store, done: None)
    monkeypatch.setattr(cache, "load", lambda store, articles: {})
    many = [Article(id=f"m{i}", text="Rain fell.") for i in range(pipeline.PARALLEL_FROM)]
    monkeypatch.setattr(cache, "missing", lambda store, articles: list(articles))
    first_analysis.analyze_members(many, store=store)
    first_analysis.analyze_members(many[:5], store=store)
    monkeypatch.setattr(cache, "missing", lambda store, articles: [])  # all stored
    first_analysis.analyze_members(many, store=store)
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
    monkeypatch.setattr(first_analysis, "analyze", lambda articles, **kw: [])
    monkeypatch.setattr(first_analysis, "idle_workers", lambda: 2)
    monkeypatch.setattr(workers, "shutdown", lambda: calls.append("shutdown"))
    many = [Article(id=f"a{i}", text="Rain.") for i in range(pipeline.PARALLEL_FROM)]
    monkeypatch.setattr(workers._POOL, "running", lambda n: False)
    first_analysis.analyze_members(many)
    assert calls == ["shutdown"]
    monkeypatch.setattr(workers._POOL, "running", lambda n: True)  # someone else's: kept
    first_analysis.analyze_members(many)
    assert calls == ["shutdown"]


def test_workers_only_on_idle_cores(monkeypatch):
    monkeypatch.setattr(first_analysis, "default_workers", lambda: 2)
    monkeypatch.setattr(first_analysis.os, "getloadavg", lambda: (1.0, 1.0, 1.0))
    assert first_analysis.idle_workers() == 2
    monkeypatch.setattr(first_analysis.os, "getloadavg", lambda: (2.1, 1.0, 1.0))
    assert first_analysis.idle_workers() == 1  # another job holds the second core
    monkeypatch.setattr(first_analysis, "default_workers", lambda: 1)
    monkeypatch.setattr(first_analysis.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert first_analysis.idle_workers() == 1
