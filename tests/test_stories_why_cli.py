"""``storyline show STORY --why`` on a store built from the demo corpus."""

from __future__ import annotations

import json

import pytest
from test_stories_ingest import demo_rows, write_jsonl
from typer.testing import CliRunner

from storyline.cli import app

# Two events that share a town (Port Calloway) and one that does not: three per event.
EVENTS = ("alvarez-embezzlement-trial", "port-calloway-marathon", "quillon-data-breach")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("why")
    db = f"sqlite:///{folder / 'demo.db'}"
    path = write_jsonl(folder / "demo.jsonl", demo_rows(EVENTS, per_event=3))
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", db, "--quiet"])
    assert result.exit_code == 0, result.output
    return db


def _stories(db: str) -> list[dict]:
    result = CliRunner().invoke(app, ["stories", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_show_why_json_gives_each_member_its_best_match(demo_db):
    story = max(_stories(demo_db), key=lambda s: len(s["articles"]))
    assert len(story["articles"]) >= 2
    result = CliRunner().invoke(app, ["show", story["id"], "--db", demo_db, "--no-summary",
                                      "--why", "--format", "json"])
    assert result.exit_code == 0, result.output
    why = json.loads(result.stdout)["why"]
    assert why["story_id"] == story["id"]
    rows = {r["article_id"]: r for r in why["articles"]}
    assert set(rows) == set(story["articles"])
    for aid, row in rows.items():
        assert row["best_match"] in set(story["articles"]) - {aid}
        assert isinstance(row["similarity"], float) and row["weak"] in (True, False)
        assert row["weak"] == (row["similarity"] < why["weak_below"])
        assert aid not in why["weak"] or row["weak"]
    # Reports of one event name the same people and places.
    assert any(row["shared_entities"] for row in rows.values())
    assert any(row["shared_terms"] for row in rows.values())


def test_show_why_text_lists_every_article_with_its_evidence(demo_db):
    story = max(_stories(demo_db), key=lambda s: len(s["articles"]))
    result = CliRunner().invoke(app, ["show", story["id"][:10], "--db", demo_db,
                                      "--no-summary", "--why"])
    assert result.exit_code == 0, result.output
    section = result.stdout.split("why these articles", 1)[1]
    for aid in story["articles"]:
        assert aid in section
    assert section.count("best match") == len(story["articles"])
    assert "shared names:" in section and "similarity" in section
    plain = CliRunner().invoke(app, ["show", story["id"], "--db", demo_db, "--no-summary"])
    assert "why these articles" not in plain.stdout
