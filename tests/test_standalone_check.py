"""The standalone check (issue 15): summary and timeline sentences a reader can read alone.

The check (storyline.evaluate.standalone) must flag planted bad sentences by kind and pass
good ones; the digest's own filter (candidates.stands_alone) must reject what the check
flags; timeline lines lose their wire dateline; and the check runs on a real sample.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.digest.candidates import stands_alone
from storyline.digest.timeline import build_timeline
from storyline.evaluate.standalone import KINDS, check, problems
from storyline.model import Article
from storyline.text.datelines import dateline_end

# (sentence, a kind the check must report): the examples and their relatives.
BAD = [
    ('"We told her: do nothing until 30 kilometres.', "quotes"),
    ("It is never easy,” he said.", "quotes"),
    ("It is never easy,” he said.", "pronoun"),
    ("It is never easy,” he said.", "speech"),
    ('Then, if the legs are there, go," Ellefsen said.', "quotes"),
    ("`` We will stay until the end , the minister said .", "quotes"),
    ("He resigned on Friday, a day after the vote in parliament.", "pronoun"),
    ("They said the toll would rise as rescuers reached the valley.", "pronoun"),
    ("The clatter was that of an automatic weapon, he said.", "speech"),
    ("Only 15 successfully argued themselves out of the report, she added.", "speech"),
    ("more '' Amid the financial chaos , I can see one silver lining .", "speech"),
    ("BRANDON, March 10 (Northgate Wire) - At least 18 people were killed.", "dateline"),
    ("BUENOS AIRES, Argentina _ Gen. Augusto Pinochet has been arrested in London.",
     "dateline"),
    ("NEW YORK , Sept. 29 -- Stocks fell sharply around the globe on Monday .", "dateline"),
    ("Cairo , Egypt -LRB- CNN -RRB- - Wael Ghonim had a message Wednesday .", "dateline"),
    ("At 16:35 30th Apr 2009, overreactagain wrote: Swine Flu?", "comment"),
    ("| September 24 , 2008 6:59 PM | Report abuse Both McCain and Obama spoke .", "comment"),
    ("Posted by : K | September 24 , 2008 3:54 PM | The senator did not answer .", "comment"),
    ("Yours in friendship , Posted by Matthew C on April 3 , 2005 11:05 AM .", "comment"),
    ("The new strain -LRB- H1N1 -RRB- has spread to 20 countries .", "ptb"),
]

GOOD = [
    "Floods displaced 40,000 people in the north of the country on Monday.",
    "“We will rebuild,” Mayor Helena Strand said on Monday.",
    '"The river kept rising all night," the mayor told reporters in Brandon.',
    "`` There 's a lot of blood now , '' Ghonim said in an interview .",
    "U.S. Secretary of State John Kerry said the convoy had been attacked from the air.",
    "The toll rose to 25 - officials said - by Tuesday evening.",
    "Barack Obama -- the Democratic nominee -- spoke to workers in Ohio on Friday.",
    "This year's harvest was the worst since 1998, the ministry said.",
    "Italy's health minister said the government had ordered 48 million doses.",
    "The commentary was one of several posted by armed groups in recent days .",
]


@pytest.mark.parametrize(("text", "kind"), BAD)
def test_the_check_flags_a_planted_bad_sentence_by_kind(text, kind):
    assert kind in problems(text), (text, problems(text))


@pytest.mark.parametrize("text", GOOD)
def test_the_check_passes_a_sentence_that_stands_alone(text):
    assert problems(text) == []


def test_the_tally_counts_sentences_kinds_and_percent():
    tally = check([text for text, _ in BAD] + GOOD)
    assert tally.sentences == len(BAD) + len(GOOD)
    assert tally.failing == len(BAD)  # every planted sentence (repeated rows counted again)
    assert set(tally.kinds) == set(KINDS)
    assert tally.percent() == pytest.approx(100 * len(BAD) / (len(BAD) + len(GOOD)))


def test_a_failing_unit_counts_once_as_counted_and_whole_when_strict():
    from storyline.evaluate.standalone import Tally

    tally = Tally()
    tally.add("The mayor toured the flooded town on Monday.")
    tally.add("“The river rose all night. We had to leave,” she said.", sentences=2)
    shown = tally.as_dict()
    assert (shown["sentences"], shown["failing"], shown["failing_sentences"]) == (3, 1, 2)
    assert shown["percent"] == pytest.approx(33.33, abs=0.01)
    assert shown["percent_strict"] == pytest.approx(66.67, abs=0.01)


@pytest.mark.parametrize("text", sorted({t for t, kind in BAD if kind != "dateline"}))
def test_the_digest_filter_rejects_what_the_check_flags(text):
    assert not stands_alone(text)


# The filter is stricter than the check on purpose: "This ..." and "These ..." open many
# sentences that point back ("These measures ..."), so it drops them all.
@pytest.mark.parametrize("text", [t for t in GOOD if not t.startswith("This ")])
def test_the_digest_filter_keeps_good_sentences(text):
    assert stands_alone(text)


@pytest.mark.parametrize("text", sorted({t for t, kind in BAD if kind == "dateline"
                                         and "-LRB-" not in t}))
def test_a_wire_dateline_is_trimmed_to_a_sentence_that_stands_alone(text):
    rest = text[dateline_end(text):]
    assert rest and rest[0].isupper() and problems(rest) == [], rest


def test_timeline_lines_start_after_the_wire_dateline():
    text = ("NEW YORK , Sept. 29 -- Stocks fell sharply around the globe on Monday after "
            "lawmakers rejected the rescue plan .")
    articles = [Article(id=f"a{i}", text=text, published=datetime(2008, 9, 29))
                for i in range(2)]
    [entry] = build_timeline(articles, dates=1, per_date=1)
    [line] = entry.sentences
    assert line.text.startswith("Stocks fell sharply")
    assert text[line.start:line.end] == line.text  # still a span of the article


def test_timeline_lines_leave_out_pronoun_speakers_and_comments():
    day = datetime(2009, 4, 30)
    texts = ["The clatter of gunfire was heard across the border town on Thursday , he said .",
             "Posted by : K | April 30 , 2009 | Report abuse The border town was quiet today .",
             "Soldiers closed the border crossing near the town on Thursday after gunfire ."]
    articles = [Article(id=f"a{i}", text=t, published=day) for i, t in enumerate(texts)]
    entries = build_timeline(articles, dates=3, per_date=3)
    lines = [c.text for e in entries for c in e.sentences]
    assert lines == [texts[2]]


@pytest.mark.slow
def test_eval_standalone_on_a_real_sample(shared_data, tmp_path):
    """One DUC 2003 cluster (summary and timeline) and the Timeline17 H1N1_guardian task."""
    for needed in (shared_data / "duc2003", shared_data / "timeline17" / "H1N1_guardian"):
        if not needed.is_dir():
            pytest.skip(f"{needed} not found")
    sample = tmp_path / "data"
    (sample / "timeline17").mkdir(parents=True)
    (sample / "duc2003").symlink_to(shared_data / "duc2003")
    (sample / "timeline17" / "H1N1_guardian").symlink_to(
        shared_data / "timeline17" / "H1N1_guardian")
    result = CliRunner().invoke(app, [
        "eval", "standalone", "--data", str(sample), "--dataset", "duc",
        "--dataset", "timeline17", "--limit", "1", "--workers", "1", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    duc = report["datasets"]["duc"]
    assert duc["clusters"] == 1 and duc["outputs"]["summary"]["sentences"] >= 2
    timelines = report["datasets"]["timeline17"]["outputs"]
    assert timelines["timeline (no query)"]["sentences"] >= 5
    assert set(report["overall"]["kinds"]) == set(KINDS)
    assert report["overall"]["percent"] <= 1.0, report["overall"]["examples"]


def test_eval_standalone_bad_options(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "standalone", "--dataset", "wcep"])
    assert result.exit_code == 2 and "--dataset wcep: unknown" in result.output
    result = runner.invoke(app, ["eval", "standalone", "--data", str(tmp_path),
                                 "--dataset", "timeline17"])
    assert result.exit_code == 2 and "no Timeline17 folder" in result.output
    result = runner.invoke(app, ["eval", "standalone", "--limit", "0"])
    assert result.exit_code == 2 and "--limit 0" in result.output
