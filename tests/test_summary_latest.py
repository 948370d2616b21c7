"""A story summary says where the story stands now: its latest article's lead competes with
a bonus (``SummaryConfig.latest_bonus``), since the last day's facts are in few articles and
their concepts weigh little."""

from __future__ import annotations

import pytest

from storyline.digest.summary import SummaryConfig, summarize


@pytest.fixture(scope="module")
def dock_strike(demo_stories):
    from storyline.analyze.pipeline import analyze

    articles, stories = demo_stories
    story = next(s for s in stories if "dock strike" in (s.title or "").lower())
    return analyze([a for a in articles if a.id in set(story.articles)])


@pytest.mark.slow  # groups the demo corpus and analyzes one story (~10 s)
def test_the_dock_strike_summary_says_the_strike_ended(dock_strike):
    latest = max(dock_strike, key=lambda a: a.article.published)
    now = summarize(dock_strike, words=120)
    before = summarize(dock_strike, words=120, config=SummaryConfig(latest_bonus=0.0))
    assert any(c.article_id == latest.article.id and "return to work" in c.text for c in now)
    assert not any("return to work" in c.text for c in before)  # what the bonus is for
    assert sum(len(c.text.split()) for c in now) <= 120


@pytest.fixture(scope="module")
def talks(demo_stories):
    from storyline.analyze.pipeline import analyze

    articles, stories = demo_stories
    story = next(s for s in stories if "talks" in (s.title or "").lower()
                 and "Veloria" in (s.title or ""))
    return analyze([a for a in articles if a.id in set(story.articles)])


@pytest.mark.slow  # groups the demo corpus and analyzes one story (~15 s)
def test_the_summary_leaves_out_forecasts_the_story_has_overtaken(talks):
    from storyline.digest.candidates import build_pool, outdated

    pool = build_pool(talks)
    stale = {pool.candidates[i].text for i in outdated(pool).nonzero()[0]}
    # "Tomas Vell ... is expected on Tuesday morning" (17 March), when the story runs to
    # 26 March and tells of the Tuesday itself.
    assert any("is expected on Tuesday" in text for text in stale)
    latest = max(a.article.published_date for a in talks)
    assert all(pool.candidates[i].day < latest for i in outdated(pool).nonzero()[0])
    summary = summarize(talks, words=150)
    assert summary and not any(c.text in stale for c in summary)
