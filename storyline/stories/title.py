"""A story's title (its most representative headline or lead) and its key entities.

The title is the headline of the member closest to the story's centroid; a real headline is
preferred to a lead sentence when the story has one, and a lead that stands alone to one
that does not. Key entities are the names that weigh
most in the story by TF-IDF: frequent in it, rare elsewhere.
"""

from __future__ import annotations

import numpy as np

from storyline.stories.features import ArticleFeatures
from storyline.stories.frequencies import DocumentFrequencies
from storyline.stories.state import StoryState
from storyline.text.standalone import stands_alone

KEY_ENTITIES = 8


def consider(state: StoryState, article: ArticleFeatures) -> None:
    """Make ``article``'s headline the story's title if it represents the story better.

    >>> from storyline.stories.features import ArticleFeatures as F
    >>> v = np.array([1.0, 0.0], np.float32); e = np.zeros(0, np.int32)
    >>> s = StoryState("s", v.copy())
    >>> consider(s, F("a", None, None, v, e, e, e, e, {}, "Quake hits"))
    >>> s.title
    'Quake hits'
    """
    if not article.headline:
        return
    has_title = article.titled
    if state.title_vector is not None and state.title:
        new, old = _rank(article.headline, has_title), _rank(state.title, state.title_is_headline)
        if new < old:
            return
        if new == old:
            centroid = state.centroid
            if float(article.vector @ centroid) <= float(state.title_vector @ centroid):
                return
    state.title = article.headline
    state.title_vector = article.vector.copy()
    state.title_is_headline = has_title


def _rank(title: str, is_headline: bool) -> tuple[bool, bool]:
    """What makes a title better before closeness to the story: a real headline, then a
    lead that stands alone ("Rooting out terrorism ..., he said, ..." names nobody)."""
    return is_headline, stands_alone(title)


def refresh_after_merge(state: StoryState, other: StoryState) -> None:
    """After ``other`` was folded into ``state``, keep the better of the two titles."""
    if not other.title or other.title_vector is None:
        return
    if not state.title or state.title_vector is None:
        better = True
    else:
        theirs = _rank(other.title, other.title_is_headline)
        mine = _rank(state.title, state.title_is_headline)
        if theirs != mine:
            better = theirs > mine
        else:
            centroid = state.centroid
            better = (float(other.title_vector @ centroid)
                      > float(state.title_vector @ centroid))
    if better:
        state.title, state.title_vector = other.title, other.title_vector
        state.title_is_headline = other.title_is_headline


def key_entities(state: StoryState, df: DocumentFrequencies, n: int = KEY_ENTITIES
                 ) -> list[str]:
    """The story's ``n`` most characteristic names, strongest first."""
    if len(state.entity_ids) == 0:
        return []
    weight = state.entity_tf * df.idf(state.entity_ids)
    order = np.lexsort((state.entity_ids, -weight))
    names: list[str] = []
    seen: set[str] = set()
    for i in order:
        name = state.entity_names.get(int(state.entity_ids[i]))
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
            if len(names) == 2 * n:  # room for the adjectives left out below; no more read
                break
    # "Velorian" beside "Veloria" tells the reader nothing more: the people's adjective
    # counts as evidence (it is among the story's names) but is not shown beside its place.
    shown = [name for name in names if not any(demonym_of(name, other) for other in names)]
    return shown[:n]


_DEMONYM_ENDINGS = ("n", "an", "ian", "i", "ese", "ish", "ean")


def demonym_of(name: str, place: str) -> bool:
    """Whether ``name`` is the adjective of the people of ``place`` ("Syrian", "Syria").

    >>> demonym_of("Drustani", "Drustan"), demonym_of("Chinese", "China")
    (True, True)
    >>> demonym_of("Johnson", "John"), demonym_of("Syria", "Syrian")
    (False, False)
    """
    lower, stem = name.lower(), place.lower()
    return len(stem) >= 4 and lower != stem and any(
        lower in (stem + end, stem[:-1] + end) for end in _DEMONYM_ENDINGS)
