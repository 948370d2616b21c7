"""Logging for the ``storyline`` command, set up once by its ``-v/--verbose`` option.

The package's modules log to loggers under ``storyline`` (``storyline.read``,
``storyline.digest``, ...); the command shows their warnings, with ``-v`` what they do and
with ``-vv`` the details, on stderr (stdout carries only the result).

>>> setup(1).level == logging.INFO and setup(0).level == logging.WARNING
True
>>> len([h for h in logging.getLogger("storyline").handlers if isinstance(h, StderrHandler)])
1
"""

from __future__ import annotations

import logging
import sys

LEVELS = (logging.WARNING, logging.INFO, logging.DEBUG)


class StderrHandler(logging.StreamHandler):
    """Writes to the ``sys.stderr`` of the moment (a test runner swaps it per command)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # StreamHandler.__init__ sets it; stderr is looked up
        pass


def verbosity() -> int:
    """The number of ``-v`` the ``storyline`` logger's level stands for (0 when not set up).

    >>> setup(2) and verbosity(), setup(0) and verbosity()
    (2, 0)
    """
    level = logging.getLogger("storyline").level
    return max((i for i, known in enumerate(LEVELS) if level and level <= known), default=0)


def setup(verbosity: int = 0) -> logging.Logger:
    """Set the ``storyline`` logger's level for ``verbosity`` (the number of ``-v``) and give
    it one stderr handler (a second call changes the level only). Returns the logger."""
    logger = logging.getLogger("storyline")
    logger.setLevel(LEVELS[max(0, min(verbosity, len(LEVELS) - 1))])
    if not any(isinstance(h, StderrHandler) for h in logger.handlers):
        handler = StderrHandler()
        handler.setFormatter(logging.Formatter("storyline: %(levelname)s: %(message)s"))
        logger.addHandler(handler)
    return logger
