"""Snippets of one pile are grouped by topic before the online decision (stories.snippets)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from storyline.model import Article
from storyline.stories import snippets
from storyline.stories.cluster import cluster_bulk
from storyline.stories.features import featurize

VOLCANO = [
    "The Hekla volcano erupted on Tuesday, sending ash eight kilometres into the sky.",
    "Flights across Iceland were grounded as the ash cloud from Hekla drifted east.",
    "Lava from the eruption reached the ring road near Hekla by Wednesday morning.",
    "Scientists said the volcano could keep erupting for weeks, with more ash likely.",
    "Farmers near the volcano moved their sheep away from the lava flows and ash.",
]
CHESS = [
    "Magnus Carlsen won the Norway Chess tournament in Stavanger on Friday.",
    "Carlsen beat Fabiano Caruana in the final round of the chess tournament.",
    "The world number one said winning in Stavanger in front of a home crowd felt special.",
    "Caruana finished second, half a point behind Carlsen, after nine rounds of chess.",
    "Organisers said the Stavanger chess tournament drew a record number of viewers online.",
]


@pytest.fixture(scope="module")
def pile_features():
    lines = [t for pair in zip(VOLCANO, CHESS, strict=True) for t in pair]  # interleaved
    articles = [Article(text=t, id=f"l{i}", extra={"pile": "pile.txt"})
                for i, t in enumerate(lines)]
    return lines, featurize(articles)


def test_a_two_topic_pile_comes_out_as_two_groups(pile_features):
    lines, features = pile_features
    assert all(snippets.is_snippet(f) for f in features)
    groups = snippets.pile_groups(features)
    topics = [{lines[i] in VOLCANO for i in g} for g in groups]
    assert len(groups) == 2 and all(len(t) == 1 for t in topics), groups


def test_cluster_bulk_puts_each_group_in_one_story(pile_features):
    lines, features = pile_features
    stories = cluster_bulk(features)
    volcano = {stories[f.id] for f, t in zip(features, lines, strict=True) if t in VOLCANO}
    chess = {stories[f.id] for f, t in zip(features, lines, strict=True) if t in CHESS}
    assert len(volcano) == 1 and len(chess) == 1 and volcano != chess


def test_lines_outside_a_pile_are_left_to_the_online_decision(pile_features):
    _, features = pile_features
    loose = [replace(f, pile=None) for f in features]
    assert not any(snippets.is_snippet(f) for f in loose)
    assert snippets.pile_groups(loose) == [[i] for i in range(len(loose))]
    # one sentence each is too little for the event decision: most stay alone
    assert len(set(cluster_bulk(loose).values())) > 2


def test_two_piles_are_grouped_apart(pile_features):
    lines, features = pile_features
    # the same volcano lines in two files: each file's snippets group within that file
    other = [replace(f, id=f.id + "b", pile="other.txt") for f in features]
    groups = snippets.pile_groups(features + other)
    assert all(len({(features + other)[i].pile for i in g}) == 1 for g in groups)
    assert len(groups) == 4
