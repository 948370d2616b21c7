"""``storyline ingest --engine ray``: the same stored articles and stories as the local path.

Skips where Ray is not installed (``pip install 'storyline[ray]'``). One local Ray (2 CPUs, one
analysis actor) serves the module; a part of the demo corpus (three events, an exact copy)
keeps it quick.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'storyline[ray]')")

from storyline.ingest import ray_engine  # noqa: E402
from storyline.ingest.runner import ingest_paths  # noqa: E402
from storyline.store import open_store  # noqa: E402
from storyline.stories import make_assigner  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "storyline" / "demo" / "articles.jsonl"
EVENTS = ("alvarez-embezzlement-trial", "eastbridge-closure", "harmon-corp-earnings")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    rows = [json.loads(line) for line in DEMO.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r["event"] in EVENTS]
    folder = tmp_path_factory.mktemp("ray")
    copy = dict(rows[0], url=rows[0]["url"] + "?copy", source="Copycat")  # an exact copy
    paths = []
    for k, part in enumerate((rows[0::2], rows[1::2] + [copy])):
        path = folder / f"part{k}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in part) + "{broken\n")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def local_ray():
    ray_engine.shutdown()
    yield ray_engine.RayOptions(num_cpus=2, actors=1)  # one model load: the test stays quick
    ray_engine.shutdown()


def snapshot(store) -> tuple[dict, set]:
    rows = store.list_articles(limit=None)
    articles = {r.article.id: (r.article.text, r.duplicate_of) for r in rows}
    return articles, {frozenset(s.articles) for s in store.list_stories()}


def test_ray_engine_stores_what_the_local_engine_stores(inputs, local_ray, tmp_path):
    local = open_store(f"sqlite:///{tmp_path / 'local.db'}")
    expected = ingest_paths(local, inputs, assigner=make_assigner(local), on_skip=lambda s: None)
    on_ray = open_store(f"sqlite:///{tmp_path / 'ray.db'}")
    timings: dict[str, float] = {}
    skips = []
    report = ray_engine.ingest_with_ray(on_ray, inputs, assigner=make_assigner(on_ray),
                                        options=local_ray, on_skip=skips.append,
                                        timings=timings)
    assert report.summary() == expected.summary()
    assert report.duplicates == 1 and report.skipped == 2
    assert sorted(s.where for s in skips) == sorted(f"{p}:{p.read_text().count(chr(10))}"
                                                    for p in inputs)
    assert snapshot(on_ray) == snapshot(local)
    assert len(snapshot(on_ray)[1]) >= 3
    assert set(timings) >= {"read", "analyze", "store"}
    # Again: nothing changes (the features of stored articles are not even computed).
    again = ray_engine.ingest_with_ray(on_ray, inputs, assigner=make_assigner(on_ray),
                                       options=local_ray, on_skip=lambda s: None)
    assert again.ingested == 0 and snapshot(on_ray) == snapshot(local)


def test_ray_engine_from_the_cli_and_its_one_line_errors(inputs, tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    wrong = CliRunner().invoke(app, ["ingest", str(inputs[0]), "--db", db, "--engine", "spark"])
    assert wrong.exit_code == 2 and "unknown engine" in wrong.stderr
    alone = CliRunner().invoke(app, ["ingest", str(inputs[0]), "--db", db, "--address", "auto"])
    assert alone.exit_code == 2 and "only with --engine ray" in alone.stderr
