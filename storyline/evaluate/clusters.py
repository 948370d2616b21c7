"""Labelled event clusters from ../shared/data, in the order a stream would deliver them.

- DUC 2003 (30 TDT events of 1998, 298 articles): publication order.
- Multi-News validation (250 groups, no dates): a fixed shuffled order (seeded).
- Both pooled: the two streams interleaved at random (seeded), each keeping its own order.

Each loader returns ``LabelledArticles``: articles and their gold cluster, ids unique.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from storyline.errors import EvaluationError
from storyline.model import Article

SEED = 20260101


@dataclass(slots=True)
class LabelledArticles:
    name: str
    articles: list[Article] = field(default_factory=list)
    gold: dict[str, str] = field(default_factory=dict)  # article id -> cluster label

    @property
    def n_clusters(self) -> int:
        return len(set(self.gold.values()))


class MissingData(EvaluationError):
    """The evaluation data is not where it was looked for."""


def duc2003(data: Path) -> LabelledArticles:
    """DUC 2003 task 2 documents, pooled, in publication order."""
    from storyline.ingest.datasets import read_duc_folder

    folder = Path(data) / "duc2003" / "docs"
    if not folder.is_dir():
        raise MissingData(f"{folder}: DUC 2003 documents not found")
    articles = _articles(read_duc_folder(folder))
    articles.sort(key=lambda a: (a.published is None, a.published or 0, a.id))
    return _labelled("DUC 2003", articles, prefix="duc:")


def multinews(data: Path, seed: int = SEED) -> LabelledArticles:
    """Multi-News validation groups, pooled, in a fixed shuffled order (no dates)."""
    from storyline.ingest.datasets import read_multinews

    path = Path(data) / "multi_news" / "validation.csv"
    if not path.is_file():
        raise MissingData(f"{path}: Multi-News validation file not found")
    articles = _articles(read_multinews(path))
    random.Random(seed).shuffle(articles)
    return _labelled("Multi-News", articles, prefix="mn:")


def pooled(parts: list[LabelledArticles], seed: int = SEED) -> LabelledArticles:
    """The streams interleaved at random; each keeps its own order."""
    rng = random.Random(seed)
    queues = [list(p.articles) for p in parts]
    order: list[Article] = []
    positions = [0] * len(queues)
    remaining = sum(len(q) for q in queues)
    while remaining:
        pick = rng.randrange(remaining)
        for k, queue in enumerate(queues):
            left = len(queue) - positions[k]
            if pick < left:
                order.append(queue[positions[k]])
                positions[k] += 1
                break
            pick -= left
        remaining -= 1
    gold: dict[str, str] = {}
    for part in parts:
        gold.update(part.gold)
    return LabelledArticles(" + ".join(p.name for p in parts), order, gold)


def _articles(items: Iterable) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]


def _labelled(name: str, articles: list[Article], prefix: str) -> LabelledArticles:
    out = LabelledArticles(name)
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:  # the same text in two groups: keep both, apart
            article.id = f"{article.id}-{len(seen)}"
        seen.add(article.id)
        out.articles.append(article)
        out.gold[article.id] = prefix + str(article.extra["cluster"])
    return out


def duc2006(data: Path) -> LabelledArticles:
    """DUC 2006 topic clusters (50 topics, 25 articles each), in publication order.

    Topics are subjects followed for months or years, not single events: weak labels.
    """
    from storyline.ingest.datasets import read_duc_folder

    folder = Path(data) / "duc2006" / "docs"
    if not folder.is_dir():
        raise MissingData(f"{folder}: DUC 2006 documents not found")
    articles = _articles(read_duc_folder(folder))
    articles.sort(key=lambda a: (a.published is None, a.published or 0, a.id))
    return _labelled("DUC 2006", articles, prefix="duc6:")


def timeline17(data: Path, per_folder: int = 24, seed: int = SEED) -> LabelledArticles:
    """A fixed sample of Timeline17 (``per_folder`` articles of each topic-outlet folder),
    in publication order, labelled by topic ("bpoil", "H1N1", ...): coarse labels, since
    one topic holds many events over months."""
    from storyline.ingest.datasets import read_timeline17

    folder = Path(data) / "timeline17"
    if not folder.is_dir():
        raise MissingData(f"{folder}: Timeline17 not found")
    rng = random.Random(seed)
    articles: list[Article] = []
    for topic in sorted(p for p in folder.iterdir() if (p / "InputDocs").is_dir()):
        items = _articles(read_timeline17(topic))
        picked = rng.sample(items, min(per_folder, len(items)))
        for article in picked:
            article.extra["cluster"] = topic.name.rsplit("_", 1)[0].lower()
        articles.extend(picked)
    articles.sort(key=lambda a: (a.published is None, a.published or 0, a.id))
    return _labelled("Timeline17", articles, prefix="t17:")
