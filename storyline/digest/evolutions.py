"""How a story's counts changed: a count told as its evolution over days.

A count of a counted event (killed, injured, missing, arrested, displaced) that rises from
day to day is told as its evolution ("people killed: at least 9 on 2 May → 17 on 3 May →
22 on 4 May"), in ``Digest.disagreements`` with kind ``"evolution"``. Precision first: a
news story holds many counts of one kind (each incident's, each town's, a century-old
pandemic's), and an "evolution" through several of them tells the reader something false;
so a step is taken only where the reports of its day agree and the count rises, within a
week and at most 5x, told as a running count ("rose to", "has now confirmed", "have
fled"), not tied to one day's incident ("killed in Monday's clashes") nor moving to
another place (Mexico's confirmed deaths, then the world's). Read on Timeline17
stories: docs/results/stance.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest.disagreements import (
    COUNTED_EVENTS,
    REPORTED,
    Reading,
    comparable,
    day_label,
    describe,
    one_value_articles,
    outlet_names,
    read_figures,
    readable,
    sentence_citation,
)
from storyline.digest.settings import SETTINGS
from storyline.model import Disagreement


def evolutions(analyzed: Sequence[AnalyzedArticle], limit: int = SETTINGS.max_evolution,
               readings: dict[tuple, list[Reading]] | None = None) -> list[Disagreement]:
    """Counts of counted events that change from day to day, told in order of days."""
    readings = read_figures(analyzed) if readings is None else readings
    found = []
    for quantity, rows in readings.items():
        if quantity[0] not in COUNTED_EVENTS or quantity[2] is not None \
                or not comparable(quantity):
            continue
        steps = _steps([r for r in rows if r.day is not None and readable(analyzed, r)
                        and not _incident_bound(analyzed, r)],
                       lambda r: _running_toll(analyzed, r), lambda r: _places(analyzed, r))
        dated = [r for _, day_rows in steps for r in day_rows]
        values = [r.figure.value for r in dated]
        if len(steps) < 2 or len({r.article for r in dated}) < 2 \
                or max(values) / min(values) > SETTINGS.evolution_ratio:
            continue  # a "toll" from 3 to 100 million counts several things
        most = SETTINGS.max_steps
        shown = steps if len(steps) <= most else steps[:most - 1] + steps[-1:]
        parts, statements = [], []
        for day, day_rows in shown:
            values = sorted({r.figure.value for r in day_rows})
            labels = []
            for v in values:
                first = min((r for r in day_rows if r.figure.value == v),
                            key=lambda r: (r.article, r.sentence))
                labels.append(first.figure.label())
            first = min(day_rows, key=lambda r: (r.article, r.sentence))
            statements.append(sentence_citation(analyzed, first.article, first.sentence,
                                        sorted({r.article for r in day_rows})))
            parts.append(f"{' or '.join(labels)} on {day_label(day)} "
                         f"(per {', '.join(outlet_names(analyzed, day_rows))})")
        found.append((len(dated), Disagreement(
            "evolution", f"{describe(quantity).capitalize()}, as reported over time: "
            + " → ".join(parts), statements, outlet_names(analyzed, dated))))
    found.sort(key=lambda pair: -pair[0])
    return [d for _, d in found[:limit]]


def _steps(dated: Sequence[Reading], running: Callable[[Reading], bool],
           places: Callable[[Reading], set[str]]) -> list[tuple[date, list[Reading]]]:
    """The days on which a count was reported with one value (up to rounding:
    ``SETTINGS.step_ratio``), in order, each a step only when the value changed. An article
    giving several values that day, and a day whose reports differ more, tell no step."""
    by_day: dict[date, list[Reading]] = defaultdict(list)
    for r in dated:
        by_day[r.day].append(r)
    steps: list[tuple[date, list[Reading]]] = []
    for day in sorted(by_day):
        single = one_value_articles(by_day[day])
        day_rows = [r for r in by_day[day] if r.article in single]
        values = {r.figure.value for r in day_rows}
        if not values or max(values) / min(values) > SETTINGS.step_ratio:
            continue
        if steps and values == {r.figure.value for r in steps[-1][1]}:
            continue  # the same count again: not a step
        steps.append((day, day_rows))
    return _longest_rise(steps, running, places)


# Words of a running count ("the toll rose to 17", "has now confirmed 25", "have fled"):
# a later figure told without them ("ten were killed in the shelling") is another count.
_RUNNING = re.compile(r"\b(?:toll|total|count|tally|so far|now|rose|risen|rises|climbed|"
                      r"climbs|reached|has|have)\b", re.I)


def _running_toll(analyzed: Sequence[AnalyzedArticle], r: Reading) -> bool:
    return bool(_RUNNING.search(r.text(analyzed)))


def _incident_bound(analyzed: Sequence[AnalyzedArticle], r: Reading) -> bool:
    """Does the figure's sentence tie it to a day's incident ("five were killed in Monday's
    clashes")? Then it is that incident's count, not the story's running toll; a day the
    figure was only reported on ("officials said on Sunday") does not tie it."""
    item = analyzed[r.article]
    s = item.analysis.sentences[r.sentence]
    text = item.article.text
    return any(s.start <= t.start < s.end and isinstance(t.value, str) and len(t.value) == 10
               and not REPORTED.search(text[s.start:t.start]) for t in item.analysis.times)


_WORLD = re.compile(r"\b(?:global\w*|worldwide|world)\b", re.I)


def _places(analyzed: Sequence[AnalyzedArticle], r: Reading) -> set[str]:
    """The places a figure's sentence names ("world" for a global count)."""
    item = analyzed[r.article]
    s = item.analysis.sentences[r.sentence]
    found = {e.text.lower() for e in item.analysis.entities
             if e.label in ("GPE", "LOC") and s.start <= e.start < s.end}
    if _WORLD.search(r.text(analyzed)):
        found.add("world")
    return found


def _longest_rise(steps: list[tuple[date, list[Reading]]], running: Callable[[Reading], bool],
                  places: Callable[[Reading], set[str]]) -> list[tuple[date, list[Reading]]]:
    """The longest run of steps in which the count rises, each within a week of the one
    before and told as a running count. A count reported lower later, far higher, weeks
    later or as one incident's is more often another count (an earlier incident, another
    town) than the same one moving: left out rather than misread."""
    runs: list[list[tuple[date, list[Reading]]]] = []
    for day, day_rows in steps:
        run = runs[-1] if runs else None
        if run and (day - run[-1][0]).days <= SETTINGS.step_days:
            if _continues(run[-1][1], day_rows, running, places):
                run.append((day, day_rows))
            continue  # lower than the last step, or far above it: not this count's
        runs.append([(day, day_rows)])
    return max(runs, key=len, default=[])


def _continues(before: list[Reading], after: list[Reading], running: Callable[[Reading], bool],
               places: Callable[[Reading], set[str]]) -> bool:
    """Is the step ``after`` the count of the step ``before`` moving on: higher, at most
    ``SETTINGS.step_rise`` times, told as a running count, and not of another place
    (Mexico's, then the world's)?"""
    last = max(r.figure.value for r in before)
    if not last < min(r.figure.value for r in after) <= last * SETTINGS.step_rise \
            or not any(map(running, after)):
        return False
    where, was = set().union(*map(places, after)), set().union(*map(places, before))
    return not (where and was and not where & was)
