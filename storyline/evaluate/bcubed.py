"""Clustering metrics: B-cubed and pairwise precision, recall and F1.

B-cubed (Bagga & Baldwin 1998; Amigó et al. 2009) averages, over items, the precision and
recall of the item's predicted cluster against its true cluster. Pairwise scores count pairs
of items put together.

>>> gold = {"a": 1, "b": 1, "c": 2}
>>> bcubed({"a": "x", "b": "x", "c": "x"}, gold).recall
1.0
>>> round(bcubed({"a": "x", "b": "x", "c": "x"}, gold).precision, 3)
0.556
>>> pairwise({"a": "x", "b": "y", "c": "z"}, gold)
PRF(precision=1.0, recall=0.0, f1=0.0)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping

from storyline.evaluate.prf import PRF

Scores = PRF  # B-cubed and pairwise scores are plain precision, recall and F1


def bcubed(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> Scores:
    """B-cubed scores of ``predicted`` (item -> cluster) against ``gold`` (same items)."""
    items = _common(predicted, gold)
    if not items:
        return Scores(0.0, 0.0, 0.0)
    pred_size = Counter(predicted[i] for i in items)
    gold_size = Counter(gold[i] for i in items)
    both = Counter((predicted[i], gold[i]) for i in items)
    precision = sum(both[(predicted[i], gold[i])] / pred_size[predicted[i]] for i in items)
    recall = sum(both[(predicted[i], gold[i])] / gold_size[gold[i]] for i in items)
    return Scores.of(precision / len(items), recall / len(items))


def pairwise(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> Scores:
    """Precision and recall over pairs of items put in one cluster."""
    items = _common(predicted, gold)

    def pairs(counts: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    together = pairs(Counter((predicted[i], gold[i]) for i in items))
    pred_pairs = pairs(Counter(predicted[i] for i in items))
    gold_pairs = pairs(Counter(gold[i] for i in items))
    precision = together / pred_pairs if pred_pairs else 1.0
    recall = together / gold_pairs if gold_pairs else 1.0
    return Scores.of(precision, recall)


def clusters_of(assignment: Mapping[str, Hashable]) -> list[list[str]]:
    """The clusters of an assignment, as sorted lists of items (for comparing partitions)."""
    groups: dict[Hashable, list[str]] = defaultdict(list)
    for item, cluster in assignment.items():
        groups[cluster].append(item)
    return sorted(sorted(g) for g in groups.values())


def _common(predicted: Mapping, gold: Mapping) -> list[str]:
    missing = [i for i in gold if i not in predicted]
    if missing:
        raise ValueError(f"{len(missing)} labelled items have no predicted cluster "
                         f"(first: {missing[0]})")
    return list(gold)
