"""Concept coverage (ILP), the standalone-sentence filter and the tuning/reporting split."""

from __future__ import annotations

import itertools
import random

import pytest

from storyline.digest.candidates import stands_alone
from storyline.digest.concepts import concept_table, sentence_concepts
from storyline.digest.cover import best_cover
from storyline.evaluate.splits import (
    REPORTING,
    TIMELINE17_TOPICS,
    TUNING,
    part,
    split,
    timeline17_part,
)


def _brute_force(concepts_of, weights, costs, budget):
    best_value = 0.0
    for r in range(1, len(costs) + 1):
        for chosen in itertools.combinations(range(len(costs)), r):
            if sum(costs[j] for j in chosen) > budget:
                continue
            covered = {i for j in chosen for i in concepts_of[j]}
            value = sum(weights[i] for i in covered)
            if value > best_value + 1e-9:
                best_value = value
    return best_value


@pytest.mark.parametrize("seed", range(6))
def test_cover_is_optimal_and_within_budget(seed):
    rng = random.Random(seed)
    n, m = 8, 12
    concepts_of = [rng.sample(range(m), rng.randint(1, 5)) for _ in range(n)]
    weights = [rng.random() for _ in range(m)]
    costs = [rng.randint(5, 25) for _ in range(n)]
    budget = 40
    chosen = best_cover(concepts_of, weights, costs, budget)
    assert sum(costs[j] for j in chosen) <= budget
    value = sum(weights[i] for i in {i for j in chosen for i in concepts_of[j]})
    assert value == pytest.approx(_brute_force(concepts_of, weights, costs, budget))


def test_cover_respects_a_sentence_cap_and_skips_overlong_sentences():
    chosen = best_cover([[0], [1], [2], [3]], [1.0, 1.0, 1.0, 5.0], [3, 3, 3, 50], budget=20,
                        max_sentences=2)
    assert len(chosen) == 2 and 3 not in chosen


def test_a_concept_many_articles_share_outweighs_one_said_once():
    sentences = [(a, 0, "Floodwater swept through Carrowmere on Tuesday.") for a in range(4)]
    sentences.append((0, 5, "A local baker sold umbrellas."))
    table = concept_table(sentences, 4)
    shared = table.weights[table.names.index(sentence_concepts("swept through Carrowmere")[-1])]
    lone = table.weights[table.names.index("local baker")]
    assert shared > lone


@pytest.mark.parametrize("text,alone", [
    ("Floodwater swept through Carrowmere on Tuesday, killing at least 14 people.", True),
    ('"We will rebuild every house," the mayor said on Wednesday.', True),
    ("He said the dam had not been inspected since 2019.", False),
    ("But the water kept rising through the night.", False),
    ("It is never easy,” he said.", False),
    ("Posted by floodwatcher: this is a disgrace", False),
    ("The -LRB- regional -RRB- office said 14 people died.", False),
])
def test_standalone_filter(text, alone):
    assert stands_alone(text) is alone


def test_split_is_fixed_by_name_and_keeps_a_topic_on_one_side():
    ids = [f"D3{i:04d}" for i in range(200)]
    parts = split(ids)
    assert parts[TUNING] and parts[REPORTING]
    assert sorted(parts[TUNING] + parts[REPORTING]) == sorted(ids)
    assert all(part(i) == part(i) for i in ids)
    assert part("validation:17") == part("test:17")  # the row decides, not the file name
    for outlet in ("bbc", "guardian", "reuters"):
        assert timeline17_part(f"bpoil_{outlet}") == timeline17_part("bpoil_cnn")
        assert timeline17_part(f"bpoil_{outlet}/tl1") == timeline17_part("bpoil")
    tuning = [t for t in TIMELINE17_TOPICS if timeline17_part(t) == TUNING]
    assert 1 <= len(tuning) <= 8 and len(tuning) < len(TIMELINE17_TOPICS)
