"""The stance model: the shipped file, ``storyline stance`` (INTERFACES.md §9), the FNC-1
splits and metrics, and a small training run that must reproduce scikit-learn exactly.
The claims and texts below are written for these tests (fictional events)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import run_cli

from storyline.stance.fnc1 import LABELS

CLI = [sys.executable, "-c", "from storyline.cli import main; main()"]
FLOOD = ("Floodwater swept through the town of Carrowmere on Tuesday after a spillway gate at "
         "the Brennick Dam failed. At least 14 people were killed, the regional emergency "
         "office said. Rescue teams in boats searched flooded streets for residents.")
DENIAL = ("Officials in Carrowmere on Wednesday denied reports that the Brennick Dam had "
          "failed, calling them a hoax. 'The dam did not fail, the story is fake and false,' "
          "the dam operator said. Engineers found no damage to the spillway gate.")
BANK = ("The central bank of Velor raised its main interest rate by half a point on Thursday, "
        "its third increase this year, citing stubborn inflation in food prices.")


def test_shipped_model_reads_relatedness_and_denial():
    from storyline.stance.model import load_model

    model = load_model()
    claim = "Brennick Dam spillway gate fails, flooding Carrowmere"
    kesh = ("Veloria said that Drustani artillery shelled the border village of Kesh on Sunday.",
            "Drustan denied that its artillery shelled the border village of Kesh on Sunday.")
    results = model.predict([(claim, FLOOD), (claim, BANK), (claim, DENIAL), kesh])
    assert results[0].stance in ("agree", "discuss")
    assert results[1].stance == "unrelated"
    # a denial weighs more toward "disagree" than a report of the same event
    assert results[2].probabilities[1] > results[0].probabilities[1]
    assert results[3].stance == "disagree"
    for r in results:
        assert 0.0 <= r.confidence <= 1.0
        assert abs(sum(r.probabilities) - 1.0) < 1e-3
        assert r.confidence == max(r.probabilities)


def test_the_article_model_counts_words_its_training_never_saw():
    """Claims against articles on a new topic are compared on the topic's own words too; the
    digest's statement model leaves them out (in a story, shared names tell no side)."""
    from storyline.stance.features import FEATURES, pair_features
    from storyline.stance.model import load_model, load_statement_model

    articles, statements = load_model(), load_statement_model()
    assert articles.vocab.unknown_terms and not statements.vocab.unknown_terms
    # Their only common words are two names FNC-1 never saw.
    claim = "Zorvathi outbreak reaches Quellmarsh"
    text = "Quellmarsh confirmed its first Zorvathi cases. Markets stayed shut."
    assert not {"zorvathi", "quellmarsh"} & set(articles.vocab.index)
    cos = FEATURES.index("sent_max")
    with_new, _ = pair_features(articles.vocab, claim, articles.view(text))
    without, _ = pair_features(statements.vocab, claim, statements.view(text))
    assert with_new[cos] > without[cos] + 0.3
    # and it reads the pair as related, where the other sees little in common
    assert articles.predict([(claim, text)])[0].stance != "unrelated"


def test_model_file_holds_arrays_only(tmp_path):
    """No pickle: the file loads with allow_pickle=False, and saving what was loaded gives
    the same predictions back."""
    from storyline.stance.model import MODEL_PATH, load_model, read_model

    with np.load(MODEL_PATH, allow_pickle=False) as z:
        assert {"vocab", "idf", "cue_coef", "threshold", "value"} <= set(z.files)
    copy = tmp_path / "copy.npz"
    load_model().save(copy)
    pairs = [("Dam fails in Carrowmere", FLOOD), ("Dam fails in Carrowmere", DENIAL)]
    assert np.allclose(read_model(copy).proba(pairs), load_model().proba(pairs))


def test_stance_cli_streams_in_order_and_names_bad_lines(tmp_path):
    path = tmp_path / "pairs.jsonl"
    lines = [{"id": "p1", "claim": "Dam fails in Carrowmere", "text": FLOOD},
             {"id": 7, "claim": "Dam fails in Carrowmere", "text": BANK},
             {"claim": "Dam fails in Carrowmere", "text": DENIAL}]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    run = subprocess.run([*CLI, "stance", str(path)], capture_output=True, text=True,
                         timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["p1", "7", "3"]  # no id: the line number
    assert all(set(r) == {"id", "stance", "confidence"} for r in rows)
    assert all(r["stance"] in LABELS and 0 <= r["confidence"] <= 1 for r in rows)
    assert rows[1]["stance"] == "unrelated"

    # A bad line, in this process (run_cli: the same main(), no second model load).
    path.write_text(json.dumps(lines[0]) + "\n" + '{"id": "x", "claim": 3}\n', encoding="utf-8")
    bad = run_cli("stance", str(path))
    assert bad.exit_code == 2
    assert len(bad.stdout.splitlines()) == 1  # the good line before it was answered
    assert f"{path}:2" in bad.stderr and "'claim'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_metrics_by_hand():
    from storyline.stance.evaluate import f1_scores, fnc_score

    gold = ["agree", "agree", "disagree", "unrelated", "discuss"]
    predicted = ["agree", "discuss", "disagree", "discuss", "discuss"]
    f1 = f1_scores(gold, predicted)
    # agree: tp 1, fn 1 -> 2/3; disagree 1; discuss: tp 1, fp 2 -> 0.5; unrelated 0
    assert f1["agree"] == pytest.approx(2 / 3) and f1["disagree"] == 1.0
    assert f1["discuss"] == pytest.approx(0.5) and f1["unrelated"] == 0.0
    assert f1["macro"] == pytest.approx((2 / 3 + 1 + 0.5) / 4)
    # gold best: 4 related x 1.0 + 1 unrelated x 0.25 = 4.25; got: 1 + 0.25 + 1 + 0 + 1
    assert fnc_score(gold, predicted) == pytest.approx(3.25 / 4.25)


@pytest.fixture(scope="module")
def fnc(shared_data):
    from storyline.stance.fnc1 import read_fnc1

    return read_fnc1(shared_data / "fnc1")


def test_splits_share_no_body_and_no_topic(fnc):
    from storyline.stance.evaluate import topic_folds
    from storyline.stance.fnc1 import split_by_body, topics

    train, held = split_by_body(fnc)
    assert not {p.body_id for p in train} & {p.body_id for p in held}
    assert len(held) / len(fnc.pairs) == pytest.approx(0.19, abs=0.03)
    assert split_by_body(fnc) == (train, held)  # fixed in code
    topic = topics(fnc)
    for fold_train, fold_test in topic_folds(fnc, 3):
        seen = {topic["b:" + p.body_id] for p in fold_train} | {
            topic["h:" + p.claim] for p in fold_train}
        tested = {topic["b:" + p.body_id] for p in fold_test}
        assert fold_test and not seen & tested


def test_training_exports_what_scikit_learn_learned(fnc, tmp_path):
    """A small model from 2,000 pairs: the exported forest reproduces scikit-learn's
    probabilities (``train`` checks that), survives the file, and beats chance on the
    held-out part of the same split."""
    from storyline.stance.evaluate import score
    from storyline.stance.fnc1 import split_by_body
    from storyline.stance.model import read_model
    from storyline.stance.train import Settings, train

    train_part, held = split_by_body(fnc)
    model = train(fnc, train_part[:2000], Settings(rounds=20, folds=2, min_topics=2))
    path = tmp_path / "small.npz"
    model.save(path)
    pairs = [(p.claim, fnc.bodies[p.body_id]) for p in held[:300]]
    assert np.allclose(read_model(path).proba(pairs), model.proba(pairs))
    result = score([p.label for p in held[:300]], [s.stance for s in model.predict(pairs)])
    assert result.per_class["unrelated"] > 0.9


def test_hundreds_of_pairs_a_second(fnc):
    """FNC-style input (bodies repeat): at least 200 pairs a second on one busy core."""
    from storyline.stance.model import StanceModel, load_model

    shipped = load_model()
    model = StanceModel(shipped.vocab, shipped.cues, shipped.forest, shipped.meta)  # cold cache
    pairs = [(p.claim, fnc.bodies[p.body_id]) for p in fnc.pairs[:2000]]
    started = time.process_time()
    model.predict(pairs)
    assert len(pairs) / (time.process_time() - started) >= 200
