"""A young story's members, kept so that a story that turns out to be two can be split.

A story keeps running sums, which cannot be taken apart; so while a story is small
(``MEMBER_LIMIT`` articles or fewer) it also keeps its members' features. After each join,
:func:`two_groups` asks whether the members form two groups with little evidence between
them: the typical wrong join is the first report of a new event on a known subject (a
second bombing, the next hurricane) joining the old story, after which the new event's
later reports follow it in. Past ``MEMBER_LIMIT`` a story is established and its members
are no longer kept (memory stays bounded).

Members travel with the story's stored state (:func:`to_json` / :func:`from_json`), so a
restarted ingest splits exactly as an uninterrupted one would.

>>> s = np.array([[np.nan, .5, .0, .0], [.5, np.nan, .0, .0],
...               [.0, .0, np.nan, .6], [.0, .0, .6, np.nan]])
>>> two_groups(s, [0.0, 1.0, 20.0, 21.0], ratio=0.3)
([0, 1], [2, 3])
>>> two_groups(s + 0.45, [0.0, 1.0, 20.0, 21.0], ratio=0.3) is None
True
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np

from storyline.stories.features import ArticleFeatures
from storyline.stories.moments import from_posix, posix

MEMBER_LIMIT = 16  # members kept (and the largest story that can still be split)
MIN_GROUP = 2  # a split leaves at least this many articles on each side
KEPT_STATEMENTS = 6  # a member's first statements (title and lead) are enough to compare


def trimmed(article: ArticleFeatures) -> ArticleFeatures:
    """The features a member keeps: everything but its later statements."""
    if len(article.statements) <= KEPT_STATEMENTS:
        return article
    return ArticleFeatures(article.id, article.published, article.source, article.vector,
                           article.word_ids, article.word_tf, article.entity_ids,
                           article.entity_tf, article.entity_names, article.headline,
                           article.titled, article.statements[:KEPT_STATEMENTS].copy())


def two_groups(scores: np.ndarray, moments: Sequence[float | None], ratio: float
               ) -> tuple[list[int], list[int]] | None:
    """The two groups of members to split into, or None to keep the story whole.

    ``scores``: pairwise similarities of the members (diagonal ignored). The members are cut
    in two by average linkage; the story splits when each group has ``MIN_GROUP`` members
    or more and the mean similarity between the groups is below ``ratio`` times the lower
    of the two groups' own means (evidence between the groups is weak compared with the
    evidence within each). The group holding the earliest member comes first (it keeps the
    story's id).
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = len(scores)
    if n < 2 * MIN_GROUP:
        return None
    off = ~np.eye(n, dtype=bool)
    filled = np.where(off, scores, 0.0)
    # Any decreasing function of the similarity will do for average linkage.
    distance = np.where(off, filled[off].max() - filled, 0.0)
    labels = fcluster(linkage(squareform(distance, checks=False), "average"), 2, "maxclust")
    times = [float("inf") if m is None else m for m in moments]
    earliest = labels[int(np.argmin(times))]
    first = [k for k in range(n) if labels[k] == earliest]
    second = [k for k in range(n) if labels[k] != earliest]
    if len(first) < MIN_GROUP or len(second) < MIN_GROUP:
        return None
    between = float(np.mean(scores[np.ix_(first, second)]))
    within = min(_mean_within(scores, first), _mean_within(scores, second))
    if within <= 0 or between >= ratio * within:
        return None
    return first, second


def _mean_within(scores: np.ndarray, group: list[int]) -> float:
    block = scores[np.ix_(group, group)]
    return float(np.nanmean(block[~np.eye(len(group), dtype=bool)]))


# -- storage ------------------------------------------------------------------------------


def to_json(members: Sequence[ArticleFeatures]) -> list[dict]:
    """Members as JSON-ready dicts (arrays base64, exact)."""
    return [{
        "id": m.id, "t": posix(m.published), "src": m.source, "v": _b64(m.vector),
        "wi": _b64(m.word_ids), "wt": _b64(m.word_tf), "ei": _b64(m.entity_ids),
        "et": _b64(m.entity_tf), "names": {str(k): v for k, v in m.entity_names.items()},
        "h": m.headline, "ht": m.titled, "st": _b64(m.statements),
    } for m in members]


def from_json(items: Sequence[dict], dim: int) -> list[ArticleFeatures]:
    """The inverse of :func:`to_json`."""
    return [ArticleFeatures(
        d["id"], from_posix(d["t"]), d["src"], _array(d["v"], np.float32),
        _array(d["wi"], np.int32), _array(d["wt"], np.float32), _array(d["ei"], np.int32),
        _array(d["et"], np.float32), {int(k): v for k, v in d["names"].items()}, d["h"],
        bool(d["ht"]), _array(d["st"], np.int8).reshape(-1, dim),
    ) for d in items]


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _array(text: str, dtype) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype).copy()


__all__ = ["MEMBER_LIMIT", "from_json", "to_json", "trimmed", "two_groups"]
