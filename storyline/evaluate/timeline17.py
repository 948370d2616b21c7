"""Timeline17 as evaluation tasks, with the news-tls protocol.

One task per reference timeline (``<topic>/timelines/*.txt``): the input is the topic's
articles published within the reference's first and last date; a system may give
``L`` = the number of reference dates and ``K`` = the mean number of sentences per
reference date (rounded), and its sentences should mention the topic keyword
(``keywords.json``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from storyline.ingest.datasets import read_timeline17
from storyline.model import Article

SEPARATOR = "-" * 32


@dataclass(slots=True)
class Task:
    """One reference timeline and the articles of its topic in its date range."""

    topic: str  # folder name ("bpoil_bbc")
    name: str  # "<topic>/<timeline file stem>"
    keywords: list[str]
    reference: dict[date, list[str]]
    articles: list[Article] = field(default_factory=list)

    @property
    def start(self) -> date:
        return min(self.reference)

    @property
    def end(self) -> date:
        return max(self.reference)

    @property
    def dates(self) -> int:
        """L: how many dates the reference has."""
        return len(self.reference)

    @property
    def per_date(self) -> int:
        """K: mean sentences per reference date, rounded (at least 1)."""
        sizes = [len(s) for s in self.reference.values()]
        return max(1, round(sum(sizes) / len(sizes)))


def read_reference(path: Path) -> dict[date, list[str]]:
    """A tilse-format timeline: a ``YYYY-MM-DD`` line, sentences, a line of 32 dashes.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.txt"
    >>> _ = p.write_text("2010-09-19\\nA happened .\\nB too .\\n" + SEPARATOR + "\\n")
    >>> read_reference(p)
    {datetime.date(2010, 9, 19): ['A happened .', 'B too .']}
    """
    out: dict[date, list[str]] = {}
    day: date | None = None
    lines: list[str] = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if line == SEPARATOR:
            if day is not None and lines:
                out.setdefault(day, []).extend(lines)
            day, lines = None, []
            continue
        try:
            day = date.fromisoformat(line) if len(line) == 10 else _not_a_date(line)
        except ValueError:
            if line:
                lines.append(line)
    if day is not None and lines:
        out.setdefault(day, []).extend(lines)
    return out


def _not_a_date(line: str) -> date:
    raise ValueError(line)


def topics(path: Path) -> list[Path]:
    """Topic folders under ``path`` (or ``path`` itself when it is one)."""
    if (path / "InputDocs").is_dir():
        return [path]
    return sorted(p for p in path.iterdir() if (p / "InputDocs").is_dir())


def load_tasks(path: Path, *, only: list[str] | None = None) -> Iterator[Task]:
    """Every task of a Timeline17 folder, topic by topic (``only``: these topic names)."""
    for topic in topics(path):
        if only and topic.name not in only:
            continue
        keywords_file = topic / "keywords.json"
        keywords = json.loads(keywords_file.read_text()) if keywords_file.exists() else []
        articles = [a for a in read_timeline17(topic) if isinstance(a, Article)]
        for file in sorted((topic / "timelines").glob("*.txt")):
            reference = read_reference(file)
            if not reference:
                continue
            task = Task(topic=topic.name, name=f"{topic.name}/{file.stem}",
                        keywords=[str(k) for k in keywords], reference=reference)
            task.articles = [a for a in articles if a.published_date
                             and task.start <= a.published_date <= task.end]
            yield task


# -- systems ----------------------------------------------------------------------------------

Predicted = dict[date, list[str]]


def storyline_system(task: Task) -> Predicted:
    """storyline's timeline (:func:`storyline.digest.timeline.build_timeline`)."""
    from storyline.digest.timeline import build_timeline

    entries = build_timeline(task.articles, dates=task.dates, per_date=task.per_date,
                             since=task.start, until=task.end,
                             query=" ".join(task.keywords) or None)
    return {e.date: [c.text for c in e.sentences] for e in entries}


def storyline_no_query_system(task: Task) -> Predicted:
    """storyline's timeline without the topic keyword (as a user who gives no ``--query``)."""
    from storyline.digest.timeline import build_timeline

    entries = build_timeline(task.articles, dates=task.dates, per_date=task.per_date,
                             since=task.start, until=task.end)
    return {e.date: [c.text for c in e.sentences] for e in entries}


def storyline_articles_only_system(task: Task) -> Predicted:
    """storyline given the articles alone: no keyword and no date range (``storyline
    timeline ARTICLES.jsonl --dates L --per-date K``; the range is then its own default,
    :func:`storyline.digest.timeline.event_range`)."""
    from storyline.digest.timeline import build_timeline

    entries = build_timeline(task.articles, dates=task.dates, per_date=task.per_date)
    return {e.date: [c.text for c in e.sentences] for e in entries}


def most_published_system(task: Task) -> Predicted:
    """The L days with the most articles published; each day's first article leads."""
    from collections import Counter

    from storyline.text.sentences import split_sentences

    by_day: dict[date, list[Article]] = {}
    for a in task.articles:
        by_day.setdefault(a.published_date, []).append(a)
    counts = Counter({d: len(v) for d, v in by_day.items()})
    out: Predicted = {}
    for day, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:task.dates]:
        leads = []
        for article in by_day[day]:
            for _, _, text in split_sentences(article.text):
                if len(text.split()) >= 6:
                    leads.append(text)
                    break
            if len(leads) >= task.per_date:
                break
        if leads:
            out[day] = leads
    return out


def random_system(task: Task, seed: int = 42) -> Predicted:
    """L random publication days, K random sentences published on each (seeded)."""
    import random

    from storyline.text.sentences import split_sentences

    rng = random.Random(f"{seed}:{task.name}")
    by_day: dict[date, list[str]] = {}
    for a in task.articles:
        by_day.setdefault(a.published_date, []).extend(
            text for _, _, text in split_sentences(a.text) if len(text.split()) >= 6)
    days = sorted(d for d, sents in by_day.items() if sents)
    out: Predicted = {}
    for day in rng.sample(days, min(task.dates, len(days))):
        out[day] = rng.sample(by_day[day], min(task.per_date, len(by_day[day])))
    return out


SYSTEMS = {
    "storyline": storyline_system,
    "storyline-noquery": storyline_no_query_system,
    "storyline-alone": storyline_articles_only_system,
    "most-published": most_published_system,
    "random": random_system,
}


# -- the evaluation -----------------------------------------------------------------------------


@dataclass(slots=True)
class TaskResult:
    """Every system's scores on one task (and how long each took to build its timeline)."""

    name: str
    dates: int
    per_date: int
    articles: int
    scores: dict  # system name -> storyline.evaluate.tls.TimelineScores
    seconds: dict[str, float]


def run_evaluation(path: Path, *, only: list[str] | None = None, systems=None,
                   progress=None) -> list[TaskResult]:
    """All tasks under ``path``, every system, scored with :func:`storyline.evaluate.tls.evaluate`.

    ``progress(message)`` (optional) hears about each task as it is done.
    """
    import time

    from storyline.evaluate import tls

    systems = systems or SYSTEMS
    results = []
    for task in load_tasks(path, only=only):
        predicted, seconds = {}, {}
        for name, system in systems.items():
            started = time.perf_counter()
            predicted[name] = system(task)
            seconds[name] = time.perf_counter() - started
        scores = tls.evaluate([(predicted[name], task.reference) for name in systems])
        results.append(TaskResult(task.name, task.dates, task.per_date, len(task.articles),
                                  dict(zip(systems, scores, strict=True)), seconds))
        if progress:
            progress(f"{task.name}: done")
    return results
