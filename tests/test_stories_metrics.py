"""B-cubed and pairwise scores on partitions worked out by hand."""

from __future__ import annotations

import pytest

from storyline.evaluate.bcubed import bcubed, clusters_of, pairwise

GOLD = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y"}


def test_perfect_partition_scores_one():
    predicted = {k: v.upper() for k, v in GOLD.items()}
    assert bcubed(predicted, GOLD).f1 == pytest.approx(1.0)
    assert pairwise(predicted, GOLD).f1 == pytest.approx(1.0)


def test_singletons_have_full_precision_and_low_recall():
    predicted = {k: k for k in GOLD}
    b = bcubed(predicted, GOLD)
    assert b.precision == pytest.approx(1.0)
    # items of the 3-cluster recall 1/3 each, of the 2-cluster 1/2 each: (3/3 + 2/2) / 5
    assert b.recall == pytest.approx(2 / 5)
    assert pairwise(predicted, GOLD).recall == 0.0


def test_one_big_cluster():
    predicted = {k: "all" for k in GOLD}
    b = bcubed(predicted, GOLD)
    assert b.recall == pytest.approx(1.0)
    assert b.precision == pytest.approx((3 * 3 / 5 + 2 * 2 / 5) / 5)
    p = pairwise(predicted, GOLD)
    assert p.precision == pytest.approx(4 / 10)  # 3 + 1 true pairs of 10


def test_a_split_cluster_costs_recall_not_precision():
    predicted = {"a": 1, "b": 1, "c": 2, "d": 3, "e": 3}
    b = bcubed(predicted, GOLD)
    assert b.precision == pytest.approx(1.0)
    assert b.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)


def test_missing_prediction_is_an_error():
    with pytest.raises(ValueError, match="no predicted cluster"):
        bcubed({"a": 1}, GOLD)


def test_clusters_of_is_order_free():
    assert clusters_of({"b": 2, "a": 1, "c": 2}) == clusters_of({"c": 9, "b": 9, "a": 0})
