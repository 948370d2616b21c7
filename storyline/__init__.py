"""storyline: turn a stream of news articles from many outlets into stories.

In a few lines (each stage is the one ``storyline ingest``, ``stories`` and ``show`` run):

>>> import storyline as sl
>>> articles = sl.read(["news.jsonl", "feeds/"])  # doctest: +SKIP
>>> stories = sl.group(articles)                    # doctest: +SKIP
>>> sl.digest(stories[0]).to_json()["summary"]      # doctest: +SKIP

or with a store that keeps them (``storyline.Store("news.db")``: ``ingest``, ``stories``,
``digest``). Every error it raises on purpose is a ``storyline.Error``
(``storyline.errors``). Importing the package is cheap: the stages load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from storyline.errors import (
    AnalysisError,
    DigestError,
    Error,
    EvaluationError,
    InputError,
    ServeError,
    StoreError,
    UsageError,
)
from storyline.model import Article, Citation, Digest

if TYPE_CHECKING:
    from storyline import digest
    from storyline.api import Store, Story, group, read

__version__ = "0.1.0"

__all__ = ["AnalysisError", "Article", "Citation", "Digest", "DigestError", "Error",
           "EvaluationError", "InputError", "ServeError", "Store", "StoreError", "Story",
           "UsageError", "__version__", "digest", "group", "read"]

_FROM_API = {"Store", "Story", "group", "read"}


def __getattr__(name: str) -> Any:
    """The public calls, imported on first use (``import storyline`` loads no stage)."""
    if name in _FROM_API:
        return getattr(importlib.import_module("storyline.api"), name)
    if name == "digest":  # the storyline.digest package, which is callable
        return importlib.import_module("storyline.digest")
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
