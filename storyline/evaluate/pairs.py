"""Labelled article pairs from ../shared/data: same story or not.

- SemEval 2022 task 8 (English-English pairs): "Overall" 1-1.5 = same story, 3-4 = not
  (the ones between are left out).
- FNC-1: a headline and an article body, "unrelated" = about another story; agree,
  disagree and discuss = the same story. A fixed seeded sample (one of each per body).

>>> Pair(Article(text="a", id="1"), Article(text="b", id="2"), True).same
True
"""

from __future__ import annotations

import csv
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from storyline.evaluate.clusters import SEED, MissingData
from storyline.model import Article


@dataclass(frozen=True, slots=True)
class Pair:
    first: Article
    second: Article
    same: bool


def semeval2022(data: Path) -> list[Pair]:
    """English-English SemEval 2022 task 8 training pairs with a clear label."""
    path = Path(data) / "semeval2022_task8" / "training_set.csv"
    if not path.is_file():
        raise MissingData(f"{path}: SemEval 2022 task 8 training set not found")
    csv.field_size_limit(sys.maxsize)
    out = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["lang1"] != "en" or row["lang2"] != "en":
                continue
            overall = float(row["Overall"])
            if 1.5 < overall < 3.0:
                continue
            a = Article(text=row["text1"].strip(), id=f"se:{row['pair_id']}:1")
            b = Article(text=row["text2"].strip(), id=f"se:{row['pair_id']}:2")
            if a.text and b.text:
                out.append(Pair(a, b, overall <= 1.5))
    return out


def fnc1(data: Path, bodies: int = 150, seed: int = SEED) -> list[Pair]:
    """A sample of FNC-1: for ``bodies`` article bodies, one related and one unrelated
    headline each (the headline is the second "article": a title with no more text)."""
    folder = Path(data) / "fnc1"
    if not (folder / "train_stances.csv").is_file():
        raise MissingData(f"{folder}: FNC-1 training data not found")
    csv.field_size_limit(sys.maxsize)
    with open(folder / "train_bodies.csv", newline="", encoding="utf-8") as handle:
        texts = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}
    related: dict[str, list[str]] = {}
    unrelated: dict[str, list[str]] = {}
    with open(folder / "train_stances.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            side = unrelated if row["Stance"] == "unrelated" else related
            side.setdefault(row["Body ID"], []).append(row["Headline"])
    rng = random.Random(seed)
    ids = sorted(b for b in texts if b in related and b in unrelated and texts[b].strip())
    out = []
    for body in rng.sample(ids, min(bodies, len(ids))):
        article = Article(text=texts[body].strip(), id=f"fnc:{body}")
        for same, heads in ((True, related[body]), (False, unrelated[body])):
            head = rng.choice(heads)
            out.append(Pair(article, Article(text=head, title=head,
                                             id=f"fnc:{body}:{int(same)}"), same))
    return out
