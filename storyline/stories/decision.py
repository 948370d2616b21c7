"""The learned join decision: how likely an article (or story) is to belong to a story.

A logistic model over :func:`storyline.stories.evidence.vector`, fitted by
``python -m storyline.evaluate.train_stories`` on labelled data under ../shared/data and shipped as
plain numbers (``storyline/stories/models/*.json``, a few KB), loaded offline. An article
joins its best candidate only when the probability clears ``join_bar``; two stories merge
only when theirs clears the higher ``merge_bar``: a wrong join costs more than a split.

>>> d = Decision(names=("a", "b"), mean=(0.0, 0.0), scale=(1.0, 1.0), coef=(2.0, -1.0),
...              intercept=0.0, join_bar=0.5, merge_bar=0.8)
>>> round(d.probability(np.array([1.0, 0.0])), 3)
0.881
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from storyline.stories.evidence import FEATURES

SHIPPED = "decision.json"  # the model trained on every labelled set


@dataclass(frozen=True, slots=True)
class Decision:
    """A logistic model over evidence rows, with the bars a join and a merge must clear."""

    names: tuple[str, ...]  # the evidence features, in order (must match evidence.FEATURES)
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    join_bar: float
    merge_bar: float
    trained_on: tuple[str, ...] = ()  # the data sets it was fitted on
    # A story splits when the evidence between two groups of its members is below this
    # share of the evidence within them (storyline.stories.members); None: never split.
    split_ratio: float | None = None
    _arrays: tuple = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        n = len(self.names)
        if not (len(self.mean) == len(self.scale) == len(self.coef) == n):
            raise ValueError(f"decision model: {n} features but {len(self.coef)} weights")
        object.__setattr__(self, "_arrays", (np.array(self.mean), np.array(self.scale),
                                             np.array(self.coef)))

    def probability(self, row: np.ndarray) -> float:
        """P(same story) for one evidence row."""
        mean, scale, coef = self._arrays
        logit = float(np.dot((row - mean) / scale, coef)) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, logit))))

    def to_json(self) -> dict:
        return {"names": list(self.names), "mean": list(self.mean),
                "scale": list(self.scale), "coef": list(self.coef),
                "intercept": self.intercept, "join_bar": self.join_bar,
                "merge_bar": self.merge_bar, "trained_on": list(self.trained_on),
                "split_ratio": self.split_ratio}

    @classmethod
    def from_json(cls, data: dict) -> Decision:
        decision = cls(names=tuple(data["names"]), mean=tuple(data["mean"]),
                       scale=tuple(data["scale"]), coef=tuple(data["coef"]),
                       intercept=float(data["intercept"]), join_bar=float(data["join_bar"]),
                       merge_bar=float(data["merge_bar"]),
                       trained_on=tuple(data.get("trained_on", ())),
                       split_ratio=data.get("split_ratio"))
        if decision.names != FEATURES:
            raise ValueError("decision model: its features are not this storyline's "
                             "(rebuild it: python -m storyline.evaluate.train_stories)")
        return decision

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")


def model_name(without: Sequence[str] = ()) -> str:
    """The file of the decision fitted without the sets ``without``.

    >>> model_name(), model_name(["multinews", "duc2003"])
    ('decision.json', 'decision-without-duc2003-multinews.json')
    """
    return f"decision-without-{'-'.join(sorted(without))}.json" if without else "decision.json"


def models_dir() -> Path:
    """The folder of shipped decision models inside the package."""
    return Path(str(resources.files("storyline.stories") / "models"))


@cache
def load(name: str = SHIPPED) -> Decision:
    """A shipped decision model by file name (default: the one trained on every set)."""
    path = models_dir() / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: decision model not found (rebuild it: "
                                "python -m storyline.evaluate.train_stories)") from None
    return Decision.from_json(data)


__all__ = ["SHIPPED", "Decision", "load", "model_name", "models_dir"]
