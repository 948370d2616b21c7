"""ROUGE, the baselines and the evaluation readers behind ``storyline eval summarize``."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_summary import story_articles


@pytest.fixture(scope="module")
def analyzed():
    from storyline.analyze.pipeline import analyze

    return analyze(story_articles())


def test_rouge_recall_and_truncation():
    from storyline.evaluate.rouge import Scores, truncate_words

    same = Scores.of("Floods hit the town of Carrowmere", ["Floods hit the town of Carrowmere"])
    assert same.r1.recall == pytest.approx(1.0) and same.r2.f1 == pytest.approx(1.0)
    # stemming: "flooded" matches "floods"; averaging over two references
    two = Scores.of("flooded town", ["floods town", "quiet village"])
    assert two.r1.recall == pytest.approx(0.5)
    assert truncate_words("a b  c\nd", 3) == "a b c"
    with pytest.raises(ValueError):
        Scores.of("x", [])


def test_baselines_rank_the_story_sentences(analyzed):
    from storyline.evaluate.baselines import BASELINES, fill_budget, lead, sentences_of

    every = {s for rows in sentences_of(analyzed) for s in rows}
    first = min(analyzed, key=lambda a: a.article.published)
    assert lead(analyzed)[0] in first.article.text
    for name in ("lexrank", "textrank"):
        ranked = BASELINES[name](analyzed)
        assert sorted(ranked) == sorted(every), name  # a ranking of all the sentences
    central = BASELINES["centroid"](analyzed)
    assert central and set(central) <= every and len(set(central)) == len(central)
    taken = fill_budget(central, 30)
    words = [len(s.split()) for s in taken]
    assert sum(words) >= 30 or taken == central
    assert sum(words[:-1]) < 30


def test_evaluate_scores_every_system_the_same_way(analyzed):
    from storyline.evaluate.summary_eval import SYSTEM, Setting, evaluate

    reference = ("Flooding from the Brennick Dam killed at least 14 people in Carrowmere. "
                 "Prime Minister Aldo Ferrant met rescue chiefs to coordinate relief.")
    result = evaluate([("flood", analyzed, [reference])], Setting("t", 40, "recall"))
    rows = {r[0]: r for r in result.table()}
    assert set(rows) == {SYSTEM, "lead", "lexrank", "textrank", "centroid"}
    assert all(0.0 < r[1] <= 100.0 for r in rows.values())
    assert result.clusters == 1 and result.best_baseline(2)[0] != SYSTEM


def test_duc_reader(shared_data):
    from storyline.evaluate.summaries import duc_cases

    cases = duc_cases(shared_data / "duc2003")
    assert len(cases) == 30
    for case in cases:
        assert len(case.references) == 4 and len(case.articles) >= 5
        assert all(len(r.split()) > 60 for r in case.references)
        assert all(a.extra["cluster"].upper().startswith(case.id) for a in case.articles)


def test_multinews_reader(shared_data):
    from storyline.evaluate.summaries import multinews_cases

    cases = multinews_cases(shared_data / "multi_news" / "validation.csv", limit=20)
    assert len(cases) == 20
    for case in cases:
        assert case.articles and len(case.references) == 1
        assert not case.references[0].startswith(("–", "-"))


@pytest.mark.parametrize("args, problem", [
    (["--dataset", "cnn"], "--dataset cnn"),
    (["--dataset", "duc", "--duc", "/nonexistent/duc"], "/nonexistent/duc"),
    (["--dataset", "multinews", "--multinews", "/nonexistent.csv"], "/nonexistent.csv"),
    (["--limit", "0"], "--limit 0"),
])
def test_eval_summarize_bad_options(args, problem):
    done = subprocess.run([sys.executable, "-c", "from storyline.cli import main; main()",
                           "eval", "summarize", *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and done.stdout == ""
    message = done.stderr.strip()
    assert len(message.splitlines()) == 1 and problem in message


def test_rouge155_duc_recall_orders_systems_and_cuts_at_the_budget():
    from storyline.evaluate import tls
    from storyline.evaluate.rouge155 import duc_recall

    try:
        tls.rouge_home()
    except tls.MetricUnavailable as exc:
        pytest.skip(str(exc))
    refs = [["the dam burst on tuesday and flooded the town",
             "floodwater from the dam swept through the town on tuesday"]]
    scores = duc_recall({"copy": [refs[0][0]], "other": ["a baker sold umbrellas"],
                         "late": ["a baker sold umbrellas while the dam burst on tuesday"]},
                        refs, words=4)
    assert scores["copy"]["rouge2"] > scores["late"]["rouge2"] >= 0.0
    assert scores["other"]["rouge1"] == 0.0
    assert scores["late"]["rouge1"] == 0.0  # the matching words come after the 4-word cut
