"""Run the standalone check (:mod:`storyline.evaluate.standalone`) over what storyline shows.

For each visible data set, the sentences of storyline's outputs as the other evaluations
make them:

- DUC 2003 / DUC 2006 / Multi-News: each cluster's summary (``summarize(..., words=budget,
  fill=True)``, as ``storyline eval summarize`` scores it) and its timeline from the same
  analyses (10 dates, 1 sentence each, as a story digest builds it);
- Timeline17: each task's timeline, with the topic keyword and without a query (as
  ``storyline eval timeline`` runs them, from plain articles).

>>> report = Report()
>>> report.tally("duc", "summary").add("He left."); report.total().failing
['pronoun']
1
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storyline.evaluate.standalone import Tally

SUMMARY_WORDS = {"duc": 100, "duc2006": 250, "multinews": 260}
TIMELINE_DATES, TIMELINE_PER_DATE = 10, 1
LABELS = {"duc": "DUC 2003", "duc2006": "DUC 2006", "multinews": "Multi-News",
          "timeline17": "Timeline17"}


@dataclass(slots=True)
class Report:
    """Tallies per (data set, output), e.g. ``("duc", "summary")``."""

    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)
    clusters: dict[str, int] = field(default_factory=dict)

    def tally(self, dataset: str, output: str) -> Tally:
        return self.tallies.setdefault((dataset, output), Tally())

    def of_dataset(self, dataset: str) -> Tally:
        total = Tally()
        for (name, _), t in self.tallies.items():
            if name == dataset:
                total.merge(t)
        return total

    def total(self) -> Tally:
        total = Tally()
        for t in self.tallies.values():
            total.merge(t)
        return total

    def as_dict(self) -> dict:
        datasets = list(dict.fromkeys(name for name, _ in self.tallies))
        return {
            "overall": self.total().as_dict(),
            "datasets": {name: {"clusters": self.clusters.get(name, 0),
                                "all": self.of_dataset(name).as_dict(),
                                "outputs": {out: t.as_dict() for (n, out), t in
                                            self.tallies.items() if n == name}}
                         for name in datasets},
        }


def read_together(citations: Sequence, texts: dict[str, str]) -> list[tuple[str, int]]:
    """The summary as a reader meets it: an entry that directly follows the one before it in
    the same article (nothing but white space between) is read with it, as one text (a
    two-sentence unit, :mod:`storyline.digest.units`). Each text comes with the number of
    entries it holds.

    >>> from storyline.model import Citation
    >>> text = "Mayor Ann Lee toured the town. She promised a bridge. Rain fell."
    >>> read_together([Citation(text[:30], "a", 0, 30, ["a"]),
    ...                Citation(text[31:53], "a", 31, 53, ["a"]),
    ...                Citation("Rain fell.", "b", 0, 10, ["b"])], {"a": text, "b": "Rain fell."})
    [('Mayor Ann Lee toured the town. She promised a bridge.', 2), ('Rain fell.', 1)]
    """
    out: list[tuple[str, int]] = []
    previous = None
    for c in citations:
        text = texts.get(c.article_id, "")
        if (previous is not None and previous.article_id == c.article_id
                and previous.end <= c.start and not text[previous.end:c.start].strip()):
            joined, count = out[-1]
            out[-1] = (joined + text[previous.end:c.start] + c.text, count + 1)
        else:
            out.append((c.text, 1))
        previous = c
    return out


def check_clusters(report: Report, dataset: str,
                   analyzed_groups: Iterable[Sequence], *, words: int,
                   on_cluster: Callable[[], None] | None = None) -> None:
    """Summary and timeline sentences of each analyzed cluster into ``report``."""
    from storyline.digest.summary import summarize
    from storyline.digest.timeline import build_timeline

    for analyzed in analyzed_groups:
        report.clusters[dataset] = report.clusters.get(dataset, 0) + 1
        summary = report.tally(dataset, "summary")
        texts = {a.article.id: a.article.text for a in analyzed}
        for text, count in read_together(summarize(analyzed, words=words, fill=True), texts):
            summary.add(text, sentences=count)
        timeline = report.tally(dataset, "timeline")
        # As the digest does (compose._timeline): no timeline when nothing is dated.
        if any(a.article.published or a.analysis.times for a in analyzed):
            for entry in build_timeline(analyzed, dates=TIMELINE_DATES,
                                        per_date=TIMELINE_PER_DATE):
                for citation in entry.sentences:
                    timeline.add(citation.text)
        if on_cluster:
            on_cluster()


def check_timeline17(report: Report, path: Path, *, limit: int | None = None,
                     on_task: Callable[[str], None] | None = None) -> None:
    """Timeline17 timelines, keyword and no query, into ``report``."""
    from storyline.evaluate.timeline17 import (
        load_tasks,
        storyline_no_query_system,
        storyline_system,
    )

    for number, task in enumerate(load_tasks(path)):
        if limit is not None and number >= limit:
            break
        report.clusters["timeline17"] = report.clusters.get("timeline17", 0) + 1
        for output, system in (("timeline (keyword)", storyline_system),
                               ("timeline (no query)", storyline_no_query_system)):
            tally = report.tally("timeline17", output)
            for sentences in system(task).values():
                for text in sentences:
                    tally.add(text)
        if on_task:
            on_task(task.name)


def analyzed_groups(cases: Sequence, *, workers: int = 1,
                    cache_dir: Path | None = None) -> Iterator[list]:
    """The analyses of each case's articles (kept in ``cache_dir`` when given)."""
    from storyline.analyze.pipeline import analyze_groups, workers_for

    workers = workers_for(sum(len(c.articles) for c in cases), workers)
    groups = (case.articles for case in cases)
    if cache_dir is not None:
        from storyline.analyze.file_cache import FileCache

        yield from FileCache(cache_dir).analyze_groups(groups, workers=workers)
    else:
        yield from analyze_groups(groups, workers=workers)
