"""The FNC-1 training data (Fake News Challenge, stage 1) and the splits fixed in code.

``train_bodies.csv`` (``Body ID``, ``articleBody``) and ``train_stances.csv``
(``Headline``, ``Body ID``, ``Stance``) are read at run time from ``../shared/data/fnc1``;
nothing of them is in the repository.

Two held-out parts, both fixed here so every run sets aside the same pairs:
- **by body** (``split_by_body``): a fifth of the bodies, with every pair they are in; no
  body is in both parts. Claims (headlines) recur across parts, as in the challenge's own
  development split.
- **by topic** (``split_by_topic``): the claims and bodies joined by related pairs form
  topics (about 190); a fifth of the topics is held out, and pairs that would join a
  held-out topic to a training one are dropped. Nothing of a held-out topic is seen in
  training, as in the competition test, whose topics are new.
"""

from __future__ import annotations

import csv
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from storyline.errors import EvaluationError

LABELS = ("agree", "disagree", "discuss", "unrelated")
HELD_OUT_FRACTION = 0.2
SEED = 20170601  # any fixed number: the split must not change from run to run


@dataclass(frozen=True, slots=True)
class Pair:
    claim: str
    body_id: str
    label: str


@dataclass(slots=True)
class Fnc1:
    bodies: dict[str, str]
    pairs: list[Pair]


class Fnc1Error(EvaluationError, ValueError):
    """The folder does not hold the FNC-1 training files."""


def read_fnc1(folder: Path) -> Fnc1:
    """Bodies and labelled pairs; raises ``Fnc1Error`` naming what is missing or wrong."""
    bodies_path, stances_path = folder / "train_bodies.csv", folder / "train_stances.csv"
    for path in (bodies_path, stances_path):
        if not path.is_file():
            raise Fnc1Error(f"{path}: not found (expected the FNC-1 training files)")
    csv.field_size_limit(sys.maxsize)
    with open(bodies_path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"Body ID", "articleBody"} <= set(rows[0]):
        raise Fnc1Error(f"{bodies_path}: expected columns 'Body ID' and 'articleBody'")
    bodies = {r["Body ID"]: r["articleBody"] for r in rows}
    with open(stances_path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"Headline", "Body ID", "Stance"} <= set(rows[0]):
        raise Fnc1Error(f"{stances_path}: expected columns 'Headline', 'Body ID', 'Stance'")
    pairs = []
    for n, r in enumerate(rows, start=2):
        if r["Stance"] not in LABELS or r["Body ID"] not in bodies:
            raise Fnc1Error(f"{stances_path}:{n}: unknown stance or body id")
        pairs.append(Pair(r["Headline"], r["Body ID"], r["Stance"]))
    return Fnc1(bodies, pairs)


def split_by_body(data: Fnc1) -> tuple[list[Pair], list[Pair]]:
    """(training, held-out): a fixed fifth of the bodies with all their pairs held out."""
    ids = sorted(data.bodies, key=lambda x: (len(x), x))
    held = set(random.Random(SEED).sample(ids, round(len(ids) * HELD_OUT_FRACTION)))
    return ([p for p in data.pairs if p.body_id not in held],
            [p for p in data.pairs if p.body_id in held])


def topics(data: Fnc1) -> dict[str, int]:
    """Topic number of every claim (``"h:" + headline``) and body (``"b:" + id``).

    A topic is a connected set of claims and bodies joined by related (not "unrelated")
    pairs; a claim or body in no related pair is a topic of its own.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in data.pairs:
        a, b = find("h:" + p.claim), find("b:" + p.body_id)
        if p.label != "unrelated" and a != b:
            parent[a] = b
    roots = sorted({find(x) for x in list(parent)})
    number = {r: i for i, r in enumerate(roots)}
    return {x: number[find(x)] for x in list(parent)}


def split_by_topic(data: Fnc1) -> tuple[list[Pair], list[Pair]]:
    """(training, held-out) with a fixed fifth of the topics held out, no topic in both."""
    topic = topics(data)
    sizes = Counter(topic["b:" + p.body_id] for p in data.pairs if p.label != "unrelated")
    ranked = sorted(sizes, key=lambda t: (-sizes[t], t))
    held = set(random.Random(SEED).sample(ranked, round(len(ranked) * HELD_OUT_FRACTION)))
    train, test = [], []
    for p in data.pairs:
        a, b = topic["h:" + p.claim] in held, topic["b:" + p.body_id] in held
        if a and b:
            test.append(p)
        elif not a and not b:
            train.append(p)
    return train, test


def label_counts(pairs: list[Pair]) -> dict[str, int]:
    counts = Counter(p.label for p in pairs)
    return {label: counts.get(label, 0) for label in LABELS}
