"""Entities and speakers across a story (issue 15): one key per person, organization and
place across forms and spellings, no datelines, right types; quotes whose speaker a reader
can trust. On the demo corpus, the seed pile (read at run time) and sentences written here."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from storyline.analyze.pipeline import analyze
from storyline.digest.compose import top_quotes
from storyline.digest.entity_list import story_names, top_entities, unite
from storyline.model import Article


def _demo(event: str) -> list[Article]:
    path = resources.files("storyline.demo") / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [Article(text=r["text"], url=r.get("url"), source=r.get("source"))
            for r in rows if r["event"] == event]


@pytest.fixture(scope="module")
def flood():
    return analyze(_demo("lake-harmon-flood"), with_vectors=False)


@pytest.fixture(scope="module")
def trial():
    return analyze(_demo("alvarez-embezzlement-trial"), with_vectors=False)


def _entities_of(text: str):
    [done] = analyze([Article(text=text, id="e")], with_vectors=False)
    return done.analysis.entities


def test_spans_are_names_and_shaped_places_are_places():
    ents = _entities_of("VALECREST, March 3 (Valecrest Times) - The talks drew Canada. US "
                        "Secretary of State John Kerry flew over Lake Harmon.")
    names = {e.text: e.label for e in ents}
    assert "VALECREST" not in names and "Valecrest Times" not in names  # the dateline
    assert "State" not in names  # part of the title
    assert names.get("Lake Harmon") == "LOC"


def test_a_tagged_span_loses_the_words_that_are_no_part_of_the_name():
    from spacy.tokens import Span

    from storyline.analyze.entities import read_entities
    from storyline.analyze.nlp import nlp

    doc = nlp()("Besides Mexico, cases were found in Canada.")
    doc.ents = [Span(doc, 0, 2, label="GPE")]  # "Besides Mexico", as the tagger once gave it
    assert [(e.text, e.start, e.key) for e in read_entities(doc)] == [("Mexico", 8, "Mexico")]


def test_a_surname_tagged_as_an_organization_is_the_person():
    ents = _entities_of("Foreign Minister Tomas Vell arrived on Monday. Vell was more guarded "
                        "than his host.")
    assert {(e.key, e.label) for e in ents if "Vell" in e.text} == {("Tomas Vell", "PERSON")}


def test_unite_merges_surnames_spellings_countries_and_acronyms():
    merged = unite([("John Kerry", "PERSON", 3), ("Kerry", "PERSON", 2),
                    ("Sergei Lavrov", "PERSON", 2), ("Sergey Lavrov", "PERSON", 1),
                    ("Lavrov", "ORG", 1), ("U.S.", "GPE", 2), ("US", "GPE", 1),
                    ("USA", "ORG", 1), ("United States", "GPE", 1), ("UN", "ORG", 1),
                    ("United Nations", "ORG", 2), ("Russian Federation", "GPE", 1),
                    ("Russia", "GPE", 2), ("Sergei Ivanov", "PERSON", 1)])
    assert merged[:4] == [("John Kerry", "PERSON", 5), ("United States", "GPE", 5),
                          ("Sergei Lavrov", "PERSON", 4), ("Russia", "GPE", 3)]
    assert ("United Nations", "ORG", 3) in merged
    assert ("Sergei Ivanov", "PERSON", 1) in merged  # another person, not a spelling


def _no_split_people(entities):
    """No entry is a lone word that is the surname of another person entry."""
    full = {name.split()[-1] for name, label, _ in entities if label == "PERSON" and " " in name}
    return [name for name, _, _ in entities if " " not in name and name in full]


def test_demo_flood_entities_have_no_dateline_and_right_types(flood):
    entities = top_entities(flood, 40)
    names = {name: label for name, label, _ in entities}
    assert not [n for n in names if n.isupper() and len(n) > 3], names  # BRANDON, VALECREST
    assert names.get("Lake Harmon") == "LOC"
    assert names.get("Brandon") in ("GPE", "LOC"), names  # "the towns of Brandon and ..."
    assert not _no_split_people(entities), entities


def test_demo_trial_speakers_and_names(trial):
    quotes = top_quotes(trial, 60)
    speakers = {q.speaker for q in quotes}
    assert not speakers & {"PORT CALLOWAY", "Outside court", "Victor Lund"}, speakers
    said = {q.quote: q.speaker for q in quotes}
    assert said.get("she had learned it from the police", "Maria Alvarez") == "Maria Alvarez"
    assert all(not q.stance and q.speaker[:1].isupper() or q.speaker[:1].islower()
               and " " in q.speaker for q in quotes)
    assert story_names(trial).get("Keel") == "Nadia Keel"
    assert not _no_split_people(top_entities(trial, 40))


@pytest.fixture(scope="module")
def pile(shared_data):
    path = shared_data / "seed" / "pile.txt"
    if not path.is_file():
        pytest.skip(f"seed pile not found at {path}")
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return analyze([Article(text=line, id=f"line{i}") for i, line in enumerate(lines) if line],
                   with_vectors=False)


def test_seed_pile_entities_are_merged(pile):
    entities = top_entities(pile, 60)
    names = [name for name, _, _ in entities]
    kerry = [n for n in names if "Kerry" in n]
    lavrov = [n for n in names if "Lavrov" in n]
    us = [n for n in names if n.replace(".", "") in ("US", "USA", "United States")]
    assert kerry == ["John Kerry"] and len(lavrov) == 1 and len(us) == 1, entities
    assert not _no_split_people(entities), entities


def test_seed_pile_quotes_name_only_speakers_of_their_own_line(pile):
    """Each line is its own article: a named speaker must be named in that line (a quote
    given to a person named on another line is given to the wrong person)."""
    by_id = {a.article.id: a.article.text for a in pile}
    quotes = top_quotes(pile, 60)
    assert quotes
    for q in quotes:
        line = by_id[q.article_id]
        assert q.speaker.split()[-1] in line, (q.speaker, q.quote)
        assert not q.stance and " he said" not in q.quote
        assert q.quote.count("“") == q.quote.count("”"), q.quote


def test_who_said_what_leaves_out_captions_questions_and_half_statements():
    from storyline.analyze.pipeline import AnalyzedArticle
    from storyline.model import Analysis, Quote

    text = "x" * 400

    def quote(speaker: str, cue: str, said: str, direct: bool = False) -> Quote:
        return Quote(speaker, 0, len(speaker), said, 10, 10 + len(said), cue, 5, 9, direct)

    kept = quote("A doctor", "said", "42 people were killed in the fighting on the outskirts")
    dropped = [
        quote("Several powerful tribes", "shown", "There are about 140 tribes in the land"),
        quote("Refugees flee", "explained", "Who is the opposition in Libya"),
        quote("The minister", "asked", "would the talks go on after the summer?"),
        quote("Opposition leaders", "announced", "helped evacuate refugees of the conflict"),
        quote("a senior member", "saying", "`` he is no longer a brother of ours"),
        quote("maxx756", "wrote", "The flu bug of 1918 was a summer flu, they say"),
        quote("Tumbleworld", "wrote", "the immune response itself causes the damage"),
    ]
    article = Article(id="q", text=text)
    item = AnalyzedArticle(article, Analysis("q", "v", quotes=[kept, *dropped]),
                           np.zeros((0, 4)), np.zeros(4))
    assert [q.quote for q in top_quotes([item], 10)] == [kept.quote]
