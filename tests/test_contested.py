"""A summary balances a figure only against what other outlets said the same day."""

from __future__ import annotations

from datetime import datetime

import pytest

from storyline.analyze.pipeline import analyze
from storyline.digest.candidates import build_pool
from storyline.digest.contested import contested_figures, counter_statements
from storyline.model import Article


def article(aid: str, source: str, day: int, text: str) -> Article:
    return Article(text=text, id=aid, source=source, published=datetime(2025, 3, day, 12))


@pytest.fixture(scope="module")
def pools():
    lead = "Floods hit the lakeside towns of Brandon and Millbrook after days of heavy rain."
    same_day = analyze([
        article("a", "Harbor Ledger", 11, f"{lead} At least 18 people were killed in the "
                "flood, the emergency service said."),
        article("b", "Meridian Post", 11, f"{lead} Twenty-five people were killed in the "
                "flood, the governor's office said."),
    ])
    days_apart = analyze([
        article("c", "Harbor Ledger", 10, f"{lead} At least 18 people were killed in the "
                "flood, the emergency service said."),
        article("d", "Meridian Post", 15, f"{lead} Twenty-three people were killed in the "
                "flood, according to the final police list."),
    ])
    return build_pool(same_day), build_pool(days_apart)


def test_two_outlets_with_two_tolls_on_one_day_are_balanced(pools):
    pool, _ = pools
    contested = contested_figures(pool)
    assert len(contested) == 1
    [by_value] = contested.values()
    assert set(by_value) == {18.0, 25.0}
    k = by_value[18.0][0]
    importance = [1.0] * len(pool)
    assert counter_statements(importance, k, [], contested) == by_value[25.0][:1]


def test_a_toll_that_rose_over_days_is_no_dispute(pools):
    _, pool = pools
    assert contested_figures(pool) == {}


@pytest.mark.slow  # groups and digests the demo corpus (~20 s)
def test_the_demo_flood_summary_is_not_a_list_of_tolls(demo_stories):
    """Read as a reader: the flood story's summary was nine counts (every toll and every
    missing figure, each pulling in the others). Disputes are one day's rival values, and a
    sentence whose values another chosen one states too is a repetition."""
    import re

    import storyline as sl

    _, stories = demo_stories
    flood = next(s for s in stories if "Lake Harmon" in s.title)
    summary = [c.text for c in sl.digest(flood).summary]
    counts = [t for t in summary
              if re.search(r"\b(killed|died|dead|missing|death toll)\b", t)]
    assert len(summary) >= 4 and len(counts) <= len(summary) // 2 + 1, summary
    # Nor is a sentence every word of which the others say ("The governor's office said on
    # Tuesday that 25 people died." beside two sentences giving the governor's 25).
    words = [set(re.findall(r"[a-z0-9]+", t.lower())) - _FUNCTION for t in summary]
    for i, own in enumerate(words):
        others = set().union(*(w for j, w in enumerate(words) if j != i))
        assert own - others, summary[i]


_FUNCTION = set("the a an of on in at to that and or by for with was were is are has had "
                "have be been".split())
