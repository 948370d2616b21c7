"""Timelines on a small story written for these tests (no shared data needed)."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest.timeline import QueryMatcher, build_timeline, prepare, rank_dates
from storyline.digest.timeline_dates import split_sentences
from storyline.model import Analysis, Article, Sentence, TimeExpr


def _story() -> list[Article]:
    """A dam failure told by four outlets over three days (fictional)."""
    texts = [
        ("a1", "2021-03-08", "The Harlow dam collapsed on Saturday after days of heavy rain. "
         "Floodwater reached the town of Meren within hours. "
         "Officials said the reservoir had been full since February."),
        ("a2", "2021-03-08", "The Harlow dam collapsed on Saturday, flooding the valley below. "
         "Rescue crews evacuated four hundred residents of Meren on Sunday. "
         "The regional governor visited the shelters."),
        ("a3", "2021-03-09", "Rescue crews evacuated four hundred residents of Meren on Sunday. "
         "Engineers warned in January that the Harlow dam spillway was cracked. "
         "On Monday the government opened an inquiry into the dam collapse."),
        ("a4", "2021-03-10", "The inquiry into the Harlow dam collapse began hearings on Tuesday. "
         "The Harlow dam collapsed on Saturday, March 6, after record rainfall. "
         "Insurers estimated the damage at forty million euros."),
    ]
    return [Article(id=i, text=t, source=f"outlet{i}", published=datetime.fromisoformat(p))
            for i, p, t in texts]


def test_events_go_on_the_day_the_text_names_not_the_publication_day():
    timeline = build_timeline(_story(), dates=10, per_date=3)
    by_day = {e.date: [c.text for c in e.sentences] for e in timeline}
    collapse = [d for d, texts in by_day.items() if any("collapsed on Saturday" in t
                                                        for t in texts)]
    assert collapse == [date(2021, 3, 6)]  # a Saturday; no article was published that day
    evacuation = [d for d, texts in by_day.items() if any("evacuated" in t for t in texts)]
    assert evacuation == [date(2021, 3, 7)]
    assert date(2021, 3, 6) not in {a.published_date for a in _story()}


def test_the_most_mentioned_day_ranks_first():
    ranked = rank_dates(prepare(_story()))
    assert ranked[0] == date(2021, 3, 6)  # three articles point back at the collapse


def test_limits_and_order():
    for dates, per_date in [(1, 1), (2, 1), (3, 2)]:
        timeline = build_timeline(_story(), dates=dates, per_date=per_date)
        assert 1 <= len(timeline) <= dates
        assert all(1 <= len(e.sentences) <= per_date for e in timeline)
        days = [e.date for e in timeline]
        assert days == sorted(days) and len(set(days)) == len(days)
    assert build_timeline(_story(), dates=0, per_date=2) == []


def test_citations_are_exact_spans_with_corroborating_sources():
    articles = {a.id: a for a in _story()}
    timeline = build_timeline(_story(), dates=10, per_date=3)
    for entry in timeline:
        for c in entry.sentences:
            assert articles[c.article_id].text[c.start:c.end] == c.text
            assert c.sources[0] == c.article_id
            assert len(set(c.sources)) == len(c.sources)
    evacuation = [c for e in timeline for c in e.sentences if "evacuated" in c.text]
    assert evacuation and set(evacuation[0].sources) == {"a2", "a3"}


def test_from_and_to_keep_only_events_in_range():
    timeline = build_timeline(_story(), dates=10, per_date=2, since=date(2021, 3, 7),
                              until=date(2021, 3, 8))
    assert timeline
    assert all(date(2021, 3, 7) <= e.date <= date(2021, 3, 8) for e in timeline)


def test_query_keeps_only_sentences_about_it():
    timeline = build_timeline(_story(), dates=10, per_date=3, query="inquiry")
    texts = [c.text for e in timeline for c in e.sentences]
    assert texts and all("inquiry" in t for t in texts)
    assert build_timeline(_story(), dates=10, per_date=3, query="volcano") == []


def test_sentences_that_repeat_each_other_are_not_both_chosen():
    timeline = build_timeline(_story(), dates=10, per_date=3)
    chosen = [c.text for e in timeline for c in e.sentences]
    assert sum("collapsed on Saturday" in t for t in chosen) == 1


def test_analyzed_articles_use_their_own_sentences_and_times():
    article = Article(id="x", published=datetime(2021, 3, 10),
                      text="Talks failed. The strike started on Monday, workers said.")
    sentences = [Sentence(0, 0, 13, "Talks failed."),
                 Sentence(1, 14, 58, "The strike started on Monday, workers said.")]
    analysis = Analysis("x", "1", sentences=sentences,
                        times=[TimeExpr("last month", 20, 30, "2021-03-05", sentence=1)])
    item = AnalyzedArticle(article, analysis, np.zeros((2, 384), np.float32),
                           np.zeros(384, np.float32))
    [entry] = build_timeline([item], dates=1, per_date=1)
    # The analysis said 2021-03-05: its value wins over the light path's reading (Monday 8th).
    assert entry.date == date(2021, 3, 5)
    analysis.times = []
    [entry] = build_timeline([item], dates=1, per_date=1)
    assert entry.date == date(2021, 3, 8)


def test_a_day_named_in_a_relative_clause_is_a_reference_not_the_sentences_day():
    # The flowers were laid when the article was written, not on the day the dam broke.
    late = Article(id="late", published=datetime(2025, 3, 22),
                   text="Relatives laid flowers along the repaired embankment, where the "
                        "water broke through on March 9.")
    early = [Article(id=f"e{i}", published=datetime(2025, 3, 10),
                     text="The embankment broke on Sunday and the water flooded the town.")
             for i in range(2)]
    collection = prepare([late, *early])
    [flowers] = [s for s in collection.sentences if "flowers" in s.text]
    assert (flowers.day, flowers.mentioned) == (date(2025, 3, 22), False)
    assert flowers.refers == (date(2025, 3, 9),)
    # Its reference still counts for the day: three articles name 9 March.
    assert rank_dates(collection)[0] == date(2025, 3, 9)
    entries = build_timeline([late, *early], dates=3, per_date=2)
    for entry in entries:
        if entry.date == date(2025, 3, 9):
            assert all("flowers" not in c.text for c in entry.sentences)


def test_the_main_clause_day_wins_over_a_relative_clauses():
    text = ("The driver, who was arrested on Monday, appeared in court on Wednesday "
            "in the town of Meren.")
    article = Article(id="c", published=datetime(2021, 3, 12), text=text)
    [sentence] = prepare([article]).sentences
    assert sentence.day == date(2021, 3, 10)  # Wednesday, not Monday the 8th
    assert sentence.refers == (date(2021, 3, 8), date(2021, 3, 10))
    # The analyzed path reads the same clauses from the analysis's times.
    monday, wednesday = text.index("on Monday"), text.index("on Wednesday")
    analysis = Analysis("c", "1", sentences=[Sentence(0, 0, len(text), text)],
                        times=[TimeExpr("on Monday", monday, monday + 9, "2021-03-08", 0),
                               TimeExpr("on Wednesday", wednesday, wednesday + 12,
                                        "2021-03-10", 0)])
    item = AnalyzedArticle(article, analysis, np.zeros((1, 384), np.float32),
                           np.zeros(384, np.float32))
    [analyzed] = prepare([item]).sentences
    assert (analyzed.day, analyzed.refers) == (sentence.day, sentence.refers)


@pytest.mark.parametrize("background", ["despite a dispute over", "amid anger at"])
def test_a_day_in_the_background_phrase_is_not_the_sentences_day(background):
    # The meeting went ahead on the day of the report, not on the Sunday of the shelling.
    text = (f"The meeting went ahead {background} the shelling of the village of Kesh on "
            "Sunday.")
    article = Article(id="m", published=datetime(2025, 3, 7), text=text)
    [sentence] = prepare([article]).sentences
    assert (sentence.day, sentence.mentioned) == (date(2025, 3, 7), False)
    assert sentence.refers == (date(2025, 3, 2),)


def test_a_forecast_the_articles_overtook_is_no_line_of_its_day():
    plan = Article(id="plan", published=datetime(2025, 3, 3),
                   text="The two foreign ministers are expected to meet on Friday in the port.")
    met = [Article(id=f"met{i}", published=datetime(2025, 3, 8),
                   text="The two foreign ministers met on Friday in the port and agreed to talk "
                        "again.") for i in range(2)]
    [day] = [e for e in build_timeline([plan, *met], dates=3, per_date=3)
             if e.date == date(2025, 3, 7)]
    texts = [c.text for c in day.sentences]
    assert texts and all("expected" not in t for t in texts), texts
    # Before the meeting was reported, a timeline has nothing on that day: it tells what
    # happened, and the day comes after every article. Asked for that range, it tells the plan.
    assert build_timeline([plan], dates=3, per_date=3) == []
    [ahead] = build_timeline([plan], dates=3, per_date=3, until=date(2025, 3, 31))
    assert ahead.date == date(2025, 3, 7) and "expected" in ahead.sentences[0].text


def test_without_a_range_events_run_from_a_week_before_the_first_article_to_the_latest():
    text = ("The dam was completed on May 2, 1990. Engineers warned of cracks on March 5. "
            "The dam burst on Sunday, flooding the valley. A memorial will be held on "
            "June 20.")
    articles = [Article(id=f"d{i}", published=datetime(2020, 3, 10 + i), text=text)
                for i in range(2)]
    days = [e.date for e in build_timeline(articles, dates=5, per_date=1)]
    assert days == [date(2020, 3, 5), date(2020, 3, 8)]
    # A range the user gives is kept as given.
    days = [e.date for e in build_timeline(articles, dates=5, per_date=1,
                                           since=date(1990, 1, 1), until=date(2020, 12, 31))]
    assert days == [date(1990, 5, 2), date(2020, 3, 5), date(2020, 3, 8), date(2020, 6, 20)]


def test_rejects_what_is_not_an_article():
    with pytest.raises(TypeError):
        build_timeline(["not an article"], dates=1, per_date=1)


def test_sentence_split_offsets_and_abbreviations():
    text = "Mr. Lee met Gen. Park in the U.S. capital on Friday. They left.\nNew line"
    pieces = split_sentences(text)
    assert [t for _, _, t in pieces] == [
        "Mr. Lee met Gen. Park in the U.S. capital on Friday.", "They left.", "New line"]
    assert all(text[s:e] == t for s, e, t in pieces)


@pytest.mark.parametrize("query,texts,expected", [
    ("EgyptianProtest", ["Egypt saw protests.", "Egyptians marched.", "Protesters in Egypt."],
     ["egyptian", "protest"]),
    ("bpoil", ["BP said oil leaked.", "The oil spill grew.", "BP shares and oil fell.",
               "BP blamed bpoil.com."], ["bp", "oil"]),
    ("MJ", ["Michael Jackson died.", "Fans mourned Michael Jackson.", "MJ lives."],
     ["michael", "jackson"]),
    ("H1N1", ["The H1N1 virus spread."] * 3, ["h1n1"]),
])
def test_query_words_are_read_as_the_texts_write_them(query, texts, expected):
    matcher = QueryMatcher(query, texts)
    assert matcher.terms == expected
    assert all(matcher.matches(t) for t in texts if "MJ" not in t)
    assert not matcher.matches("The weather was mild.")


def test_parallel_light_analysis_equals_serial():
    from storyline.digest.timeline_dates import light_analysis, light_analysis_many

    days = ["Monday", "Tuesday", "March 3", "5 April 2011", "yesterday", "last week"]
    items = []
    for n in range(120):  # ~4,000 characters each: enough for the worker processes
        text = " ".join(f"Item {n}.{k} happened on {days[(n + k) % len(days)]} in the city."
                        for k in range(80))
        items.append((text, date(2011, 4, 1 + n % 28)))
    parallel = light_analysis_many(items, workers=2)
    assert parallel == [light_analysis(t, p) for t, p in items]
    assert any(d is not None for _, ds in parallel for d in ds)


def _analyzed(aid: str, text: str, vector: np.ndarray) -> AnalyzedArticle:
    article = Article(id=aid, published=datetime(2021, 3, 10), text=text)
    analysis = Analysis(aid, "1", sentences=[Sentence(0, 0, len(text), text)])
    return AnalyzedArticle(article, analysis, vector[None, :].astype(np.float32),
                           vector.astype(np.float32))


def test_analyzed_articles_are_corroborated_by_the_summary_rule():
    one, other = np.zeros(384), np.zeros(384)
    one[0], other[1] = 1.0, 1.0
    first = "Dock workers began a strike on Monday over pay."
    second = "A pay strike by dock workers started on Monday."
    # Same meaning (identical vectors): the two articles corroborate each other.
    [entry] = build_timeline([_analyzed("a", first, one), _analyzed("b", second, one)],
                             dates=1, per_date=1)
    assert entry.date == date(2021, 3, 8)
    assert sorted(entry.sentences[0].sources) == ["a", "b"]
    # Different meaning by the vectors: shared words alone do not make them the same.
    [entry] = build_timeline([_analyzed("a", first, one), _analyzed("b", second, other)],
                             dates=1, per_date=1)
    assert entry.sentences[0].sources == [entry.sentences[0].article_id]
