"""``storyline show ID --since DATE | --since-last`` and ``--outlets`` through the CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner
from updates_support import FIRST, SECOND, write_rows

from storyline.cli import app


def _show(runner, db, story, *options):
    result = runner.invoke(app, ["show", story, "--db", db, "--format", "json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_since_last_since_and_outlets(tmp_path):
    db = f"sqlite:///{tmp_path / 's.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(write_rows(tmp_path / "a.jsonl", FIRST)),
                               "--db", db]).exit_code == 0
    (story,) = json.loads(runner.invoke(app, ["stories", "--db", db, "--format",
                                              "json"]).stdout)
    first = _show(runner, db, story["id"], "--since-last")
    assert sorted(first["update"]["new_articles"]) == sorted(story["articles"])
    assert first["update"]["summary"] and "summary" not in first

    assert runner.invoke(app, ["ingest", str(write_rows(tmp_path / "b.jsonl", SECOND)),
                               "--db", db]).exit_code == 0
    (grown,) = json.loads(runner.invoke(app, ["stories", "--db", db, "--format",
                                              "json"]).stdout)
    added = sorted(set(grown["articles"]) - set(story["articles"]))
    assert len(added) == 2
    second = _show(runner, db, story["id"], "--since-last")["update"]
    assert sorted(second["new_articles"]) == added
    assert sorted(second["seen_articles"]) == sorted(story["articles"])
    assert second["summary"]
    assert all(c["article_id"] in added for c in second["summary"])
    assert not any("fourteen" in c["text"] for c in second["summary"])
    # Nothing arrived since: nothing new.
    assert _show(runner, db, story["id"], "--since-last")["update"]["new_articles"] == []
    # --since: articles published after that day are new, whatever was shown before.
    dated = _show(runner, db, story["id"], "--since", "2031-04-08")["update"]
    assert sorted(dated["new_articles"]) == added
    # The text form says what is new and cites it.
    text = runner.invoke(app, ["show", story["id"], "--db", db, "--since", "2031-04-08"])
    assert text.exit_code == 0 and "new since 2031-04-08" in text.stdout
    assert "2 new article(s)" in text.stdout

    # --outlets (the same store, to pay for one analysis only)
    view = _show(runner, db, story["id"], "--outlets", "--no-summary")["outlets"]
    assert view["first_reporters"] == ["Carrow Weekly"]
    assert [o["outlet"] for o in view["outlets"]] == ["Carrow Weekly", "North Wire",
                                                      "Vale Times", "Harbor Post"]
    assert view["statements"], "the digest's cited sentences"
    for s in view["statements"]:
        assert set(s["outlets"].values()) <= {"reports", "republishes"}
    text = runner.invoke(app, ["show", story["id"], "--db", db, "--outlets", "--no-summary"])
    assert "reported first: Carrow Weekly" in text.stdout

    # Bad input: one line naming the option and the problem.
    bad = runner.invoke(app, ["show", story["id"], "--db", db, "--since", "yesterday-ish"])
    assert bad.exit_code != 0
    assert "--since 'yesterday-ish': not a date" in bad.output
    both = runner.invoke(app, ["show", story["id"], "--db", db, "--since", "2031-04-08",
                               "--since-last"])
    assert both.exit_code != 0 and "give one of them" in both.output
