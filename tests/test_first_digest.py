"""A first digest of a big story: its analysis shared among processes, its composition fast,
its articles read from their leads."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import datetime

import numpy as np

import storyline
import storyline.digest.compose as compose_module
import storyline.digest.story as story_module
from storyline.analyze import cache, pipeline
from storyline.digest import first_analysis
from storyline.digest.cover import best_cover
from storyline.digest.entity_list import unite
from storyline.ingest.plain import add_articles
from storyline.model import Analysis, Article, Story
from storyline.serve.digests import digest_from_json


def _record_workers(monkeypatch) -> list[int]:
    seen: list[int] = []

    def fake_analyze(articles, **kw):
        seen.append(kw.get("workers", 1))
        return pipeline.attach_vectors(articles, pipeline.analyze_docs(articles),
                                       with_vectors=False)

    monkeypatch.setattr(first_analysis, "analyze", fake_analyze)
    monkeypatch.setattr(cache, "analyze", fake_analyze)
    _no_processes(monkeypatch)
    return seen


def _no_processes(monkeypatch) -> None:
    """Workers are asked for, never started (the analysis is faked)."""
    from storyline.analyze import workers

    monkeypatch.setattr(workers, "start", lambda n: None)
    monkeypatch.setattr(workers, "can_fork", lambda: False)


def test_forked_workers_share_a_smaller_story(monkeypatch):
    from storyline.analyze import workers

    seen = _record_workers(monkeypatch)
    monkeypatch.setattr(first_analysis, "idle_workers", lambda: 2)
    small = [Article(id=f"s{i}", text="Rain fell.") for i in range(
        first_analysis.SETTINGS.forked_workers_from)]
    first_analysis.analyze_members(small)  # spawned workers: not worth it for 8
    monkeypatch.setattr(workers, "can_fork", lambda: True)
    first_analysis.analyze_members(small)  # forked ones inherit the parser: worth it
    first_analysis.analyze_members(small[:-1])
    assert seen == [1, 2, 1]


def test_a_big_story_is_analyzed_on_one_process_per_idle_core(monkeypatch):
    seen = _record_workers(monkeypatch)
    monkeypatch.setattr(first_analysis, "idle_workers", lambda: 2)
    monkeypatch.setattr(compose_module, "compose", lambda story_id, analyzed, size: story_id)
    many = [Article(id=f"a{i}", text="Rain fell.") for i in range(pipeline.PARALLEL_FROM)]
    assert story_module.digest(Story("big", "t", []), articles=many) == "big"
    story_module.digest(Story("small", "t", []), articles=many[:3])
    monkeypatch.setattr(first_analysis, "idle_workers", lambda: 1)  # the other core is busy
    story_module.digest(Story("big", "t", []), articles=many)
    assert seen == [2, 1, 1]  # a small story does not pay for starting workers


def test_stored_analyses_start_workers_only_for_many_missing(store, monkeypatch):
    seen = _record_workers(monkeypatch)
    monkeypatch.setattr(first_analysis, "idle_workers", lambda: 2)
    monkeypatch.setattr(cache, "save", lambda store, done, **kw: None)
    monkeypatch.setattr(cache, "load", lambda store, articles, **kw: {})
    many = [Article(id=f"m{i}", text="Rain fell.") for i in range(pipeline.PARALLEL_FROM)]
    monkeypatch.setattr(cache, "missing", lambda store, articles, **kw: list(articles))
    first_analysis.analyze_members(many, store=store)
    first_analysis.analyze_members(many[:5], store=store)
    monkeypatch.setattr(cache, "missing", lambda store, articles, **kw: [])  # all stored
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
    # An acronym is not the longer name it starts: "UN" is no "UN Security Council".
    assert unite([("UN Security Council", "ORG", 2), ("UN", "ORG", 5)]) == [
        ("UN", "ORG", 5), ("UN Security Council", "ORG", 2)]
    # (main's scan over every name gave the same)
    assert unite(forms) == [("John Kerry", "PERSON", 9), ("Harmon Corp", "ORG", 5),
                            ("United Nations", "ORG", 5), ("Valecrest", "GPE", 2),
                            ("Valecrest Athletic Club", "ORG", 1)]


def test_a_one_off_digest_does_not_keep_the_workers_it_started(monkeypatch):
    from storyline.analyze import workers

    calls: list[str] = []
    monkeypatch.setattr(first_analysis, "analyze", lambda articles, **kw: [
        pipeline.AnalyzedArticle(a, Analysis(a.id, "v"), np.zeros((0, 4)), np.zeros(4))
        for a in articles])
    monkeypatch.setattr(first_analysis, "idle_workers", lambda: 2)
    _no_processes(monkeypatch)
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
    monkeypatch.setattr(first_analysis, "busy_cores", lambda: 1.0)
    assert first_analysis.idle_workers() == 2
    monkeypatch.setattr(first_analysis, "busy_cores", lambda: 1.6)
    assert first_analysis.idle_workers() == 1  # another job holds the second core
    monkeypatch.setattr(first_analysis, "default_workers", lambda: 1)
    monkeypatch.setattr(first_analysis, "busy_cores", lambda: 0.0)
    assert first_analysis.idle_workers() == 1


def test_busy_cores_are_read_now_not_from_the_lagging_load_average(monkeypatch):
    import threading

    cores = os.cpu_count() or 1
    if first_analysis._cpu_times() is None:
        monkeypatch.setattr(first_analysis.os, "getloadavg", lambda: (1.5, 1.0, 1.0))
        assert first_analysis.busy_cores() == 1.5  # elsewhere: the load average
        return
    monkeypatch.setattr(first_analysis.os, "getloadavg", lambda: (cores + 7.0, 1.0, 1.0))
    assert first_analysis.busy_cores(0.2) <= cores  # not the load average
    stop = time.monotonic() + 1.0

    def spin() -> None:
        while time.monotonic() < stop:
            pass

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        assert first_analysis.busy_cores(0.3) >= 0.7  # this thread holds one core
    finally:
        spinner.join()


def _big(monkeypatch, sentences: int = 2, lead_from_chars: int = 0) -> None:
    """Every story counts as big (by default): read from the first ``sentences`` sentences
    of each article."""
    monkeypatch.setattr(first_analysis, "SETTINGS", replace(
        first_analysis.SETTINGS, lead_from_chars=lead_from_chars, lead_ladder=(sentences,)))


_DAM = ("A dam burst in the Orla valley on Sunday. Rescue teams arrived within hours. "
         '"We lost everything," said farmer Ines Vark. Engineers had warned about the dam '
         "in a report on May 6, 2020. The report was never published.")


def _dam_articles(n: int = 3) -> list[Article]:
    return [Article(id=f"d{i}", source=f"outlet{i}.example", published=datetime(2020, 5, 11),
                    text=_DAM) for i in range(n)]


def test_a_big_story_is_read_from_its_leads(monkeypatch, models):
    _big(monkeypatch)
    arts = _dam_articles(2)
    done = first_analysis.analyze_members(arts)
    second = "Rescue teams arrived within hours."
    lead = _DAM.index(second) + len(second)
    for d in done:
        assert d.lead == 2 and d.article.text == _DAM  # the article stays whole
        assert [s.text for s in d.analysis.sentences] == [
            "A dam burst in the Orla valley on Sunday.", "Rescue teams arrived within hours."]
        assert len(d.sentence_vectors) == 2
        assert all(q.end <= lead for q in d.analysis.quotes)  # Vark's words are past the lead
    _big(monkeypatch, lead_from_chars=10**9)  # no story is big: articles read whole
    whole = first_analysis.analyze_members(arts)
    assert not whole[0].lead and len(whole[0].analysis.sentences) == 5
    assert any(q.speaker.endswith("Vark") for q in whole[0].analysis.quotes)


def test_stored_whole_analyses_are_read_whole_and_only_the_rest_from_leads(
        store, monkeypatch, models):
    arts = _dam_articles(3)
    add_articles(store, arts)
    first_analysis.analyze_members(arts[:2], store=store)  # a small story: whole, stored
    _big(monkeypatch)
    calls: list[list[str]] = []
    real = cache.analyze

    def counted(articles, **kw):
        calls.append([a.text for a in articles])
        return real(articles, **kw)

    monkeypatch.setattr(cache, "analyze", counted)
    done = first_analysis.analyze_members(arts, store=store)
    assert [d.lead for d in done] == [0, 0, 2]
    assert len(done[0].analysis.sentences) == 5 and len(done[2].analysis.sentences) == 2
    assert calls == [[_DAM[:done[2].analysis.sentences[-1].end]]]  # only the third, its lead
    again = first_analysis.analyze_members(arts, store=store)  # its lead was stored too
    assert len(calls) == 1 and [d.lead for d in again] == [0, 0, 2]


def test_a_bigger_story_reads_fewer_sentences_and_cuts_the_longer_leads_it_stored(
        store, monkeypatch, models):
    arts = _dam_articles(3)
    add_articles(store, arts)
    _big(monkeypatch, sentences=4)
    longer = first_analysis.analyze_members(arts[:2], store=store)  # stored as 4-sentence leads
    monkeypatch.setattr(first_analysis, "SETTINGS", replace(
        first_analysis.SETTINGS, lead_ladder=(4, 2), lead_budget=8))  # 3 x 4 > 8: 2 each
    calls: list[int] = []
    real = cache.analyze
    monkeypatch.setattr(cache, "analyze", lambda articles, **kw: (
        calls.append(len(articles)), real(articles, **kw))[1])
    done = first_analysis.analyze_members(arts, store=store)
    assert calls == [1]  # only the third article is analyzed; the others' leads are cut
    assert [d.lead for d in done] == [2, 2, 2]
    assert [len(d.analysis.sentences) for d in done] == [2, 2, 2]
    assert done[0].analysis.sentences == longer[0].analysis.sentences[:2]
    assert len(done[0].sentence_vectors) == 2


def test_a_whole_analysis_cut_to_the_lead_reads_as_the_leads_own(monkeypatch, models):
    from storyline.analyze.lead import cut_analysis

    [whole] = pipeline.analyze(_dam_articles(1))
    _big(monkeypatch)
    [lead] = first_analysis.analyze_members(_dam_articles(1))
    cut = cut_analysis(whole, 2)
    for part in ("sentences", "entities", "times", "quotes", "numbers"):
        assert getattr(cut.analysis, part) == getattr(lead.analysis, part), part
    assert len(whole.analysis.quotes) > len(cut.analysis.quotes)  # Vark's words were cut
    assert cut.sentence_vectors.shape == (2, whole.sentence_vectors.shape[1])


def test_a_big_storys_timeline_reads_days_past_the_leads(monkeypatch, models):
    _big(monkeypatch)
    digest = storyline.digest(Story("dam", "Dam", []), articles=_dam_articles())
    assert "2020-05-06" in {e.date.isoformat() for e in digest.timeline}
    assert all(s.article_id.startswith("d") for s in digest.summary)
    assert digest.lead_sentences == 2  # the reader is told what was read
    assert digest_from_json(digest.to_json()).lead_sentences == 2
    _big(monkeypatch, lead_from_chars=10**9)  # no story is big: articles read whole
    whole = storyline.digest(Story("dam", "Dam", []), articles=_dam_articles())
    assert whole.lead_sentences is None and whole.to_json()["lead_sentences"] is None


def test_workers_are_forked_only_from_one_thread_holding_no_encoder(monkeypatch):
    import threading

    from storyline.analyze import vectors, workers

    monkeypatch.setattr(vectors, "_session", None)
    monkeypatch.setattr(vectors, "_model", None)
    monkeypatch.setattr(workers.threading, "active_count", lambda: 1)
    assert workers.can_fork()  # this platform forks (Linux, as CI)
    monkeypatch.setattr(vectors, "_session", object())  # its thread pool would be copied
    assert not workers.can_fork()
    monkeypatch.setattr(vectors, "_session", None)
    monkeypatch.undo()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not workers.can_fork()  # a server's thread may hold a lock a fork copies
    finally:
        stop.set()
        other.join()


# Run in a fresh interpreter: workers forked from it inherit the parser it loaded (the
# same object, at the same address), and analyze as the process itself does.
_FORKED = r"""
import json, os
from storyline.analyze import pipeline, workers
from storyline.analyze.nlp import nlp
from storyline.model import Article

def parser_id():
    return id(nlp())

if __name__ == "__main__":
    arts = [Article(id=f"a{i}", text=f"Mayor Ines Vark opened bridge number {i} on Monday. "
                    '"It joins our town," Vark said.') for i in range(4)]
    workers.start(2)
    ids = {workers.pool(2).submit(parser_id).result() for _ in range(4)}
    forked = workers.analyze_parallel(arts, workers=2)
    workers.shutdown()
    here = pipeline.analyze(arts)
    print(json.dumps({
        "inherited": ids == {id(nlp())},
        "same": all(f.analysis == h.analysis for f, h in zip(forked, here, strict=True)),
        "vectors": max(float(abs(f.sentence_vectors - h.sentence_vectors).max())
                       for f, h in zip(forked, here, strict=True))}))
"""


def test_forked_workers_inherit_the_parser_and_analyze_as_this_process(tmp_path, models):
    import json
    import subprocess
    import sys

    script = tmp_path / "forked.py"
    script.write_text(_FORKED)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["inherited"] and result["same"]
    assert result["vectors"] < 1e-3  # onnx sums in another order per batch: last bits only


def test_a_big_storys_timeline_is_built_beside_the_rest_as_it_is_alone(monkeypatch, models):
    import os

    from storyline.analyze import workers

    _big(monkeypatch)
    analyzed = first_analysis.analyze_members(_dam_articles())
    size = compose_module.DigestSize()
    monkeypatch.setattr(workers, "can_fork", lambda: False)
    alone = compose_module._timeline_beside(analyzed, size)()
    monkeypatch.setattr(workers, "can_fork", lambda: True)
    beside = compose_module._timeline_beside(analyzed, size)()
    assert beside == alone and "2020-05-06" in {e.date.isoformat() for e in beside}
    monkeypatch.setattr(compose_module, "_lead_timeline", _process_id)
    monkeypatch.setattr(compose_module, "_timeline", _process_id)
    assert compose_module._timeline_beside(analyzed, size)() != [os.getpid()]  # elsewhere
    _big(monkeypatch, lead_from_chars=10**9)
    whole = first_analysis.analyze_members(_dam_articles())  # read whole: built here
    assert compose_module._timeline_beside(whole, size)() == [os.getpid()]


def _process_id(articles, size) -> list[int]:
    import os

    return [os.getpid()]
