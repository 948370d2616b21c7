"""Story detection on DUC 2003 (30 labelled TDT events): storyline vs the baselines."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.evaluate.clusters import LabelledArticles
from storyline.evaluate.stories_eval import similarity_ceiling
from storyline.model import Article
from storyline.stories.cluster import Params
from storyline.stories.features import featurize
from storyline.stories.similarity import Weights

# Measured with the model fitted without DUC 2003 (docs/results/stories.md); the margin
# allows for library versions.
DUC_HELD_OUT_F1 = 0.825 - 0.03


@pytest.mark.slow
def test_duc2003_stories_beat_the_baselines(shared_data, tmp_path):
    result = CliRunner().invoke(app, [
        "eval", "stories", "--data", str(shared_data), "--dataset", "duc",
        "--cache", str(tmp_path / "cache"), "--format", "json",
    ])
    assert result.exit_code == 0, result.output
    [duc] = json.loads(result.stdout)
    assert duc["articles"] == 298 and duc["events"] == 30
    assert duc["held_out_model"] == "decision-without-duc2003.json"
    assert duc["counts"] == "storyline online, held out"
    f1 = {row["system"]: row["bcubed"]["f1"] for row in duc["systems"]}
    precision = {row["system"]: row["bcubed"]["precision"] for row in duc["systems"]}
    held = "storyline online, held out"
    assert f1[held] >= DUC_HELD_OUT_F1
    # Precision first: the shipped decision is more precise than the hand-set rule it
    # replaced (both fitted or set on this data: measured 0.917 vs 0.866).
    assert (precision["in-sample: storyline online"]
            > precision["baseline: hand-set blend (old)"] + 0.02)
    assert f1[held] > f1["baseline: every article alone"] + 0.5
    # DUC lists 9 documents under two topics at once: even the gold partition, with each
    # text's copies kept together, falls short of 1 (0.963).
    assert f1[held] < f1["reference: best possible"] < 0.99
    assert f1["reference: similarity ceiling"] < f1["reference: best possible"]


def _ceiling_stream(texts_and_labels):
    articles = [Article(text=text, id=str(i)) for i, (text, _) in enumerate(texts_and_labels)]
    gold = {str(i): label for i, (_, label) in enumerate(texts_and_labels)}
    return LabelledArticles("t", articles, gold), featurize(articles)


def test_similarity_ceiling_leaves_alone_what_the_similarity_ranks_elsewhere():
    stream, features = _ceiling_stream([
        ("Floodwater from Lake Harmon swamped the town of Redfern on Monday.", "flood"),
        ("Kerry met Lavrov in Geneva to discuss a ceasefire in Syria.", "talks"),
        # labelled talks, but it reads as the flood: the similarity cannot place it
        ("Lake Harmon flooding forced Redfern families from their homes.", "talks"),
        ("Lavrov and Kerry discussed the Syrian ceasefire in Geneva.", "talks"),
        ("Lavrov and Kerry discussed the Syrian ceasefire in Geneva.", "flood"),  # a copy
    ])
    placed = similarity_ceiling(stream, features)
    assert placed == {"0": "flood", "1": "talks", "2": "alone:2", "3": "talks",
                      "4": "talks"}  # the copy goes where its text was first seen


def test_similarity_ceiling_scores_with_the_clusterers_weights():
    stream, features = _ceiling_stream([
        ("Floodwater from Lake Harmon swamped the town of Redfern on Monday.", "flood"),
        ("Kerry met Lavrov in Geneva to discuss a ceasefire in Syria.", "talks"),
        ("Lavrov and Kerry discussed the Syrian ceasefire in Geneva.", "talks"),
    ])
    assert similarity_ceiling(stream, features)["2"] == "talks"
    # With no weight on any evidence every story scores alike and the first seen (the
    # flood) ranks first: the ceiling follows the parameters it is given.
    blind = Params(weights=Weights(dense=0, words=0, entities=0, statements=0,
                                   unrelated_statements=0), decision=None)
    assert similarity_ceiling(stream, features, blind)["2"] == "alone:2"


def test_unknown_dataset_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(app, ["eval", "stories", "--dataset", "nope",
                                      "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "--dataset nope" in result.output


def test_missing_data_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(app, ["eval", "stories", "--data", str(tmp_path / "none"),
                                      "--dataset", "duc"])
    assert result.exit_code == 2
    assert "not found" in result.output
