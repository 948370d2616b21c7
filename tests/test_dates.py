"""Time expressions resolved with the conventions of news writing.

Every expected value below was worked out by hand from a calendar and the convention in
the issue (weekday = latest on or before publication, "this Monday" = Monday of the
publication week, "last week" = the previous Monday-Sunday, month-day = nearest date not
far in the future), not copied from a run of the code.
"""

from __future__ import annotations

from datetime import date

import pytest

from storyline.analyze.dates import find_times, nearest_date

R = lambda a, b: {"from": a, "to": b}  # noqa: E731 - a short name keeps the table readable

SAT = date(2016, 9, 24)  # a Saturday
MON_NY = date(2017, 1, 2)  # Monday after New Year
FRI_NYE = date(2016, 12, 30)  # Friday before New Year
FRI_NY = date(2016, 1, 1)  # New Year's Day, a Friday
SUN_LEAP = date(2020, 3, 1)  # Sunday after 29 February
SUN_JUL = date(2018, 7, 1)  # first of a month, a Sunday

CASES = [
    # -- weekdays, publication on Saturday 2016-09-24 --
    (SAT, "The ceasefire collapsed on Friday.", "on Friday", "2016-09-23"),
    (SAT, "Rebels attacked the city on Monday.", "on Monday", "2016-09-19"),
    (SAT, "The talks ended Saturday without a deal.", "Saturday", "2016-09-24"),
    (SAT, "On Sunday, the convoy was hit.", "On Sunday", "2016-09-18"),
    (SAT, "Kerry spoke Thursday night in New York.", "Thursday night", "2016-09-22"),
    (SAT, "Friday's bombing killed 18 people.", "Friday's", "2016-09-23"),
    (SAT, "Wednesday morning brought more strikes.", "Wednesday morning", "2016-09-21"),
    (SAT, "The aid convoy was hit last Saturday.", "last Saturday", "2016-09-17"),
    (SAT, "The minister resigned last Friday.", "last Friday", "2016-09-23"),
    (SAT, "Talks opened this Monday in Geneva.", "this Monday", "2016-09-19"),
    (SAT, "A vote is planned this Sunday.", "this Sunday", "2016-09-25"),
    (SAT, "The envoy returns next Tuesday.", "next Tuesday", "2016-09-27"),
    (SAT, "Markets reopen next Saturday.", "next Saturday", "2016-10-01"),
    (SAT, "The council will meet on Monday.", "on Monday", "2016-09-26"),
    (SAT, "Ministers are scheduled to vote on Wednesday.", "on Wednesday", "2016-09-28"),
    (SAT, "He said on Tuesday that he will resign.", "on Tuesday", "2016-09-20"),
    # a time that opens the sentence, its verb after it
    (SAT, "On Monday the council will vote on the plan.", "On Monday", "2016-09-26"),
    (SAT, "On Sunday, the runners will start at 8.30.", "On Sunday", "2016-09-25"),
    (SAT, "On Monday the minister said talks will resume.", "On Monday", "2016-09-19"),
    (SAT, "On Friday the rebels could not hold the line.", "On Friday", "2016-09-23"),
    (SAT, "On Tuesday the army attacked and will press on.", "On Tuesday", "2016-09-20"),
    (SAT, "On Tuesday, he canceled plans to brief reporters.", "On Tuesday", "2016-09-20"),
    # a present copula right before the time: a schedule
    (SAT, "The start is at 8.30 on Sunday morning.", "on Sunday morning", "2016-09-25"),
    (SAT, "The vote is on Monday.", "on Monday", "2016-09-26"),
    (SAT, "The vote was on Monday.", "on Monday", "2016-09-19"),
    # -- day words and "ago" --
    (SAT, "Officials confirmed the toll yesterday.", "yesterday", "2016-09-23"),
    (SAT, "The shelling resumed today.", "today", "2016-09-24"),
    (SAT, "The report comes out tomorrow.", "tomorrow", "2016-09-25"),
    (SAT, "Fighting raged last night.", "last night", "2016-09-23"),
    (SAT, "The hospital was hit two days ago.", "two days ago", "2016-09-22"),
    (SAT, "The deal was signed three weeks ago.", "three weeks ago", "2016-09-03"),
    (SAT, "A week ago the city was calm.", "A week ago", "2016-09-17"),
    (SAT, "The siege began two months ago.", "two months ago", "2016-07"),
    (SAT, "A year ago nobody expected this.", "A year ago", "2015"),
    (SAT, "The truce started 5 days ago.", "5 days ago", "2016-09-19"),
    (SAT, "Talks broke down yesterday afternoon.", "yesterday afternoon", "2016-09-23"),
    (SAT, "The truce failed the day before yesterday.", "the day before yesterday",
     "2016-09-22"),
    # -- weeks, months, years relative to publication --
    (SAT, "Talks ended last week.", "last week", R("2016-09-12", "2016-09-18")),
    (SAT, "Talks continued this week.", "this week", R("2016-09-19", "2016-09-25")),
    (SAT, "Talks resume next week.", "next week", R("2016-09-26", "2016-10-02")),
    (SAT, "Protests spread last weekend.", "last weekend", R("2016-09-17", "2016-09-18")),
    (SAT, "More protests are planned this weekend.", "this weekend",
     R("2016-09-24", "2016-09-25")),
    (SAT, "Prices rose last month.", "last month", "2016-08"),
    (SAT, "Prices rose this month.", "this month", "2016-09"),
    (SAT, "Prices will rise next month.", "next month", "2016-10"),
    (SAT, "The economy shrank last year.", "last year", "2015"),
    (SAT, "The economy grew this year.", "this year", "2016"),
    (SAT, "Elections are due next year.", "next year", "2017"),
    (SAT, "He visited earlier this month.", "earlier this month", "2016-09"),
    (SAT, "The plant closed late last year.", "late last year", "2015"),
    (SAT, "Dozens died in the past week.", "the past week", R("2016-09-17", "2016-09-24")),
    # -- months and days --
    (SAT, "The strike happened on September 19.", "on September 19", "2016-09-19"),
    (SAT, "Memorials were held on Sept. 11.", "on Sept. 11", "2016-09-11"),
    (SAT, "The towers fell on Sept. 11, 2001.", "on Sept. 11, 2001", "2001-09-11"),
    (SAT, "The towers fell on 11 September 2001.", "on 11 September 2001", "2001-09-11"),
    (SAT, "The summit opens on October 3.", "on October 3", "2016-10-03"),
    (SAT, "The truce was agreed March 3.", "March 3", "2016-03-03"),
    (SAT, "Fighting flared in September.", "in September", "2016-09"),
    (SAT, "Fighting flared in August.", "in August", "2016-08"),
    (SAT, "The law passed in March.", "in March", "2016-03"),
    (SAT, "Elections take place in December.", "in December", "2016-12"),
    (SAT, "The war began in July 2014.", "in July 2014", "2014-07"),
    (SAT, "The war began in 2014.", "in 2014", "2014"),
    (SAT, "The war has raged since 2011.", "since 2011", "2011"),
    (SAT, "The filing is dated 2016-09-20.", "2016-09-20", "2016-09-20"),
    (SAT, "The filing is dated 9/20/2016.", "9/20/2016", "2016-09-20"),
    (SAT, "On Monday, Sept. 19, the convoy left.", "On Monday, Sept. 19", "2016-09-19"),
    (SAT, "The city fell last September.", "last September", "2015-09"),
    (SAT, "The city falls next March, experts say.", "next March", "2017-03"),
    (SAT, "The city fell this March.", "this March", "2016-03"),
    (SAT, "The offensive began in mid-August.", "in mid-August", "2016-08"),
    (SAT, "The offensive starts in early October.", "in early October", "2016-10"),
    (SAT, "The company reported a loss for June 2015.", "June 2015", "2015-06"),
    (SAT, "It happened on the 4th of July.", "on the 4th of July", "2016-07-04"),
    # -- year boundary: Monday 2017-01-02 --
    (MON_NY, "The attack happened on December 28.", "on December 28", "2016-12-28"),
    (MON_NY, "The gunman struck on Friday.", "on Friday", "2016-12-30"),
    (MON_NY, "The club was attacked Saturday.", "Saturday", "2016-12-31"),
    (MON_NY, "Police made arrests on Monday.", "on Monday", "2017-01-02"),
    (MON_NY, "Police searched homes last week.", "last week", R("2016-12-26", "2017-01-01")),
    (MON_NY, "Sales fell last month.", "last month", "2016-12"),
    (MON_NY, "Sales fell last year.", "last year", "2016"),
    (MON_NY, "Sales may recover this year.", "this year", "2017"),
    (MON_NY, "Crowds gathered yesterday.", "yesterday", "2017-01-01"),
    (MON_NY, "The gunman struck two days ago.", "two days ago", "2016-12-31"),
    (MON_NY, "Sales fell in December.", "in December", "2016-12"),
    (MON_NY, "Fireworks lit the sky last weekend.", "last weekend",
     R("2016-12-31", "2017-01-01")),
    (MON_NY, "The trial opens next Tuesday.", "next Tuesday", "2017-01-03"),
    (MON_NY, "Parliament met this Monday.", "this Monday", "2017-01-02"),
    (MON_NY, "Talks collapsed three months ago.", "three months ago", "2016-10"),
    (MON_NY, "The court sits on January 5.", "on January 5", "2017-01-05"),
    (MON_NY, "Sales fell in November.", "in November", "2016-11"),
    (MON_NY, "The gunman was seen last Monday.", "last Monday", "2016-12-26"),
    # -- year boundary: Friday 2016-12-30 --
    (FRI_NYE, "Parliament reconvenes on January 3.", "on January 3", "2017-01-03"),
    (FRI_NYE, "Talks resume next week.", "next week", R("2017-01-02", "2017-01-08")),
    (FRI_NYE, "The tax rises next month.", "next month", "2017-01"),
    (FRI_NYE, "The tax rises next year.", "next year", "2017"),
    (FRI_NYE, "Crowds are expected tomorrow.", "tomorrow", "2016-12-31"),
    # "is expected/due on": someone's arrival or a ruling still to come
    (FRI_NYE, "The foreign minister is expected on Tuesday morning.", "on Tuesday morning",
     "2017-01-03"),
    (FRI_NYE, "A verdict is due on Wednesday.", "on Wednesday", "2017-01-04"),
    (FRI_NYE, "He was expected on Tuesday but never came.", "on Tuesday", "2016-12-27"),
    (FRI_NYE, "The ruling came on Friday.", "on Friday", "2016-12-30"),
    (FRI_NYE, "Officials met on Thursday.", "on Thursday", "2016-12-29"),
    (FRI_NYE, "Officials met on Saturday.", "on Saturday", "2016-12-24"),
    (FRI_NYE, "Fireworks are planned this Saturday.", "this Saturday", "2016-12-31"),
    (FRI_NYE, "The tax rises in January.", "in January", "2017-01"),
    (FRI_NYE, "Parties are planned this weekend.", "this weekend",
     R("2016-12-31", "2017-01-01")),
    (FRI_NYE, "The ceasefire began on December 29.", "on December 29", "2016-12-29"),
    # -- New Year's Day 2016, a Friday --
    (FRI_NY, "The fire broke out on Thursday.", "on Thursday", "2015-12-31"),
    (FRI_NY, "The fire broke out yesterday.", "yesterday", "2015-12-31"),
    (FRI_NY, "Prices fell last month.", "last month", "2015-12"),
    (FRI_NY, "Prices fell last week.", "last week", R("2015-12-21", "2015-12-27")),
    (FRI_NY, "Prices fell this week.", "this week", R("2015-12-28", "2016-01-03")),
    (FRI_NY, "The bomb went off on Dec. 24.", "on Dec. 24", "2015-12-24"),
    (FRI_NY, "Prices fell last year.", "last year", "2015"),
    (FRI_NY, "The storm hit on Monday.", "on Monday", "2015-12-28"),
    (FRI_NY, "The storm hit two weeks ago.", "two weeks ago", "2015-12-18"),
    (FRI_NY, "The storm hit on December 31.", "on December 31", "2015-12-31"),
    # -- leap day: Sunday 2020-03-01 --
    (SUN_LEAP, "Results came in yesterday.", "yesterday", "2020-02-29"),
    (SUN_LEAP, "Voters went to the polls on Saturday.", "on Saturday", "2020-02-29"),
    (SUN_LEAP, "Voters went to the polls on February 29.", "on February 29", "2020-02-29"),
    (SUN_LEAP, "The outbreak began a month ago.", "a month ago", "2020-02"),
    (SUN_LEAP, "Cases doubled last week.", "last week", R("2020-02-17", "2020-02-23")),
    (SUN_LEAP, "Cases doubled this week.", "this week", R("2020-02-24", "2020-03-01")),
    (SUN_LEAP, "The candidate spoke on Sunday.", "on Sunday", "2020-03-01"),
    (SUN_LEAP, "The candidate speaks next Monday.", "next Monday", "2020-03-02"),
    (SUN_LEAP, "Markets slid two days ago.", "two days ago", "2020-02-28"),
    (SUN_LEAP, "Markets slid this Monday.", "this Monday", "2020-02-24"),
    # -- month boundary: Sunday 2018-07-01 --
    (SUN_JUL, "The vote took place on Friday.", "on Friday", "2018-06-29"),
    (SUN_JUL, "Inflation rose last month.", "last month", "2018-06"),
    (SUN_JUL, "Inflation rose in June.", "in June", "2018-06"),
    (SUN_JUL, "The vote took place on June 30.", "on June 30", "2018-06-30"),
    (SUN_JUL, "Crowds will gather on July 4.", "on July 4", "2018-07-04"),
    (SUN_JUL, "The ceremony will be held on Thursday.", "on Thursday", "2018-07-05"),
    (SUN_JUL, "The vote was counted yesterday afternoon.", "yesterday afternoon",
     "2018-06-30"),
    (SUN_JUL, "The strike began on Thursday, 28 June.", "on Thursday, 28 June", "2018-06-28"),
    (SUN_JUL, "The company was founded in 1998.", "in 1998", "1998"),
    (SUN_JUL, "The vote was set for the day before yesterday.", "the day before yesterday",
     "2018-06-29"),
    (SUN_JUL, "Inflation rose in May.", "in May", "2018-05"),
    (SUN_JUL, "Inflation will be measured in August.", "in August", "2018-08"),
    # -- seen going wrong in Timeline17 articles --
    (date(2010, 6, 2), "The oil may reach Florida as soon as Friday.", "Friday", "2010-06-04"),
    (date(2010, 6, 2), "The oil may have reached Florida on Friday.", "on Friday",
     "2010-05-28"),
    (date(2009, 5, 18), "WASHINGTON | Mon May 18, 2009 4:12 pm EDT", "May 18, 2009",
     "2009-05-18"),
]


def _ids():
    return [f"{pub}:{expr}" for pub, _sentence, expr, _value in CASES]


@pytest.mark.parametrize(("published", "sentence", "expression", "expected"), CASES, ids=_ids())
def test_resolves_as_news_convention(published, sentence, expression, expected):
    found = find_times(sentence, published)
    by_text = {t.text: t.value for t in found}
    assert expression in by_text, f"{expression!r} not found in {sentence!r}: {by_text}"
    assert by_text[expression] == expected
    [t] = [t for t in found if t.text == expression]
    assert sentence[t.start:t.end] == expression


def test_at_least_one_hundred_cases():
    assert len(CASES) >= 100


@pytest.mark.parametrize("sentence", [
    "The party may win a majority.",
    "Thousands march through the capital.",
    "He was 31 years old and had 2014 followers.",
    "Sales grew for three years in a row.",
    "The 1990s were a quieter decade.",
    "The concert in Berlin 2015 was sold out.",
])
def test_ignores_words_that_are_not_dates(sentence):
    assert find_times(sentence, SAT) == []


def test_without_publication_date_only_absolute_expressions_resolve():
    found = find_times("It opened on 5 May 2015 and closed on Friday.", None)
    assert [(t.text, t.value) for t in found] == [("on 5 May 2015", "2015-05-05")]


def test_sentence_index_is_set_from_sentence_offsets():
    from storyline.model import Sentence

    text = "Talks ended. They resumed on Monday."
    sentences = [Sentence(0, 0, 12, "Talks ended."), Sentence(1, 13, 36, text[13:])]
    [t] = find_times(text, SAT, sentences)
    assert (t.text, t.sentence) == ("on Monday", 1)


def test_spacy_date_spans_yield_their_year():
    text = "Prices peaked in the summer of 2015."
    start = text.index("the summer")
    found = find_times(text, SAT, extra_spans=[(start, start + len("the summer of 2015"))])
    assert [(t.text, t.value) for t in found] == [("the summer of 2015", "2015")]


def test_nearest_date_prefers_the_past_when_far():
    assert nearest_date(8, 20, date(2016, 3, 1)) == date(2015, 8, 20)
    assert nearest_date(2, 29, date(2021, 3, 1)) == date(2020, 2, 29)
