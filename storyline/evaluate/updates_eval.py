"""A visible protocol for update summaries, built from DUC clusters split by date.

Each cluster's articles are sorted by publication time and split at the median: the earlier
half is what the reader has seen, the later half what is new (a day is never split; a
cluster whose articles all share one day is left out). Every system writes a 100-word
summary of the later part, cut at the budget as DUC does, and is scored on:

- ``new R2``: ROUGE-2 recall against the human summaries of the whole cluster, counting
  only the reference bigrams that occur in the later part's articles and nowhere in the
  earlier part: the part of what the assessors found important that only the later articles
  can tell;
- ``R2``: plain ROUGE-2 recall against the same human summaries (for orientation);
- ``old``: the share of the summary's bigrams (stemmed; bigrams of two stop words left out)
  that already occur in the earlier part: what the reader is told again (lower is better);
- ``update``: ``new R2 * (1 - old)``, one number to rank by.

Systems, all in the same run on the same analyses: ``storyline-update`` (earlier articles
marked seen), ``storyline-later`` (the later part summarized as if nothing had been read),
``lead-later`` (the first sentences of the later part's first article), and
``storyline-update-cli`` (as ``storyline summarize --words 100`` prints it: never over the
budget, no last sentence cut).

Tokens are rouge-score's (lowercased, Porter-stemmed), so ``R2`` equals ``eval summarize``'s.

>>> from datetime import datetime, UTC
>>> from storyline.model import Article
>>> day = lambda d: datetime(2024, 1, d, tzinfo=UTC)
>>> early, late = split_by_date([Article(text="a", id=str(d), published=day(d))
...                              for d in (1, 2, 2, 3)])
>>> [a.id for a in early], [a.id for a in late]
(['1'], ['2', '2', '3'])
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.evaluate.baselines import fill_budget, lead
from storyline.evaluate.rouge import Scores, truncate_words
from storyline.model import Article

WORDS = 100
SYSTEMS = ("storyline-update", "storyline-later", "lead-later", "storyline-update-cli")


def split_by_date(articles: Sequence[Article]) -> tuple[list[Article], list[Article]]:
    """(earlier, later) halves by publication day; ([], all) when no split day exists.

    The split day is the median article's day: articles of that day and after are later
    (when that leaves the earlier part empty, the next day is tried).
    """
    dated = sorted((a for a in articles if a.published), key=lambda a: a.published)
    days = sorted({a.published.date() for a in dated})
    if len(days) < 2:
        return [], list(articles)
    median = dated[len(dated) // 2].published.date()
    if median == days[0]:
        median = days[1]
    early = [a for a in dated if a.published.date() < median]
    later = [a for a in dated if a.published.date() >= median]
    return early, later


@dataclass(slots=True)
class CaseScores:
    """One system's scores on one cluster (fractions, not percent)."""

    new_r2: float
    r2: float
    old: float
    words: int

    @property
    def update(self) -> float:
        return self.new_r2 * (1.0 - self.old)


@dataclass(slots=True)
class Report:
    """Mean scores per system over the clusters of one data set."""

    name: str
    clusters: int = 0
    scores: dict[str, list[CaseScores]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def rows(self) -> list[dict]:
        """One row per system: means in percent (``max_words``: the longest summary)."""
        out = []
        for system, found in self.scores.items():
            n = len(found) or 1
            out.append({
                "system": system,
                "new_rouge2": round(100 * sum(s.new_r2 for s in found) / n, 2),
                "rouge2": round(100 * sum(s.r2 for s in found) / n, 2),
                "old": round(100 * sum(s.old for s in found) / n, 2),
                "update": round(100 * sum(s.update for s in found) / n, 2),
                "max_words": max((s.words for s in found), default=0),
                "seconds": round(self.seconds.get(system, 0.0), 1),
            })
        return out


def tokens(text: str) -> list[str]:
    """rouge-score's tokens: lowercased, Porter-stemmed words."""
    return _tokenizer().tokenize(text)


@lru_cache(maxsize=1)
def _tokenizer():
    from rouge_score import tokenizers

    return tokenizers.DefaultTokenizer(use_stemmer=True)


def bigram_counts(text: str) -> Counter:
    words = tokens(text)
    return Counter(zip(words, words[1:], strict=False))


def _content(pair: tuple[str, str]) -> bool:
    return not (pair[0] in ENGLISH_STOP_WORDS and pair[1] in ENGLISH_STOP_WORDS)


def score_case(summary: str, references: Sequence[str], early: Sequence[Article],
               later: Sequence[Article]) -> CaseScores:
    """The scores of one later-part summary (already cut at the budget)."""
    early_pairs: set = set()
    for a in early:
        early_pairs |= set(bigram_counts(a.text))
    later_pairs: set = set()
    for a in later:
        later_pairs |= set(bigram_counts(a.text))
    mine = bigram_counts(summary)
    recalls = []
    for ref in references:
        wanted = Counter({p: n for p, n in bigram_counts(ref).items()
                          if p in later_pairs and p not in early_pairs})
        total = sum(wanted.values())
        if total:
            recalls.append(sum(min(n, mine[p]) for p, n in wanted.items()) / total)
    content = [p for p in mine.elements() if _content(p)]
    old = sum(p in early_pairs for p in content) / len(content) if content else 0.0
    r2 = Scores.of(summary, references).r2.recall if summary.strip() else 0.0
    return CaseScores(sum(recalls) / len(recalls) if recalls else 0.0, r2, old,
                      len(summary.split()))


def summaries(analyzed: Sequence[AnalyzedArticle], early_ids: set[str],
              words: int = WORDS) -> dict[str, tuple[str, float]]:
    """Each system's summary text of the later part, and the seconds it took."""
    from storyline.digest.updates import update_summary

    later = [a for a in analyzed if a.article.id not in early_ids]
    makers: dict[str, Callable[[], str]] = {
        "storyline-update": lambda: " ".join(
            c.text for c in update_summary(analyzed, early_ids, words=words, fill=True)),
        "storyline-later": lambda: " ".join(
            c.text for c in update_summary(later, set(), words=words, fill=True)),
        "lead-later": lambda: " ".join(fill_budget(lead(later), words)),
        "storyline-update-cli": lambda: " ".join(
            c.text for c in update_summary(analyzed, early_ids, words=words)),
    }
    out = {}
    for name, make in makers.items():
        started = time.perf_counter()
        text = make()
        out[name] = (text, time.perf_counter() - started)
    return out


def evaluate(name: str, cases: Iterable[tuple[str, Sequence[AnalyzedArticle], Sequence[str]]],
             *, words: int = WORDS, on_cluster: Callable[[int], None] | None = None) -> Report:
    """Score every system on analyzed clusters ``(id, analyzed, references)``."""
    report = Report(name, scores={s: [] for s in SYSTEMS}, seconds={s: 0.0 for s in SYSTEMS})
    for _cluster_id, analyzed, references in cases:
        early, later = split_by_date([a.article for a in analyzed])
        if early and later:
            early_ids = {a.id for a in early}
            for system, (text, seconds) in summaries(analyzed, early_ids, words).items():
                cut = truncate_words(text, words)
                report.scores[system].append(score_case(cut, references, early, later))
                report.seconds[system] += seconds
            report.clusters += 1
        if on_cluster:
            on_cluster(1)
    return report
