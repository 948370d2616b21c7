"""Why a story holds its articles (storyline.stories.why), on articles built by hand."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import numpy as np

from storyline.analyze import cache, nlp
from storyline.analyze.pipeline import VERSION, AnalyzedArticle
from storyline.ingest.plain import add_articles
from storyline.model import Analysis, Article, Entity, Sentence
from storyline.store import open_store
from storyline.stories.why import explain, explain_stored, explain_story

DIM = 384
DAY0 = datetime(2024, 4, 2, 9, tzinfo=UTC)


def _unit(seed: int, near: np.ndarray | None = None) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    if near is not None:
        v = near + 0.3 * v / np.linalg.norm(v)
    return v / np.linalg.norm(v)


def analyzed(aid: str, title: str, sentences: list[str], names: list[tuple[str, str]],
             vector: np.ndarray, day: int, source: str = "Wire") -> AnalyzedArticle:
    """An article with an analysis as the pipeline would store it (entities found by text)."""
    text = " ".join(sentences)
    spans, at = [], 0
    for s in sentences:
        start = text.index(s, at)
        spans.append(Sentence(len(spans), start, start + len(s), s))
        at = start + len(s)
    ents = [Entity(name, label, text.index(name), text.index(name) + len(name), name.lower())
            for name, label in names]
    rows = np.vstack([vector] * len(sentences)).astype(np.float32)
    article = Article(text, id=aid, title=title, source=source,
                      published=DAY0 + timedelta(days=day))
    return AnalyzedArticle(article, Analysis(aid, VERSION, spans, ents), rows, vector)


TRIAL = _unit(1)
STORY = [
    analyzed("t1", "Alvarez convicted of embezzlement",
             ["Maria Alvarez was convicted of embezzling city funds in Port Calloway.",
              "Judge Helen Okafor set sentencing for April 15."],
             [("Maria Alvarez", "PERSON"), ("Port Calloway", "GPE"), ("Helen Okafor", "PERSON")],
             TRIAL, 0),
    analyzed("t2", "Former treasurer found guilty",
             ["A jury found former treasurer Maria Alvarez guilty of embezzlement.",
              "Okafor will sentence her on April 15, the court said."],
             [("Maria Alvarez", "PERSON"), ("Okafor", "PERSON")],
             _unit(2, TRIAL), 1, source="Ledger"),
    analyzed("m1", "Marathon won in record time",
             ["Runners crowded the harbour road as the marathon began at dawn.",
              "The winner crossed the line in two hours and nine minutes."],
             [], _unit(3), 30),
]


def test_best_match_shared_names_and_terms_and_the_unrelated_article_is_weak():
    found = {w.article_id: w for w in explain(STORY)}
    t1, t2, m1 = found["t1"], found["t2"], found["m1"]
    assert t1.best_match == "t2" and t2.best_match == "t1"
    # Shared by surname, as the stories stage keys people; shown in the longest form.
    assert set(t1.shared_entities) == {"Maria Alvarez", "Helen Okafor"}
    assert {"alvarez", "okafor", "april"} <= set(t1.shared_terms)
    assert t1.days_apart == 1.0 and not t1.weak and not t2.weak
    assert t1.similarity > m1.similarity
    assert t1.evidence.entities > 0.5 and t1.evidence.words > 0
    # The marathon report shares nothing with the trial reports.
    assert m1.weak and m1.shared_entities == []
    assert m1.days_apart is not None and m1.days_apart >= 29
    assert m1.to_json()["weak"] is True and m1.to_json()["best_match"] in {"t1", "t2"}


MARATHON = _unit(4)
RACE = [
    analyzed("m2", "Marathon record falls",
             ["Runner Maria Alvarez broke the Port Calloway Marathon course record on Sunday.",
              "Brandon Okafor won the men's race in a sprint finish."],
             [("Maria Alvarez", "PERSON"), ("Port Calloway Marathon", "EVENT"),
              ("Brandon Okafor", "PERSON")], MARATHON, 20, source="Sports"),
    analyzed("m3", "Okafor retains marathon title",
             ["Brandon Okafor retained his Port Calloway Marathon title in a sprint finish.",
              "Maria Alvarez set a course record in the women's race."],
             [("Brandon Okafor", "PERSON"), ("Port Calloway Marathon", "EVENT"),
              ("Maria Alvarez", "PERSON")], _unit(5, MARATHON), 21, source="Wire"),
]


def test_two_events_in_one_story_show_as_two_groups():
    mixed = explain_story("s", STORY[:2] + RACE)
    assert sorted(map(sorted, mixed.groups)) == [["m2", "m3"], ["t1", "t2"]]
    assert mixed.between is not None and mixed.between < mixed.weak_below
    by_id = {w.article_id: w for w in mixed.articles}
    assert by_id["m2"].best_match == "m3" and by_id["t2"].best_match == "t1"
    assert set(by_id["m2"].shared_entities) >= {"Brandon Okafor", "Port Calloway Marathon"}
    assert mixed.to_json()["groups"] == mixed.groups
    # One event only: no groups, even when the story is as large.
    trial = [analyzed(f"r{i}", f"Alvarez trial, day {i}",
                      [f"Maria Alvarez took the stand in her embezzlement trial on day {i}.",
                       "Judge Helen Okafor heard the prosecution's questions."],
                      [("Maria Alvarez", "PERSON"), ("Helen Okafor", "PERSON")],
                      _unit(20 + i, TRIAL), i) for i in range(4)]
    assert explain_story("t", trial).groups == []


def test_an_article_alone_has_no_match_and_is_not_flagged():
    [alone] = explain(STORY[:1])
    assert alone.best_match is None and alone.similarity is None and not alone.weak


def test_from_stored_analyses_fast_and_without_the_nlp_models(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    try:
        base = list(STORY[:2])
        many = [analyzed(f"x{i}", f"Report {i} on the Alvarez trial",
                         [f"Maria Alvarez was convicted in Port Calloway, report {i} says.",
                          "Judge Helen Okafor will sentence her on April 15."],
                         [("Maria Alvarez", "PERSON"), ("Port Calloway", "GPE")],
                         _unit(10 + i, TRIAL), i % 3) for i in range(48)]
        members = base + many
        add_articles(store, [d.article for d in members], run_id=None)
        cache.save(store, members)
        nlp_before, stories_nlp_before = nlp._nlp, nlp._entities_nlp
        started = time.perf_counter()
        why = explain_stored(store, "s", [d.article for d in members], analyze_missing=False)
        seconds = time.perf_counter() - started
        assert why is not None and len(why.articles) == 50
        assert seconds < 1.0, f"{seconds:.2f} s for 50 articles"
        assert (nlp._nlp, nlp._entities_nlp) == (nlp_before, stories_nlp_before)
        # without a stored analysis (and not allowed to analyze) there is no answer
        extra = Article("A lone report.", id="lone", published=DAY0)
        add_articles(store, [extra], run_id=None)
        assert explain_stored(store, "s", [extra], analyze_missing=False) is None
    finally:
        store.close()
