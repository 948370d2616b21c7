"""Scoring stance predictions as the FNC-1 literature does, and the simple baselines.

- *macro-F1*: the mean of the four per-class F1 scores (Hanselowski et al. 2018 argue it is
  the fair measure: the FNC score rewards guessing "discuss");
- *FNC score* (relative): 0.25 for each pair whose related/unrelated call is right, 0.75 more
  when a related pair's stance is right, divided by the score of the gold labels.

>>> gold = ["agree", "unrelated", "disagree", "discuss"]
>>> round(fnc_score(gold, ["agree", "unrelated", "discuss", "unrelated"]), 3)  # 1.5 / 3.25
0.462
>>> round(f1_scores(gold, gold)["macro"], 3)
1.0
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyline.stance.features import Term, Vocabulary
from storyline.stance.fnc1 import LABELS, Fnc1, Pair, topics
from storyline.stance.text import stems

UNRELATED = "unrelated"


@dataclass(slots=True)
class Scores:
    macro_f1: float
    per_class: dict[str, float]
    fnc: float
    accuracy: float
    pairs: int

    def to_json(self) -> dict:
        return {"macro_f1": round(self.macro_f1, 4),
                "per_class_f1": {k: round(v, 4) for k, v in self.per_class.items()},
                "fnc_relative": round(self.fnc, 4), "accuracy": round(self.accuracy, 4),
                "pairs": self.pairs}


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """The FNC-1 score of ``predicted``, relative to the best possible."""

    def raw(a: Sequence[str], b: Sequence[str]) -> float:
        total = 0.0
        for g, p in zip(a, b, strict=True):
            if (g == UNRELATED) == (p == UNRELATED):
                total += 0.25
            if g != UNRELATED and g == p:
                total += 0.75
        return total

    best = raw(gold, gold)
    return raw(gold, predicted) / best if best else 0.0


def f1_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """F1 of each class and their mean (``"macro"``)."""
    out = {}
    for label in LABELS:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p == label != g)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label != p)
        out[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    out["macro"] = sum(out[label] for label in LABELS) / len(LABELS)
    return out


def score(gold: Sequence[str], predicted: Sequence[str]) -> Scores:
    f1 = f1_scores(gold, predicted)
    right = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    return Scores(f1.pop("macro"), f1, fnc_score(gold, predicted),
                  right / len(gold) if gold else 0.0, len(gold))


def majority(train: Sequence[Pair], test: Sequence[Pair]) -> list[str]:
    """Every pair gets the most common training stance."""
    label = Counter(p.label for p in train).most_common(1)[0][0]
    return [label] * len(test)


def cosine_threshold(data: Fnc1, train: Sequence[Pair], test: Sequence[Pair]) -> list[str]:
    """TF-IDF cosine of claim and text above a threshold = related, labelled with the most
    common related stance; the vocabulary and threshold are fitted on ``train`` alone
    (the threshold that gets most training pairs' related/unrelated call right)."""
    vocab = Vocabulary.fit([data.bodies[b] for b in sorted({p.body_id for p in train})]
                           + sorted({p.claim for p in train}))
    vectors: dict[str, dict[Term, float]] = {}

    def cosines(pairs: Sequence[Pair]) -> np.ndarray:
        out = []
        for p in pairs:
            body = vectors.get(p.body_id)
            if body is None:
                body = vectors[p.body_id] = vocab.vector(vocab.content(
                    stems(data.bodies[p.body_id])))
            claim = vocab.vector(vocab.content(stems(p.claim)))
            out.append(sum(w * body.get(i, 0.0) for i, w in claim.items()))
        return np.asarray(out)

    train_cos = cosines(train)
    related = np.array([p.label != UNRELATED for p in train])
    candidates = np.unique(np.round(train_cos, 3))
    right = [((train_cos >= t) == related).sum() for t in candidates]
    threshold = float(candidates[int(np.argmax(right))]) if len(candidates) else math.inf
    stance = Counter(p.label for p in train if p.label != UNRELATED).most_common(1)[0][0]
    return [stance if c >= threshold else UNRELATED for c in cosines(test)]


def topic_folds(data: Fnc1, k: int = 3) -> list[tuple[list[Pair], list[Pair]]]:
    """(training, held-out) for each of ``k`` folds of whole topics (fixed by topic number).

    A pair whose claim and body lie in different folds' topics (an "unrelated" pair across
    folds) trains every fold that holds neither and is tested in none.
    """
    topic = topics(data)
    sizes = Counter(topic["b:" + p.body_id] for p in data.pairs if p.label != UNRELATED)
    fold_of: dict[int, int] = {}
    loads = [0] * k
    for t in sorted(sizes, key=lambda t: (-sizes[t], t)):  # biggest first, to the lightest
        fold = loads.index(min(loads))
        fold_of[t] = fold
        loads[fold] += sizes[t]
    out = []
    for fold in range(k):
        train, test = [], []
        for p in data.pairs:
            a = fold_of.get(topic["h:" + p.claim], -1) == fold
            b = fold_of.get(topic["b:" + p.body_id], -1) == fold
            if a and b:
                test.append(p)
            elif not a and not b:
                train.append(p)
        out.append((train, test))
    return out
