"""The digest of a story (summary, timeline, quotes, entities, disagreements), from analyzed
articles and from a stored story on SQLite and PostgreSQL. Uses the fictional flood story
of ``test_summary.py``."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from test_summary import STORY, story_articles

IDS = {i for i, *_ in STORY}


@pytest.fixture(scope="module")
def analyzed():
    from storyline.analyze.pipeline import analyze

    return analyze(story_articles())


def test_compose_has_every_part(analyzed):
    from storyline.digest.compose import DigestSize, compose

    digest = compose("flood", analyzed, DigestSize(summary_words=80, entities=5))
    assert digest.story_id == "flood"
    assert digest.summary and sum(len(c.text.split()) for c in digest.summary) <= 80
    assert all(c.article_id in IDS and set(c.sources) <= IDS for c in digest.summary)
    # entities: most mentioned first, the town named in most articles is among them
    counts = [n for _, _, n in digest.entities]
    assert counts == sorted(counts, reverse=True) and len(digest.entities) <= 5
    assert any(name == "Carrowmere" and n >= 5 for name, _, n in digest.entities)
    assert {label for _, label, _ in digest.entities} <= {"PERSON", "ORG", "GPE", "LOC", "FAC",
                                                          "EVENT"}
    # the two death tolls are reported as a disagreement between the two outlets
    numbers = [d for d in digest.disagreements if d.kind == "number"]
    assert any({c.article_id for c in d.statements} == {"nw", "hp"} for d in numbers)
    for q in digest.quotes:
        assert q.article_id in IDS and q.speaker
    days = [e.date for e in digest.timeline]
    assert days == sorted(days)


def test_numbers_that_count_nothing_are_no_disagreement():
    """Race times and times of day under "was", "said" or "set" are not a quantity that
    outlets could disagree on, nor are a part and its whole ("four of six counts") or two
    numbers under one verb in sentences that say different things; death tolls are."""
    from datetime import datetime

    from storyline.analyze.pipeline import analyze
    from storyline.digest.disagreements import number_disagreements
    from storyline.model import Article

    day = datetime(2031, 4, 6, 12)  # tolls are disputed only when they hold on the same day
    arts = [Article(id="a", source="A", published=day, text="Her time of 2:21:57 was the "
                    "fastest this year. The federation said his time was 2:08:40. At least 18 "
                    "people were killed."),
            Article(id="b", source="B", published=day, text="The winning time of 2:08:14 was "
                    "26 seconds slower. The start was at 8.30 on Sunday morning. The blast "
                    "killed 25 people.")]
    arts[0].text += (" A jury found him guilty on four of six counts. One runner was taken to "
                     "hospital with chest pains.")
    arts[1].text += (" The jury found him guilty on four counts. About 600 runners from the "
                     "town took part in the race.")
    found = number_disagreements(analyze(arts))
    assert len(found) == 1, [d.description for d in found]
    assert {c.article_id for c in found[0].statements} == {"a", "b"}
    assert "18" in found[0].description and "25" in found[0].description


def test_main_entities_are_people_places_and_organizations():
    from storyline.analyze.pipeline import analyze
    from storyline.digest.compose import top_entities
    from storyline.model import Article

    text = ("Syrian and Russian jets struck eastern Aleppo on Friday. Syrian officials said "
            "Russian planes had not been involved, while Syrian rebels blamed Russian pilots. "
            "John Kerry met Sergei Lavrov in Geneva. The U.S. envoy said the US would wait.")
    entities = top_entities(analyze([Article(id="s", text=text)]), 10)
    names = [name for name, _, _ in entities]
    assert "Geneva" in names and "John Kerry" in names
    assert not {"Syrian", "Russian"} & set(names), entities
    # one entry for the country, however an article spells it (issue 15: U.S., US, USA)
    assert len([n for n in names if n.replace(".", "") in ("US", "USA", "United States")]) \
        == 1, entities


def test_a_claim_and_its_denial_in_one_outlet_read_naturally():
    from storyline.analyze.pipeline import analyze
    from storyline.digest.disagreements import denial_disagreements
    from storyline.model import Article

    arts = [Article(id="c", source="Wire", text="Veloria said that Drustani artillery shelled "
                    "the border village of Kesh on Sunday night."),
            Article(id="d", source="Wire", text="Drustan denied that its artillery shelled the "
                    "border village of Kesh on Sunday night.")]
    [found] = denial_disagreements(analyze(arts))
    assert [c.article_id for c in found.statements] == ["c", "d"]
    assert found.description == "A claim denied by Drustan (reported by Wire)"


def test_quotes_name_their_article_and_repeat_nothing():
    from storyline.analyze.pipeline import analyze
    from storyline.digest.compose import top_quotes
    from storyline.model import Article

    said = '"We will rebuild every house that the water took," Mayor Ines Vark said on Friday.'
    arts = [Article(id="q1", text=said + " The river fell overnight."),
            Article(id="q2", text="Residents cleared mud from the streets. " + said)]
    quotes = top_quotes(analyze(arts), 10)
    assert quotes, "the mayor's quote was not found"
    assert len([q for q in quotes if "rebuild" in q.quote]) == 1
    assert quotes[0].article_id == "q1"


def _store_story(store, story_id: str) -> None:
    from storyline.ingest.plain import add_articles
    from storyline.store import schema

    articles = story_articles()
    add_articles(store, articles, None)
    with store.begin() as conn:
        conn.execute(insert(schema.stories).values(
            id=story_id, title="Flood in Carrowmere", size=len(articles),
            sources=sorted({a.source for a in articles}), entities=[],
            first_published=min(a.published for a in articles),
            last_published=max(a.published for a in articles)))
        conn.execute(insert(schema.memberships),
                     [{"article_id": a.id, "story_id": story_id, "score": 1.0}
                      for a in articles])


def test_build_digest_from_the_store(store, analyzed):
    from storyline.digest.compose import StoryNotFound, build_digest, compose
    from storyline.serve.digests import digest_from_json, digest_to_json

    _store_story(store, "flood-story")
    digest = build_digest(store, "flood-story")
    direct = compose("flood-story", analyzed)
    assert [(c.article_id, c.start, c.sources) for c in digest.summary] == \
        [(c.article_id, c.start, c.sources) for c in direct.summary]
    # a second build reads the analyses the first one saved and gives the same digest
    again = build_digest(store, "flood-story")
    assert digest_to_json(again) == digest_to_json(digest)
    assert digest_from_json(digest_to_json(digest)).summary == digest.summary
    with pytest.raises(StoryNotFound):
        build_digest(store, "no-such-story")
