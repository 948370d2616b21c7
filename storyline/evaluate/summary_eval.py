"""Score storyline's summaries and the baselines on the same clusters with the same protocol.

Protocol (one for every system): each system orders sentences by preference, sentences are
taken until the word budget is reached, and the summary is cut at the budget before
scoring (ROUGE-1.5.5 ``-l``). storyline's summarizer selects under the budget and may add
one last sentence that runs over it (``fill=True``), exactly like the baselines.

>>> Setting("duc", 100, "recall").label
'DUC 2003 recall@100'
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
    rouge155: bool = False  # score with ROUGE-1.5.5 as DUC ran it (rouge-score otherwise)
    baselines: tuple[str, ...] | None = None  # which baselines run (None: all of them)

    @property
    def label(self) -> str:
        names = {"duc": "DUC 2003", "duc2006": "DUC 2006", "multinews": "Multi-News"}
        tool = " (ROUGE-1.5.5, jackknifed)" if self.rouge155 else ""
        return f"{names.get(self.name, self.name)} {self.kind}@{self.words}{tool}"


@dataclass(slots=True)
class Result:
    """Mean ROUGE of each system over the clusters (percent), and seconds spent per system."""

    setting: Setting
    clusters: int = 0
    scores: dict[str, list[Scores]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)  # cluster ids, in the order scored
    texts: dict[str, list[str]] = field(default_factory=dict)  # system -> cut summaries
    references: list[Sequence[str]] = field(default_factory=list)

    def table(self, part: str | None = None) -> list[tuple[str, float, float, float, float]]:
        """Rows (system, R1, R2, RL, seconds), storyline first, then the baselines.

        ``part`` ("tuning" or "reporting", :mod:`storyline.evaluate.splits`): only those
        clusters; with ROUGE-1.5.5 the third column is ROUGE-SU4 instead of ROUGE-L.
        """
        keep = self.part_indexes(part)
        if self.setting.rouge155:
            return self._table155(keep)
        rows = []
        for system, scores in self.scores.items():
            r1, r2, rl = mean([scores[i] for i in keep], self.setting.kind)
            rows.append((system, r1, r2, rl, self.seconds.get(system, 0.0)))
        return rows

    def part_indexes(self, part: str | None) -> list[int]:
        """Positions of the clusters of ``part`` (all with None)."""
        from storyline.evaluate.splits import part as part_of

        return [i for i, cid in enumerate(self.ids) if part is None or part_of(cid) == part]

    def _table155(self, keep: list[int]) -> list[tuple[str, float, float, float, float]]:
        from storyline.evaluate.rouge155 import duc_recall

        if not keep:
            return [(system, 0.0, 0.0, 0.0, self.seconds.get(system, 0.0))
                    for system in self.texts]
        peers = {system: [texts[i] for i in keep] for system, texts in self.texts.items()}
        scores = duc_recall(peers, [self.references[i] for i in keep], words=self.setting.words)
        return [(system, 100 * s["rouge1"], 100 * s["rouge2"], 100 * s["rougesu4"],
                 self.seconds.get(system, 0.0)) for system, s in scores.items()]

    def best_baseline(self, measure: int = 2, part: str | None = None,
                      rows: list | None = None) -> tuple[str, float]:
        """The baseline with the highest ROUGE-``measure`` (1, 2; 3 = L)."""
        rows = [r for r in (rows or self.table(part)) if r[0] != SYSTEM]
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
    names = list(systems) if systems else [SYSTEM, *(setting.baselines or BASELINES)]
    result = Result(setting, scores={n: [] for n in names}, seconds={n: 0.0 for n in names},
                    texts={n: [] for n in names})
    for cluster_id, analyzed, references in cases:
        for name in names:
            started = time.perf_counter()
            if name == SYSTEM:
                text = summary_text(analyzed, setting.words)
            else:
                text = " ".join(fill_budget(BASELINES[name](analyzed), setting.words))
            result.seconds[name] += time.perf_counter() - started
            text = truncate_words(text, setting.words)
            result.texts[name].append(text)
            if not setting.rouge155:
                result.scores[name].append(Scores.of(text, references))
        result.ids.append(cluster_id)
        result.references.append(list(references))
        result.clusters += 1
        if on_cluster:
            on_cluster(1)
    return result
