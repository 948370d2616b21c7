"""Tuning and reporting parts of every evaluation set, fixed in code.

Anything learned or tuned (sentence and concept weights, date scoring, settings) may look at
the *tuning* part only; the *reporting* part is the result. The rule is the same for every
data set and depends on nothing but a name: a unit (a DUC topic, a Multi-News cluster, a
Timeline17 topic) is for tuning when the SHA-1 of its name is even. Timeline17 is split by
topic, not by outlet folder (``bpoil_bbc`` and ``bpoil_guardian`` are one topic, ``bpoil``),
so no reporting task shares its events with a tuning task.

>>> part("D30003"), part("D30005")
('reporting', 'tuning')
>>> timeline17_topic("bpoil_washingtonpost"), timeline17_part("bpoil_bbc")
('bpoil', 'tuning')
>>> sorted(t for t in TIMELINE17_TOPICS if timeline17_part(t) == "tuning")
['EgyptianProtest', 'Finan', 'LibyaWar', 'bpoil', 'haiti']
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

TUNING = "tuning"
REPORTING = "reporting"
PARTS = (TUNING, REPORTING)

# The eight visible topics (for the doctest above and the documentation; the rule does not
# need the list, so a new topic simply falls on one side).
TIMELINE17_TOPICS = ("EgyptianProtest", "Finan", "H1N1", "IraqWar", "LibyaWar", "MJ", "bpoil",
                     "haiti")

T = TypeVar("T")


def part(name: str) -> str:
    """``"tuning"`` or ``"reporting"`` for a unit called ``name`` (a topic or cluster id).

    Multi-News cluster ids carry the file stem (``validation:17``); only the row number
    decides, so the split is the same whatever the file is called.
    """
    key = name.rsplit(":", 1)[-1] if ":" in name else name
    digest = hashlib.sha1(key.encode("utf-8")).digest()
    return TUNING if digest[-1] % 2 == 0 else REPORTING


def timeline17_topic(folder: str) -> str:
    """The topic of a Timeline17 folder: its name before the outlet (``H1N1_bbc`` -> ``H1N1``)."""
    return re.sub(r"_[^_]+$", "", folder) if "_" in folder else folder


def timeline17_part(folder: str) -> str:
    """The part a Timeline17 topic folder (or task ``<folder>/<file>``) belongs to."""
    return part(timeline17_topic(folder.split("/", 1)[0]))


def split(items: Iterable[T], key: Callable[[T], str] = str,
          rule: Callable[[str], str] = part) -> dict[str, list[T]]:
    """``{"tuning": [...], "reporting": [...]}``, each in the order given.

    >>> split(["D30003", "D30005"])
    {'tuning': ['D30005'], 'reporting': ['D30003']}
    """
    out: dict[str, list[T]] = {name: [] for name in PARTS}
    for item in items:
        out[rule(key(item))].append(item)
    return out


def tuning_only(items: Sequence[T], key: Callable[[T], str] = str,
                rule: Callable[[str], str] = part) -> list[T]:
    """The items a learned or tuned part may see."""
    return split(items, key, rule)[TUNING]
