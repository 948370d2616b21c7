"""Update summaries: only what unseen articles add, cited, never repeating a seen article."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from storyline.digest.updates import bigrams, update_summary
from storyline.evaluate.updates_eval import score_case, split_by_date
from storyline.model import Article

DAY = datetime(2031, 4, 8, 9, tzinfo=UTC)

# Day 1 (seen): the dam breaks, the toll, evacuation. Day 2 (new): one outlet repeats the
# day-1 facts in other words, and two outlets report what is new (an inquiry, aid money).
SEEN = [
    ("cw", "Carrow Weekly", 0,
     "The Brennick Dam on the river Orla broke early on Monday and flooded the town of "
     "Carrowmere. At least fourteen people were killed, the regional police said. About "
     "3,000 residents were taken to emergency shelters in schools and sports halls."),
    ("nw", "North Wire", 2,
     "Floodwater from the broken Brennick Dam swept through Carrowmere on Monday morning. "
     "Police said at least fourteen people died in the flood. Thousands of residents spent "
     "the night in emergency shelters set up in local schools."),
]
NEW = [
    ("vt", "Vale Times", 26,
     "The Brennick Dam gave way early on Monday, and the water flooded Carrowmere. Police "
     "said that at least fourteen people had been killed. The government announced on "
     "Tuesday that an independent inquiry would examine why the dam gate failed."),
    ("hp", "Harbor Post", 28,
     "An independent inquiry will investigate the failure of the Brennick Dam gate, the "
     "interior ministry said on Tuesday. The European Union offered twenty million euros in "
     "emergency aid to rebuild homes and bridges in Carrowmere."),
]


def _articles(rows) -> list[Article]:
    return [Article(text, id=i, source=s, published=DAY.replace(hour=9) if h < 24 else
                    DAY.replace(day=9, hour=h - 24)) for i, s, h, text in rows]


@pytest.fixture(scope="module")
def analyzed():
    from storyline.analyze.pipeline import analyze

    return analyze(_articles(SEEN) + _articles(NEW))


SEEN_IDS = {"cw", "nw"}


def _repeats_seen(text: str) -> bool:
    seen_text = " ".join(t for *_, t in SEEN)
    pairs = bigrams(text)
    return bool(pairs) and len(pairs & bigrams(seen_text)) / len(pairs) >= 0.5


@pytest.mark.parametrize("selection", ["coverage", "concepts"])
def test_update_quotes_only_unseen_articles_and_repeats_nothing(analyzed, selection):
    from storyline.digest.summary import SummaryConfig
    from storyline.digest.updates import UpdateConfig

    # Four articles: the greedy coverage of small stories, or (from 2 articles) the exact
    # concept coverage of larger ones, where the read sentences' concepts count for nothing.
    config = UpdateConfig(summary=SummaryConfig(method=selection, concepts_from=2))
    summary = update_summary(analyzed, SEEN_IDS, words=60, config=config)
    assert summary, "the new articles do add something"
    assert all(c.article_id not in SEEN_IDS for c in summary)
    assert not any(_repeats_seen(c.text) for c in summary), [c.text for c in summary]
    assert not any("fourteen" in c.text or "flooded Carrowmere" in c.text for c in summary)
    assert any("inquiry" in c.text or "million euros" in c.text for c in summary)
    assert sum(len(c.text.split()) for c in summary) <= 60


def test_update_cites_every_article_reporting_the_new_content(analyzed):
    summary = update_summary(analyzed, SEEN_IDS, words=80)
    inquiry = [c for c in summary if "inquiry" in c.text]
    assert inquiry
    assert set(inquiry[0].sources) == {"vt", "hp"}
    assert inquiry[0].sources[0] == inquiry[0].article_id
    for c in summary:
        text = next(a.article.text for a in analyzed if a.article.id == c.article_id)
        assert text[c.start:c.end] == c.text


def test_without_seen_articles_it_is_the_summary_and_all_seen_is_empty(analyzed):
    from storyline.digest.summary import summarize

    assert [c.text for c in update_summary(analyzed, set(), words=60)] == \
        [c.text for c in summarize(analyzed, words=60)]
    assert update_summary(analyzed, {"cw", "nw", "vt", "hp"}, words=60) == []


def test_split_by_date_never_splits_a_day():
    arts = _articles(SEEN) + _articles(NEW)
    early, later = split_by_date(arts)
    assert {a.id for a in early} == SEEN_IDS and {a.id for a in later} == {"vt", "hp"}
    same_day = [Article("x", id=str(n), published=DAY) for n in range(3)]
    assert split_by_date(same_day) == ([], same_day)


def test_protocol_counts_old_content_against_a_summary():
    early, later = _articles(SEEN), _articles(NEW)
    refs = ["An inquiry will examine the failed dam gate. The EU offered twenty million "
            "euros in aid."]
    repeat = score_case(NEW[0][3].split(". ")[0], refs, early, later)
    fresh = score_case(NEW[1][3], refs, early, later)
    assert fresh.old < repeat.old
    assert fresh.new_r2 > repeat.new_r2
    assert fresh.update > repeat.update


def _cli(tmp_path, clusters):
    from typer.testing import CliRunner

    from storyline.cli import app

    path = tmp_path / "clusters.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in clusters), encoding="utf-8")
    return CliRunner().invoke(app, ["summarize", str(path), "--words", "50", "--workers", "1"])


def test_cli_summarize_with_seen_articles(tmp_path):
    articles = []
    for a in _articles(SEEN) + _articles(NEW):
        item = a.to_json()
        if a.id in SEEN_IDS:
            item["seen"] = True
        articles.append(item)
    result = _cli(tmp_path, [{"id": "dam", "articles": articles}])
    assert result.exit_code == 0, result.output[-1500:]
    summary = json.loads(result.stdout)["summary"]
    assert summary and all(s["article_id"] not in SEEN_IDS for s in summary)
    assert sum(len(s["text"].split()) for s in summary) <= 50


def test_cli_refuses_a_seen_flag_that_is_not_a_boolean(tmp_path):
    result = _cli(tmp_path, [{"id": "c", "articles": [{"text": "Rain fell.", "seen": "yes"}]}])
    assert result.exit_code != 0
    message = result.stderr.strip().splitlines()
    assert len(message) == 1 and "seen" in message[0] and "clusters.jsonl:1" in message[0]
    assert result.exception is None or isinstance(result.exception, SystemExit)
