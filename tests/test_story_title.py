"""A story's title: a real headline first, then a lead that stands alone, then closeness."""

from __future__ import annotations

import numpy as np

from storyline.stories import title
from storyline.stories.features import ArticleFeatures
from storyline.stories.state import StoryState

EMPTY = np.zeros(0, np.int32)


def member(aid: str, headline: str, vector, titled: bool = False) -> ArticleFeatures:
    v = np.asarray(vector, np.float32)
    return ArticleFeatures(aid, None, None, v / np.linalg.norm(v), EMPTY, EMPTY, EMPTY, EMPTY,
                           {}, headline, titled)


def test_a_lead_that_stands_alone_beats_a_closer_one_that_does_not():
    state = StoryState("s", np.array([1.0, 0.0], np.float32))
    leaning = member("a", "Rooting out terror groups, he said, is absolutely important.",
                     [1.0, 0.0])
    whole = member("b", "Syrian forces seized a camp in Aleppo from rebels on Friday.",
                   [0.6, 0.8])
    title.consider(state, leaning)
    title.consider(state, whole)
    assert state.title == whole.headline
    title.consider(state, leaning)  # closer to the centroid, but names nobody
    assert state.title == whole.headline


def test_a_real_headline_still_beats_any_lead_and_closeness_decides_among_equals():
    state = StoryState("s", np.array([1.0, 0.0], np.float32))
    title.consider(state, member("a", "Syrian forces seized a camp in Aleppo on Friday.",
                                 [1.0, 0.0]))
    title.consider(state, member("h", "Aleppo camp falls", [0.6, 0.8], titled=True))
    assert state.title == "Aleppo camp falls"
    title.consider(state, member("h2", "Rebels lose Aleppo camp", [1.0, 0.1], titled=True))
    assert state.title == "Rebels lose Aleppo camp"
