"""The public Python API: storyline.read / group / digest and storyline.Store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import storyline as sl
from storyline.ingest.runner import ingest_paths
from storyline.serve.digests import digest_from_json
from storyline.store import open_store

DEMO = Path(sl.__file__).parent / "demo" / "articles.jsonl"
EVENTS = {"eastbridge-closure", "harmon-corp-earnings"}  # two of the demo's events: 15 articles
WORDS = ("the council said on Monday that the old harbour bridge will stay closed to all "
         "traffic for at least six more weeks while engineers replace the rusted cables and "
         "repair the cracked deck above the river mouth where ferries pass every hour of the "
         "day and night in summer").split()


def _line(**fields) -> str:
    return json.dumps(fields) + "\n"


@pytest.fixture(scope="module")
def demo_subset(tmp_path_factory) -> Path:
    """Two events of the demo corpus, and a verbatim copy of one of its articles."""
    rows = [json.loads(line) for line in DEMO.read_text().splitlines()]
    rows = [r for r in rows if r["event"] in EVENTS]
    copy = {**rows[0], "url": "https://copies.example/1", "source": "Copies"}
    path = tmp_path_factory.mktemp("demo") / "subset.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [*rows, copy]))
    return path


@pytest.fixture(scope="module")
def grouped(demo_subset):
    articles = sl.read([demo_subset])
    return articles, sl.group(articles)


def test_import_loads_no_stage():
    """``import storyline`` (and looking up the public calls) loads no model, store or stage."""
    code = ("import sys, json, storyline as sl; names = [getattr(sl, n) for n in sl.__all__]; "
            "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    loaded = set(json.loads(done.stdout))
    heavy = {"spacy", "torch", "sentence_transformers", "sqlalchemy", "numpy", "typer",
             "fastapi", "trafilatura", "sklearn"}
    assert not heavy & loaded
    ours = {m for m in loaded if m.startswith("storyline.")}
    assert ours <= {"storyline.api", "storyline.digest", "storyline.errors", "storyline.model"}


def test_public_names():
    assert set(sl.__all__) <= set(dir(sl))
    for name in sl.__all__:
        assert getattr(sl, name) is not None
    import storyline.digest.compose  # noqa: F401 - importing a submodule must not hide it

    assert callable(sl.digest) and sl.digest is sys.modules["storyline.digest"]
    assert issubclass(sl.Story, sl.model.Story)
    assert (Path(sl.__file__).parent / "py.typed").exists()


def test_read_marks_duplicates_as_ingest_does(tmp_path):
    near = WORDS[:]
    near[5] = "will"  # one word changed out of 50: a near duplicate (Jaccard >= 0.8)
    first = tmp_path / "a.jsonl"
    first.write_text(
        _line(id="orig", text=" ".join(WORDS), published="2024-05-01")
        + _line(id="copy", text=" ".join(WORDS).upper() + " ", published="2024-05-02")
        + _line(id="near", text=" ".join(near), published="2024-05-03")
        + _line(id="other", text="Rain fell on Oslo all day, the forecasters said.")
        + _line(id="orig", text=" ".join(WORDS), published="2024-05-01"))  # read twice
    second = tmp_path / "b.csv"
    second.write_text('id,url,text\nlinked,https://x.example/a,"Another text, same URL."\n'
                      'samelink,https://x.example/a,"A third text at that URL."\n')

    articles = sl.read([first, second])
    marked = {(a.id, a.extra.get("duplicate_of"), a.extra.get("duplicate_kind"))
              for a in articles}
    store = open_store("sqlite://")
    report = ingest_paths(store, [first, second])
    stored = {(r.article.id, r.duplicate_of, r.duplicate_kind)
              for r in store.get_articles([a.id for a in articles])}
    assert len(articles) == 7 and report.read == 7
    # Every article ingest stored is marked as ingest marked it; the one id read twice is
    # stored once and marked as a copy of itself.
    assert stored <= marked
    assert marked - stored == {("orig", "orig", "exact")}
    assert {("copy", "orig", "exact"), ("near", "orig", "near"),
            ("samelink", "linked", "exact")} <= stored
    assert sum(1 for a in articles if "duplicate_of" in a.extra) == \
        report.duplicates + report.already_present


def test_read_reports_problems(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Rain in Oslo."}\n{"title": "no text"}\n')
    skips = []
    assert [a.text for a in sl.read(bad, on_skip=skips.append)] == ["Rain in Oslo."]
    assert [s.reason for s in skips] == ["missing text"]
    with pytest.raises(sl.InputError, match="bad.jsonl:2"):
        sl.read(bad, strict=True)
    with pytest.raises(sl.InputError, match="unknown format 'yaml'"):
        sl.read(bad, format="yaml")
    with pytest.raises(sl.Error, match=r"nothing could be read: \S+missing.jsonl: "
                       r"unreadable input \(no such file or folder\)$"):
        sl.read([tmp_path / "missing.jsonl"], on_skip=lambda s: None)


def test_group_is_ingests_stories_then_merged(grouped, demo_subset):
    articles, stories = grouped
    originals = {a.id for a in articles if "duplicate_of" not in a.extra}
    assert len(originals) == len(articles) - 1  # the copy is left out
    members = [a for s in stories for a in s.articles]
    assert sorted(members) == sorted(originals)  # each original in exactly one story
    sizes = [len(s.articles) for s in stories]
    assert sizes == sorted(sizes, reverse=True)
    by_id = {a.id: a for a in articles}
    for story in stories:
        assert story.articles == [a.id for a in story.members]
        assert set(story.sources) == {by_id[i].source for i in story.articles}
        assert story.first_published == min(by_id[i].published for i in story.articles)
    with sl.Store("sqlite://") as store:
        report = store.ingest([demo_subset])
        ingested = store.stories()
    assert report.ingested == len(originals) and report.duplicates == 1
    # group is ingest's online assignment plus a merge sweep: each of its stories is one or
    # more of the stories ingest made, never a part of one.
    online = [set(s.articles) for s in ingested]
    for story in stories:
        parts = [s for s in online if s & set(story.articles)]
        assert set().union(*parts) == set(story.articles)


def test_digest_of_a_grouped_story(grouped):
    _, stories = grouped
    story = stories[-1]  # the smallest: the quickest to analyze
    digest = sl.digest(story)
    data = digest.to_json()
    json.dumps(data)  # plain JSON
    assert data["story_id"] == story.id and data["summary"]
    for sentence in data["summary"]:
        assert sentence["article_id"] == sentence["sources"][0]
        assert set(sentence["sources"]) <= set(story.articles)
        article = next(a for a in story.members if a.id == sentence["article_id"])
        assert article.text[sentence["start"]:sentence["end"]] == sentence["text"]
    assert digest_from_json(data) == digest  # the JSON holds the whole digest
    bare = sl.model.Story(story.id, story.title, list(story.articles))
    with pytest.raises(sl.DigestError, match="articles"):
        sl.digest(bare)
    assert sl.digest(bare, articles=story.members).to_json() == data


def test_store_path(tmp_path):
    text = ("The harbour bridge in Tromvik will stay closed for six more weeks, the council "
            "said on Monday. Engineers will replace its rusted cables and repair the deck.")
    path = tmp_path / "news.jsonl"
    path.write_text(_line(text=text, published="2024-05-01", source="Harbour News")
                    + _line(text=text, published="2024-05-02", url="https://copies.example/1"))
    with sl.Store(str(tmp_path / "news.db")) as store:
        assert store.ingest(path).summary() == "ingested 1, duplicates 1, skipped 0"
        assert store.ingest(path).ingested == 0  # rerunning an input changes nothing
        [story] = store.stories()
        assert [a.source for a in store.articles(story.articles)] == ["Harbour News"]
        assert store.story(story.id[:6]).id == story.id
        digest = store.digest(story.id)
        assert digest.story_id == story.id and digest.summary[0].article_id == story.articles[0]
        with pytest.raises(sl.DigestError) as missing:
            store.digest("nosuchstory")
        assert isinstance(missing.value, LookupError)  # StoryNotFound, as before
    with pytest.raises(sl.StoreError):
        sl.Store(str(tmp_path / "news.db" / "inside-a-file.db"))
