"""storyline's errors: one base class, one subclass per stage.

Every error storyline raises on purpose is a :class:`storyline.Error`, with a message of one
line that names the input and the problem (never a command-line flag it cannot know of).
Catch ``storyline.Error`` to handle them all; the ``storyline`` command turns one into a
line on stderr and an exit status (``storyline.cli.app.main``).

Stages and their classes (a subclass keeps its own name and message):

- reading inputs, :class:`InputError`: ``storyline.read`` and ingest (``TooLarge``,
  ``UnsafeURL``, ``TooSlow``, ``StrictStop``, the ``stance`` command's ``PairError``)
- the store, :class:`StoreError`: opening or writing the store (``StoreBusy``)
- analysis, :class:`AnalysisError`: a model file that cannot be used (``ModelFileError``)
- digests, :class:`DigestError`: ``StoryNotFound``, a story given without its articles
- evaluation, :class:`EvaluationError`: ``MissingData``, ``MetricUnavailable``, ``Fnc1Error``
- serving, :class:`ServeError`: the web server cannot listen on its address
- usage, :class:`UsageError`: a wrong option or parameter value (``UserError`` of the
  command line, ``BadParameter`` of the HTTP API)

The classes that predate this module keep their names, messages and import paths
(``InputError`` is also ``storyline.ingest.records.InputError``, ``StoreError``
``storyline.store.errors.StoreError``, ``ServeError`` ``storyline.serve.server.ServeError``)
and still derive from what they derived from (``StoryNotFound`` is a ``LookupError``,
``ModelFileError`` a ``ValueError``), so code that catches those goes on working.

>>> issubclass(InputError, Error) and issubclass(StoreError, Error)
True
>>> try:
...     raise InputError("news.csv: not UTF-8")
... except Error as exc:
...     print(type(exc).__name__, exc)
InputError news.csv: not UTF-8
"""

from __future__ import annotations


class Error(Exception):
    """Base class of every error storyline raises on purpose (a one-line message)."""


class InputError(Error):
    """A whole input cannot be read at all (one line for the user)."""

    reason = "unreadable input"  # the skip reason an ingest counts it under


class StoreError(Error):
    """The store cannot be opened or used (a one-line reason for the user)."""


class AnalysisError(Error):
    """The analysis cannot run: a model or its file is missing or unusable."""


class DigestError(Error):
    """A digest cannot be built: no such story, or a story without its articles."""


class EvaluationError(Error):
    """An evaluation cannot run: its data set or its metric is not available."""


class ServeError(Error):
    """The web server cannot start (an address in use, one that cannot be bound)."""


class UsageError(Error):
    """A wrong option or parameter value, from the command line or an HTTP request."""


__all__ = ["AnalysisError", "DigestError", "Error", "EvaluationError", "InputError",
           "ServeError", "StoreError", "UsageError"]
