"""A story's key entities (issue 15), on every demo story and on the seed pile: name forms
and spellings merged, no dateline word or clipped fragment as an entity, no place under
people. The seed pile (../shared/data/seed/pile.txt) is read at run time, one article a line.

The checks are general rules over the whole list, not the list as it stands today."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from storyline.analyze.pipeline import analyze
from storyline.digest.entity_list import top_entities, unite
from storyline.model import Article
from storyline.text.datelines import dateline_end

# First words that make a tagged span a clipped fragment, not a name ("Besides Mexico").
FUNCTION_WORDS = frozenset("""besides in at on of and but or with from after before despite
unlike like including near during for to by as while although since unless until into onto
across against among about also even only just still yet so then than when where whereas
meanwhile however moreover elsewhere outside inside beyond""".split())
PLACE_WORDS = re.compile(r"^(?:Lake|Mount|Mt|River|Cape|Fort|Gulf|Bay|Isle|Island)\b"
                         r"|\b(?:River|Valley|Lake|Sea|Ocean|Road|Street|Avenue|Bridge|Square|"
                         r"Airport|Stadium|County|Province|City)$")


def _demo_rows() -> list[dict]:
    path = resources.files("storyline.demo") / "articles.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def demo_stories() -> dict[str, list]:
    rows = _demo_rows()
    done = analyze([Article(text=r["text"], url=r.get("url"), source=r.get("source"),
                            title=r.get("title")) for r in rows], with_vectors=False)
    stories: dict[str, list] = {}
    for row, item in zip(rows, done, strict=True):
        stories.setdefault(row["event"], []).append(item)
    return stories


@pytest.fixture(scope="module")
def pile(shared_data):
    path = shared_data / "seed" / "pile.txt"
    if not path.is_file():
        pytest.skip(f"seed pile not found at {path}")
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return analyze([Article(text=line, id=f"line{i}") for i, line in enumerate(lines) if line],
                   with_vectors=False)


def _dateline_places(analyzed) -> set[str]:
    """The place words of every article's wire dateline ("BRANDON", "PORT CALLOWAY")."""
    out = set()
    for item in analyzed:
        text = getattr(item, "article", item).text
        end = dateline_end(text)
        if end:
            out.add(re.split(r"[,(\-—–_]", text[:end])[0].strip())
    return out


def _problems(analyzed, entities) -> list[str]:
    """Every broken rule of a story's entity list, as readable lines."""
    found = []
    datelines = _dateline_places(analyzed)
    places = {name for name, label, _ in entities if label in ("GPE", "LOC", "FAC")}
    people = [name for name, label, _ in entities if label == "PERSON"]
    outlets = {getattr(item, "article", item).source for item in analyzed}
    for name, _, _ in entities:
        if name in outlets:  # "told the Harbor Ledger": the outlet reports, it is not news
            found.append(f"an outlet of the story as an entity: {name}")
        if name in datelines:  # "BRANDON" (the town named in the text, "Brandon", is fine)
            found.append(f"dateline word as an entity: {name}")
        if name.split()[0].lower() in FUNCTION_WORDS:
            found.append(f"clipped fragment as an entity: {name}")
    from storyline.digest.entity_list import _country

    for name in people:
        if _country(name) is not None or PLACE_WORDS.search(name) or name in places:
            found.append(f"a place under people: {name}")
    named_with = {w for name, label, _ in entities if label != "PERSON" and " " in name
                  for w in (name.split()[0], name.split()[-1])}
    for name in people:  # "Harmon" beside "Harmon Corp" or "Lake Harmon"
        if " " not in name and name in named_with:
            found.append(f"a company or place word under people: {name}")
    full = [name for name in people if " " in name]
    for name in people:
        if " " not in name and any(f.split()[-1] == name for f in full):
            found.append(f"a surname beside its full name: {name}")
    for i, a in enumerate(full):
        for b in full[:i]:
            if a.split()[-1] == b.split()[-1] and a.split()[0][:3] == b.split()[0][:3]:
                found.append(f"two spellings of one person: {a} / {b}")
    return found


def test_the_dateline_reader_sees_the_demo_datelines(demo_stories):
    places = set().union(*(_dateline_places(s) for s in demo_stories.values()))
    assert {"BRANDON", "VALECREST", "PORT CALLOWAY"} <= places


def test_no_entity_mention_comes_from_a_dateline(demo_stories):
    for story in demo_stories.values():
        for item in story:
            end = dateline_end(item.article.text)
            assert all(e.start >= end for e in item.analysis.entities), [
                e.text for e in item.analysis.entities if e.start < end]


def test_every_demo_story_has_a_clean_entity_list(demo_stories):
    problems = {event: _problems(story, top_entities(story, 20))
                for event, story in demo_stories.items()}
    assert not any(problems.values()), problems


def test_demo_places_are_places(demo_stories):
    flood = {name: label for name, label, _ in top_entities(demo_stories["lake-harmon-flood"],
                                                            20)}
    assert flood.get("Lake Harmon") == "LOC" and flood.get("Brandon") in ("GPE", "LOC"), flood


def test_the_seed_pile_entity_list(pile):
    entities = top_entities(pile, 30)
    assert not _problems(pile, entities), (_problems(pile, entities), entities)
    names = {name: label for name, label, _ in entities}
    kerry = [n for n in names if "Kerry" in n]
    lavrov = [n for n in names if "Lavrov" in n]
    us = [n for n in names if n.replace(".", "") in ("US", "USA", "United States")]
    assert kerry == ["John Kerry"] and len(lavrov) == 1 and len(us) == 1, entities
    assert names["John Kerry"] == names[lavrov[0]] == "PERSON"
    assert names[us[0]] == "GPE"
    for place in ("Russia", "Syria", "Aleppo", "Moscow", "Bustan al-Qasr"):
        if place in names:
            assert names[place] in ("GPE", "LOC", "FAC"), (place, names[place])


def test_unite_gives_a_lone_word_to_the_one_company_or_place_named_with_it():
    merged = unite([("Harmon", "PERSON", 16), ("Harmon Corp", "ORG", 8),
                    ("Redfern", "ORG", 9), ("Redfern County", "GPE", 6),
                    ("Valecrest", "GPE", 4), ("Valecrest Athletic Club", "ORG", 3)])
    assert ("Harmon Corp", "ORG", 24) in merged and ("Redfern County", "GPE", 15) in merged
    # A place word stays the place, not the club named after it.
    assert ("Valecrest", "GPE", 4) in merged and ("Valecrest Athletic Club", "ORG", 3) in merged


def test_a_river_is_not_the_lake_or_a_person(demo_stories):
    flood = {name: label for name, label, _ in top_entities(demo_stories["lake-harmon-flood"],
                                                            20)}
    assert flood.get("Harmon river") == "LOC" and "Harmon" not in flood, flood
    earnings = {name: label for name, label, _ in
                top_entities(demo_stories["harmon-corp-earnings"], 20)}
    assert earnings.get("Harmon Corp") == "ORG" and "Harmon" not in earnings, earnings


@pytest.mark.slow
def test_the_seed_pile_ingested_as_lines_has_merged_key_entities(shared_data, tmp_path):
    """Through the product: `ingest --format lines`, stories, each story's digest."""
    from storyline.api import Store

    path = shared_data / "seed" / "pile.txt"
    if not path.is_file():
        pytest.skip(f"seed pile not found at {path}")
    with Store(f"sqlite:///{tmp_path / 'pile.db'}") as store:
        store.ingest([path], format="lines")
        stories = store.stories(order="size")
        assert stories
        seen_kerry = False
        for story in stories:
            entities = store.digest(story.id).entities
            articles = store.articles(story.articles)
            assert not _problems(articles, entities), (_problems(articles, entities), entities)
            names = [name for name, _, _ in entities]
            # One entry per person in a story (a story may know him only as "Kerry": the
            # pile is not yet one story, which is the clustering's part of the issue).
            kerry = [n for n in names if "Kerry" in n]
            seen_kerry = seen_kerry or "John Kerry" in kerry
            assert len(kerry) <= 1, entities
            assert len([n for n in names if "Lavrov" in n]) <= 1, entities
            assert len([n for n in names if n.replace(".", "") in ("US", "USA", "United States")
                        ]) <= 1, entities
        assert seen_kerry
