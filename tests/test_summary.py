"""The story summary with citations, on a story written for this test (fictional events).

Ten outlets report a flood in the invented town of Carrowmere. Three of them report the
same meeting in three different wordings; two give different death tolls (at least 14
and 21). Behaviour asserted:
- the meeting is stated once in the summary, citing all three outlets that report it (and
  only them);
- whenever the summary states a death toll, it states both tolls, each citing its outlet
  (a figure that outlets dispute is never presented as the only one), and the disagreement
  is found by ``find_disagreements``;
- budgets, offsets and the citation lists keep the INTERFACES.md section 2 promises.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime

import pytest
from conftest import run_cli

from storyline.analyze.pipeline import PARALLEL_FROM
from storyline.model import Article

STORY = [
    ("nw", "Northwind Daily", "2031-04-08T18:00:00Z",
     "Floodwater from the Brennick Dam swept through the town of Carrowmere on Tuesday after "
     "a spillway gate failed during two days of heavy rain. At least 14 people were killed in "
     "the flooding, the regional emergency office said. Rescue teams in boats searched the "
     "flooded streets for residents trapped on rooftops."),
    ("hp", "Harbor Post", "2031-04-08T21:00:00Z",
     "A spillway gate at the Brennick Dam gave way on Tuesday, sending a wall of water into "
     "the low-lying streets of Carrowmere. Hospital officials put the death toll at 21 late "
     "on Tuesday. The town hospital moved its patients to the upper floors as the water "
     "reached the ground floor."),
    ("cw", "Capital Wire", "2031-04-09T09:00:00Z",
     "Prime Minister Aldo Ferrant met the heads of the rescue services in Carrowmere on "
     "Wednesday to coordinate the relief effort for the flooded town. The army sent six "
     "helicopters to lift stranded families from the roofs of their houses."),
    ("vt", "Valley Times", "2031-04-09T10:00:00Z",
     "On Wednesday Ferrant held talks in Carrowmere with the chiefs of the rescue services on "
     "coordinating relief for the flooded town. Engineers said the failed spillway gate had "
     "not been inspected since 2024."),
    ("ch", "Coastal Herald", "2031-04-09T11:00:00Z",
     "Prime Minister Ferrant sat down with the leaders of the emergency services in Carrowmere "
     "on Wednesday to organise the relief operation for the town. About 3,000 residents spent "
     "the night in schools and sports halls on higher ground."),
    ("el", "Evening Ledger", "2031-04-09T12:00:00Z",
     "Forecasters warned that more rain was expected over the Brennick valley on Thursday, "
     "raising fears of further flooding downstream. The regional water authority opened the "
     "remaining spillway gates to lower the level of the reservoir."),
    ("mc", "Metro Courier", "2031-04-09T13:00:00Z",
     "Schools across the district will stay closed until Monday while the water recedes, "
     "the education office announced. Volunteers from neighbouring towns arrived with food, "
     "blankets and drinking water for families who lost their homes."),
    ("fn", "Frontier News", "2031-04-09T14:00:00Z",
     "The national dam safety agency opened an investigation into the maintenance of the "
     "Brennick Dam, which was completed in 1968. Its director said inspectors would examine "
     "the broken gate and the records of the dam operator."),
    ("ig", "Island Gazette", "2031-04-09T15:00:00Z",
     "Power was cut to most of Carrowmere after the flood damaged the main electrical "
     "substation beside the river. The electricity company said repairs could take at least "
     "a week."),
    ("sr", "Summit Report", "2031-04-09T16:00:00Z",
     "Insurers estimated that the flood damaged more than 1,200 homes and businesses in "
     "Carrowmere and the villages below the dam. The European Union offered emergency funds "
     "and a team of flood experts to help the region recover."),
]
MEETING = {"cw", "vt", "ch"}
TOLL = {14.0: "nw", 21.0: "hp"}


def story_articles() -> list[Article]:
    return [Article(id=i, source=s, published=datetime.fromisoformat(p.replace("Z", "+00:00")),
                    text=t) for i, s, p, t in STORY]


@pytest.fixture(scope="module")
def analyzed():
    from storyline.analyze.pipeline import analyze

    return analyze(story_articles())


def _is_meeting(text: str) -> bool:
    return bool(re.search(r"\b(met|talks|sat down)\b", text)) and "Carrowmere" in text


def _tolls(text: str) -> set[float]:
    return {v for v in TOLL if re.search(rf"\b{int(v)}\b", text)}


def test_story_is_the_one_described():
    sentences = sum(len(re.findall(r"[.!?](?:\s|$)", t)) for *_, t in STORY)
    assert 20 <= sentences <= 30 and len({s for _, s, _, _ in STORY}) == 10


def test_meeting_is_stated_once_citing_all_three_outlets(analyzed):
    from storyline.digest.summary import summarize

    for budget in (120, 200):
        summary = summarize(analyzed, words=budget)
        meeting = [c for c in summary if _is_meeting(c.text)]
        assert len(meeting) == 1, (budget, [c.text for c in summary])
        assert meeting[0].article_id in MEETING
        assert set(meeting[0].sources) == MEETING


def test_a_disputed_death_toll_is_never_stated_alone(analyzed):
    from storyline.digest.summary import summarize

    stated_any = False
    for budget in (40, 60, 80, 120, 200):
        summary = summarize(analyzed, words=budget)
        stated = {v: c for c in summary for v in _tolls(c.text)}
        if stated:
            stated_any = True
            assert set(stated) == set(TOLL), (budget, [c.text for c in summary])
            for value, citation in stated.items():
                assert TOLL[value] in citation.sources
                # the two tolls are different content: neither cites the other outlet
                other = TOLL[21.0 if value == 14.0 else 14.0]
                assert other not in citation.sources
    assert stated_any, "the death toll is central to this story and should be reported"


def test_disagreement_on_the_toll_is_found(analyzed):
    from storyline.digest.disagreements import find_disagreements

    numbers = [d for d in find_disagreements(analyzed) if d.kind == "number"]
    tolls = [d for d in numbers if "14" in d.description and "21" in d.description]
    assert len(tolls) == 1
    cited = {c.article_id for c in tolls[0].statements}
    assert cited == {"nw", "hp"}
    assert "Northwind Daily" in tolls[0].description and "Harbor Post" in tolls[0].description


def test_budgets_offsets_and_sources(analyzed):
    from storyline.digest.summary import summarize

    texts = {a.article.id: a.article.text for a in analyzed}
    for words, sentences in ((30, None), (75, None), (None, 2), (500, 3)):
        summary = summarize(analyzed, words=words, sentences=sentences)
        assert summary
        if words is not None:
            assert sum(len(c.text.split()) for c in summary) <= words
        if sentences is not None:
            assert len(summary) <= sentences
        for c in summary:
            assert texts[c.article_id][c.start:c.end] == c.text
            assert c.sources[0] == c.article_id and len(set(c.sources)) == len(c.sources)
            assert set(c.sources) <= set(texts)


def test_reading_order_follows_publication(analyzed):
    from storyline.digest.summary import summarize

    published = {a.article.id: a.article.published for a in analyzed}
    summary = summarize(analyzed, words=200)
    times = [published[c.article_id] for c in summary]
    assert times == sorted(times)


def test_dateline_is_left_out_of_the_quoted_span():
    from storyline.analyze.pipeline import analyze
    from storyline.digest.summary import summarize

    text = ("CARROWMERE (AP) _ Rescue teams searched the flooded streets of Carrowmere for "
            "residents trapped on rooftops on Tuesday night.")
    [c] = summarize(analyze([Article(id="ap", text=text)]), words=50)
    assert c.text.startswith("Rescue teams") and text[c.start:c.end] == c.text


def test_cli_summarize(tmp_path):
    clusters = tmp_path / "clusters.jsonl"
    lines = [{"id": "flood", "articles": [a.to_json() for a in story_articles()]},
             {"id": "empty", "articles": []}]
    clusters.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "from storyline.cli import main; main()",
                           "summarize", str(clusters), "--words", "60"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["flood", "empty"]
    assert out[1]["summary"] == []
    texts = {i: t for i, _, _, t in STORY}
    assert sum(len(s["text"].split()) for s in out[0]["summary"]) <= 60
    for s in out[0]["summary"]:
        assert texts[s["article_id"]][s["start"]:s["end"]] == s["text"]
        assert s["sources"][0] == s["article_id"]


def test_cli_summarize_with_workers_gives_the_same_summaries(tmp_path, models):
    """Enough articles for worker processes: the same summaries, in input order. (In this
    process, ``run_cli``: the worker processes load the models, the command need not.)"""
    clusters = tmp_path / "clusters.jsonl"
    articles = [a.to_json() for a in story_articles()]
    copies = -(-PARALLEL_FROM // len(articles))  # enough articles for workers to start
    lines = [{"id": f"flood-{i}", "articles": articles[i % 3:] + articles[:i % 3]}
             for i in range(copies)]
    clusters.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    runs = [run_cli("summarize", str(clusters), "--words", "60", "--workers", n)
            for n in ("1", "2")]
    assert all(done.exit_code == 0 for done in runs), runs[1].stderr
    assert "analysis on 1 process" in runs[0].stderr
    assert "analysis on 2 process" in runs[1].stderr
    one, two = ([json.loads(line) for line in done.stdout.splitlines()] for done in runs)
    assert [o["id"] for o in two] == [x["id"] for x in lines]
    assert two == one


def test_cli_an_empty_article_is_left_out_of_its_cluster(tmp_path):
    clusters = tmp_path / "clusters.jsonl"
    articles = [a.to_json() for a in story_articles()]
    lines = [{"id": "flood", "articles": articles},
             {"id": "with-blank", "articles": [*articles, {"id": "blank", "text": ""}]}]
    clusters.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    done = run_cli("summarize", str(clusters), "--words", "60")
    assert done.exit_code == 0, done.stderr
    blank_at = f"{clusters}:2: article {len(articles) + 1}"
    assert f"left out 1 article(s) with empty text ({blank_at})" in done.stderr
    plain, with_blank = (json.loads(line) for line in done.stdout.splitlines())
    assert with_blank["summary"] == plain["summary"] != []


@pytest.mark.parametrize("line, problem", [
    ('{"id": "x", "articles": [}', "malformed JSON"),
    ('{"id": "x", "articles": [{"id": "a"}]}', "missing text"),
    ('{"articles": []}', "missing cluster id"),
    ('{"id": "x", "articles": {"text": "no list"}}', "must be a list"),
])
def test_cli_bad_input_is_one_line_naming_file_and_line(tmp_path, line, problem):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok", "articles": []}\n' + line + "\n", encoding="utf-8")
    done = run_cli("summarize", str(bad), "--words", "50")
    assert done.exit_code != 0
    assert done.stdout == ""
    message = done.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert f"{bad}:2" in message and problem in message
