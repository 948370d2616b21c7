"""The timeline metric (tilse align+ m:1 with ROUGE-1.5.5) and the Timeline17 evaluation."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from storyline.evaluate import tls


def _metric_or_skip():
    try:
        tls.rouge_home()
    except tls.MetricUnavailable as exc:
        pytest.skip(str(exc))


def _tilse_per_pair(predicted, reference):
    """tilse exactly as news-tls calls it: ROUGE-1.5.5 started once per pair of days."""
    from tilse.data.timelines import GroundTruth, Timeline
    from tilse.evaluation.rouge import TimelineRougeEvaluator

    evaluator = TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"])
    evaluator.rouge._discover_rouge(str(tls.rouge_home()))
    return evaluator.evaluate_align_date_content_costs_many_to_one(
        Timeline(predicted), GroundTruth([Timeline(reference)]))


PREDICTED = {
    date(2020, 3, 1): ["Heavy rains better the forecasts and flood the river towns ."],
    date(2020, 3, 4): ["The mayor ordered an evacuation of the lower districts .",
                       "Bridges were closed to traffic ."],
    date(2020, 3, 9): ["Water levels fell and residents began returning home ."],
}
REFERENCE = {
    date(2020, 3, 2): ["Floods hit the river towns after days of heavy rain ."],
    date(2020, 3, 4): ["The mayor orders the evacuation of low-lying districts ."],
    date(2020, 3, 8): ["Residents return as the water recedes ."],
    date(2020, 3, 12): ["An inquiry into the flood defences opens ."],
}


def test_batched_rouge_gives_tilse_numbers():
    _metric_or_skip()
    [ours] = tls.evaluate([(PREDICTED, REFERENCE)])
    theirs = _tilse_per_pair(PREDICTED, REFERENCE)
    for measure in ("rouge_1", "rouge_2"):
        mine = getattr(ours, measure)
        assert mine.precision == pytest.approx(theirs[measure]["precision"], abs=1e-12)
        assert mine.recall == pytest.approx(theirs[measure]["recall"], abs=1e-12)
        assert mine.f1 == pytest.approx(theirs[measure]["f_score"], abs=1e-12)
    assert ours.rouge_1.f1 > 0.1  # the texts share words: a zero would mean nothing was read
    assert ours.dates.precision == pytest.approx(1 / 3)
    assert ours.dates.recall == pytest.approx(1 / 4)


def test_identical_timeline_scores_one_and_empty_scores_zero():
    _metric_or_skip()
    same, empty = tls.evaluate([(REFERENCE, REFERENCE), ({}, REFERENCE)])
    assert same.rouge_1.f1 == pytest.approx(1.0) and same.dates.f1 == 1.0
    assert empty.rouge_1.f1 == 0.0 and empty.dates.f1 == 0.0


def test_rebuilt_wordnet_db_equals_the_shipped_one(tmp_path, monkeypatch):
    _metric_or_skip()
    from pyrouge.base import ROUGE_EVAL_HOME

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    home = tls._rebuilt_home(Path(ROUGE_EVAL_HOME))
    assert str(home).startswith(str(tmp_path))

    def dump(db: Path) -> str:
        code = ('use DB_File; use Fcntl; my %h; tie(%h, "DB_File", $ARGV[0], O_RDONLY, 0440, '
                '$DB_HASH) or die; print map { "$_=" . ($h{$_} // "") . "\\n" } sort keys %h;')
        return subprocess.run(["perl", "-e", code, str(db)], capture_output=True, text=True,
                              check=True).stdout

    rebuilt = dump(home / "data" / "WordNet-2.0.exc.db")
    assert "better=well\n" in rebuilt  # adj.exc says good, adv.exc (read later) says well
    assert rebuilt == dump(Path(ROUGE_EVAL_HOME) / "data" / "WordNet-2.0.exc.db")


@pytest.mark.slow
def test_real_task_batched_equals_tilse(shared_data: Path):
    _metric_or_skip()
    from storyline.evaluate.timeline17 import load_tasks, storyline_system

    folder = shared_data / "timeline17"
    if not (folder / "H1N1_guardian").is_dir():
        pytest.skip("Timeline17 topic H1N1_guardian not found")
    [task] = load_tasks(folder, only=["H1N1_guardian"])
    predicted = storyline_system(task)
    [ours] = tls.evaluate([(predicted, task.reference)])
    theirs = _tilse_per_pair(predicted, task.reference)
    for measure in ("rouge_1", "rouge_2"):
        assert getattr(ours, measure).f1 == pytest.approx(theirs[measure]["f_score"], abs=1e-12)


# Small topics keep this under a minute. Measured on them (2026-11-25, 2 shared cores):
# storyline 0.144 / 0.032 / 0.814, random 0.089 / 0.016 / 0.791 (R1 F, R2 F, date F1);
# the bars sit a little under storyline's numbers.
SUBSET = ["H1N1_guardian", "H1N1_reuters", "bpoil_foxnews", "haiti_bbc"]
BARS = {"rouge_1": 0.13, "rouge_2": 0.028, "dates": 0.75}


@pytest.mark.slow
def test_eval_command_on_a_timeline17_subset(shared_data: Path):
    _metric_or_skip()
    folder = shared_data / "timeline17"
    missing = [t for t in SUBSET if not (folder / t).is_dir()]
    if missing:
        pytest.skip(f"Timeline17 topics not found: {missing}")
    script = Path(sys.executable).with_name("storyline")
    done = subprocess.run([str(script), "eval", "timeline", str(folder), "--topics",
                           ",".join(SUBSET), "--format", "json"], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert len(result["tasks"]) == len(SUBSET)
    for task in result["tasks"]:
        assert set(task["systems"]) == {"storyline", "storyline-noquery", "storyline-alone",
                                        "most-published", "random"}
    mean = result["mean"]
    ours, rand = mean["storyline"], mean["random"]
    assert ours["rouge_1"]["f1"] >= BARS["rouge_1"]
    assert ours["rouge_2"]["f1"] >= BARS["rouge_2"]
    assert ours["dates"]["f1"] >= BARS["dates"]
    assert ours["rouge_1"]["f1"] > rand["rouge_1"]["f1"] + 0.02
    assert ours["rouge_2"]["f1"] > rand["rouge_2"]["f1"] + 0.01

