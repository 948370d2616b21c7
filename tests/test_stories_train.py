"""Training the join decision: the rows it learns from, on constructed features.

No language model and no ../shared/data: features are built directly (as in
test_stories_cluster), so each test says exactly which candidate is the right one.
"""

from __future__ import annotations

import numpy as np
from test_stories_cluster import article, stream

from storyline.evaluate.train_stories import Rows, fit, merge_bar, policy_rows, replay_rows
from storyline.stories.evidence import FEATURES


def _gold(items, per_event):
    return {f.id: str(int(f.id[1:]) // per_event) for f in items}


def test_replay_labels_the_articles_own_story_and_no_other():
    items = stream(events=3, per_event=4)
    gold = _gold(items, 4)
    rows = replay_rows(items, gold)
    assert rows.x.shape[1] == len(FEATURES)
    # Every article after the first of its event meets its own story among the candidates
    # (the events are far apart): 3 events x 3 follow-ups = 9 positives.
    assert int(rows.y.sum()) == 9
    # Relabel: every article its own event. The same candidates are now all wrong.
    alone = replay_rows(items, {f.id: f.id for f in items})
    assert alone.y.sum() == 0 and len(alone.y) > 0


def test_weak_labels_keep_negatives_and_only_positives_with_a_shared_statement():
    items = stream(events=2, per_event=4)  # no statements at all
    gold = _gold(items, 4)
    strong, weak = replay_rows(items, gold), replay_rows(items, gold, weak=True)
    assert strong.y.sum() > 0
    assert weak.y.sum() == 0  # no shared statement: a topic label alone is not enough
    assert len(weak.y) == len(strong.y) - strong.y.sum()


def test_fitted_decision_separates_the_rows_and_runs_as_the_clusterer():
    items = stream(events=4, per_event=5) + [article(100 + i, 9, 1.0 + i) for i in range(3)]
    gold = _gold(items, 5)
    gold.update({f"a{100 + i}": "9" for i in range(3)})
    rows = replay_rows(items, gold)
    noise = Rows(np.random.default_rng(0).normal(size=(20, len(FEATURES))), np.zeros(20))
    decision = fit({"a": (rows, 1.0), "noise": (noise, 0.2)}, ["a", "noise"])
    assert decision.trained_on == ("a", "noise")
    p = [decision.probability(x) for x in rows.x]
    right = np.mean([q for q, y in zip(p, rows.y, strict=True) if y == 1])
    wrong = np.mean([q for q, y in zip(p, rows.y, strict=True) if y == 0])
    assert right > wrong
    from storyline.stories.cluster import Params

    again = policy_rows(items, gold, Params(decision=decision))
    assert len(again.y) > 0 and set(np.unique(again.y)) <= {0.0, 1.0}


def test_merges_need_more_than_joins():
    for bar in (0.3, 0.5, 0.7, 0.9):
        assert merge_bar(bar) > bar
