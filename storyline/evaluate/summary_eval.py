"""Score storyline's summaries and the baselines on the same clusters with the same protocol.

Protocol (one for every system): each system orders sentences by preference, sentences are
taken until the word budget is reached, and the summary is cut at the budget before
scoring (ROUGE-1.5.5 ``-l``). storyline's summarizer selects under the budget and may add
one last sentence that runs over it (``fill=True``), exactly like the baselines.

>>> Setting("duc", 100, "recall").label
'DUC recall@100'
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.evaluate.baselines import BASELINES, fill_budget
from storyline.evaluate.rouge import Scores, mean, truncate_words

SYSTEM = "storyline"


@dataclass(frozen=True, slots=True)
class Setting:
    """How one data set is scored: its word budget and the ROUGE statistic reported."""

    name: str
    words: int
    kind: str  # "recall" (DUC) or "f1" (Multi-News)

    @property
    def label(self) -> str:
        names = {"duc": "DUC", "multinews": "Multi-News"}
        return f"{names.get(self.name, self.name)} {self.kind}@{self.words}"


@dataclass(slots=True)
class Result:
    """Mean ROUGE of each system over the clusters (percent), and seconds spent per system."""

    setting: Setting
    clusters: int = 0
    scores: dict[str, list[Scores]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def table(self) -> list[tuple[str, float, float, float, float]]:
        """Rows (system, R1, R2, RL, seconds), storyline first, then the baselines."""
        rows = []
        for system, scores in self.scores.items():
            r1, r2, rl = mean(scores, self.setting.kind)
            rows.append((system, r1, r2, rl, self.seconds.get(system, 0.0)))
        return rows

    def best_baseline(self, measure: int = 2) -> tuple[str, float]:
        """The baseline with the highest ROUGE-``measure`` (1, 2; 3 = L)."""
        rows = [r for r in self.table() if r[0] != SYSTEM]
        best = max(rows, key=lambda r: r[measure])
        return best[0], best[measure]


def summary_text(analyzed: Sequence[AnalyzedArticle], words: int) -> str:
    """storyline's summary of one cluster as plain text for scoring."""
    from storyline.digest.summary import summarize

    return " ".join(c.text for c in summarize(analyzed, words=words, fill=True))


def evaluate(cases: Iterable[tuple[str, Sequence[AnalyzedArticle], Sequence[str]]],
             setting: Setting, *, systems: Sequence[str] | None = None,
             on_cluster: Callable[[int], None] | None = None) -> Result:
    """Score storyline and the baselines on analyzed clusters ``(id, analyzed, references)``."""
    names = list(systems) if systems else [SYSTEM, *BASELINES]
    result = Result(setting, scores={n: [] for n in names}, seconds={n: 0.0 for n in names})
    for _cluster_id, analyzed, references in cases:
        for name in names:
            started = time.perf_counter()
            if name == SYSTEM:
                text = summary_text(analyzed, setting.words)
            else:
                text = " ".join(fill_budget(BASELINES[name](analyzed), setting.words))
            result.seconds[name] += time.perf_counter() - started
            text = truncate_words(text, setting.words)
            result.scores[name].append(Scores.of(text, references))
        result.clusters += 1
        if on_cluster:
            on_cluster(1)
    return result
