"""Piles of snippets built from labelled clusters, to measure how storyline groups a pile.

A pile here is one sentence of each article of a data set (a fixed random choice among its
first ten sentences of 8 to 60 words), all lines of one pile, labelled with the article's
cluster: DUC 2003 events, DUC 2006 topics, Timeline17 topics. Each data set is split into
its tuning and reporting parts (``splits``); the grouping threshold was chosen on DUC 2003's
tuning part alone, so every other row is held out.

>>> from storyline.model import Article
>>> from storyline.evaluate.clusters import LabelledArticles
>>> lab = LabelledArticles("t", [Article(text="Rain fell on the town all day long today. "
...                                          "It stopped.", id="a")], {"a": "t:1"})
>>> [(a.text, a.extra["pile"]) for a in pile_of(lab).articles]
[('Rain fell on the town all day long today.', 't')]
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from storyline.evaluate.bcubed import bcubed
from storyline.evaluate.clusters import LabelledArticles
from storyline.evaluate.prf import PRF
from storyline.evaluate.splits import TIMELINE17_TOPICS, part
from storyline.model import Article
from storyline.stories import snippets
from storyline.stories.cluster import cluster_bulk
from storyline.stories.features import ArticleFeatures
from storyline.text.sentences import split_sentences

SEED = 20261203
MIN_WORDS, MAX_WORDS = 8, 60
THRESHOLDS = (0.10, 0.15, 0.20, 0.25, 0.30, 0.40)  # the sweep shown beside the result


def pile_of(lab: LabelledArticles, seed: int = SEED) -> LabelledArticles:
    """One sentence per article of ``lab`` as a line of one pile (articles without a
    sentence of the right length are left out)."""
    rng = random.Random(seed)
    out = LabelledArticles(lab.name)
    for article in lab.articles:
        lines = [text for _, _, text in split_sentences(article.text or "")[:10]
                 if MIN_WORDS <= len(text.split()) <= MAX_WORDS]
        if not lines:
            continue
        snippet = Article(text=rng.choice(lines), id=article.id, extra={"pile": lab.name})
        out.articles.append(snippet)
        out.gold[article.id] = lab.gold[article.id]
    return out


@dataclass(slots=True)
class Row:
    part: str
    system: str
    scores: PRF
    stories: int
    lines: int

    def to_json(self) -> dict:
        return {"part": self.part, "system": self.system, "stories": self.stories,
                "lines": self.lines, "precision": round(self.scores.precision, 4),
                "recall": round(self.scores.recall, 4), "f1": round(self.scores.f1, 4)}


def evaluate(pile: LabelledArticles,
             featurize: Callable[[Sequence[Article]], list[ArticleFeatures]]) -> list[Row]:
    """storyline's grouping of each part of ``pile`` beside the baselines of the same run:
    the online decision alone (no pile grouping: storyline before piles), every line alone,
    all lines as one story, and the threshold sweep of the average-link grouping alone
    (small groups not attached to larger ones)."""
    features = featurize(pile.articles)
    rows: list[Row] = []
    for which in ("tuning", "reporting"):
        chosen = [f for f in features if part(_unit(pile.gold[f.id])) == which]
        if not chosen:
            continue
        gold = {f.id: pile.gold[f.id] for f in chosen}

        def row(system: str, stories: dict[str, str], which=which, gold=gold) -> None:
            rows.append(Row(which, system, bcubed(stories, gold), len(set(stories.values())),
                            len(gold)))

        row("storyline", cluster_bulk(chosen))
        row("online decision, no pile grouping",
            cluster_bulk([replace(f, pile=None) for f in chosen]))
        row("every line alone", {f.id: f.id for f in chosen})
        row("all lines one story", {f.id: "one" for f in chosen})
        sims = snippets.similarity(chosen)
        for threshold in THRESHOLDS:
            groups = snippets.average_link_groups(sims, threshold)
            row(f"grouping alone at {threshold:.2f}",
                {chosen[i].id: str(g[0]) for g in groups for i in g})
    return rows


def _unit(label: str) -> str:
    """The split unit of a gold label ("duc:D30003" -> "D30003"; "t17:h1n1" -> "H1N1", the
    topic as ``splits`` spells it)."""
    unit = label.split(":", 1)[1]
    return next((t for t in TIMELINE17_TOPICS if t.lower() == unit), unit)


__all__ = ["Row", "evaluate", "pile_of"]
