"""Readers for the summarization evaluation sets: clusters of articles with human summaries.

- DUC (2003/2004 task 2 layout): ``docs/<dNNNNNt>/<DOCNO>`` SGML articles and
  ``models/DNNNNN.M.100.T.<A-J>[.html]`` plain-text human summaries (100 words).
- Multi-News CSV: ``documents`` (a list of article texts) and ``summary`` (starts "– ").

Each yields ``SummaryCase`` objects; the data itself is read at run time, never shipped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storyline.ingest.datasets import iter_csv_rows, read_duc_folder, read_multinews
from storyline.model import Article

_MODEL_NAME = re.compile(r"^(D\d+)[A-Z]?\.M\.\d+\.[A-Z]\.([A-Z])(?:\.html?)?$", re.I)


@dataclass(slots=True)
class SummaryCase:
    """One cluster: its articles (in the data set's order) and its reference summaries."""

    id: str
    articles: list[Article] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


def duc_cases(root: Path, *, limit: int | None = None) -> list[SummaryCase]:
    """DUC clusters that have both articles and at least one model summary.

    ``root`` holds ``docs/`` and ``models/``. Clusters are sorted by id.
    """
    docs, models = root / "docs", root / "models"
    if not docs.is_dir() or not models.is_dir():
        raise FileNotFoundError(f"{root}: expected docs/ and models/ folders")
    references: dict[str, list[str]] = defaultdict(list)
    for path in sorted(models.iterdir()):
        match = _MODEL_NAME.match(path.name)
        if match and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            references[match.group(1).upper()].append(" ".join(text.split()))
    clusters: dict[str, list[Article]] = defaultdict(list)
    for item in read_duc_folder(docs):
        if isinstance(item, Article):
            clusters[_duc_key(item.extra.get("cluster", ""))].append(item)
    cases = [SummaryCase(key, clusters[key], references[key])
             for key in sorted(clusters) if references.get(key)]
    return cases[:limit] if limit else cases


def _duc_key(folder: str) -> str:
    """``d30003t`` -> ``D30003`` (the models' cluster name)."""
    match = re.match(r"^(d\d+)", folder, re.I)
    return match.group(1).upper() if match else folder.upper()


def multinews_cases(path: Path, *, limit: int | None = None) -> list[SummaryCase]:
    """Multi-News rows as cases ``<stem>:<row>``, the leading "– " cut from the summary."""
    summaries = dict(_multinews_summaries(path))
    clusters: dict[str, list[Article]] = defaultdict(list)
    for item in read_multinews(path):
        if isinstance(item, Article):
            clusters[item.extra["cluster"]].append(item)
    cases = [SummaryCase(key, articles, [summaries[key]])
             for key, articles in clusters.items() if summaries.get(key)]
    return cases[:limit] if limit else cases


def _multinews_summaries(path: Path) -> Iterator[tuple[str, str]]:
    for number, row in iter_csv_rows(path):
        if isinstance(row, dict) and row.get("summary"):
            summary = row["summary"].strip()
            summary = re.sub(r"^[–—-]\s*", "", summary)
            yield f"{path.stem}:{number}", summary
