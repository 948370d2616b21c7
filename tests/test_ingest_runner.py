"""The ingest runner on SQLite and PostgreSQL: counts, duplicate links, publication order,
idempotency and batch atomicity."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from storyline.ingest.runner import Ingestor, IngestReport, StrictStop, ingest_paths
from storyline.model import Article
from storyline.store import schema

WORDS = [f"w{i:03d}" for i in range(400)]


def text(seed: int, n: int = 200) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def near_copy(body: str, seed: int) -> str:
    """One word in 40 changed: word-shingle Jaccard about 0.86."""
    rng = random.Random(seed)
    words = body.split()
    for start in range(0, len(words), 40):
        words[start + rng.randrange(min(40, len(words) - start))] = f"x{rng.randrange(10**6)}"
    return " ".join(words)


def record(i: int, body: str, day: int, **extra) -> dict:
    return {"url": f"https://outlet{i % 3}.example/{i}", "source": f"Outlet {i % 3}",
            "title": f"Title {i}", "text": body, "published": f"2016-09-{day:02d}", **extra}


def write_jsonl(path, lines) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for line in lines:
            handle.write((line if isinstance(line, str) else json.dumps(line)) + "\n")


def table_counts(store) -> dict[str, int]:
    tables = (schema.articles, schema.stories, schema.memberships, schema.analyses)
    with store.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in tables}


def test_counts_and_links(store, tmp_path):
    base = [text(i) for i in range(5)]
    lines = [record(i, base[i], 10 + i) for i in range(5)]
    lines.append(record(5, base[1].upper(), 20))  # exact: same normalized text
    lines.append(record(6, near_copy(base[2], 1), 21))  # near
    lines.append("{not json")
    lines.append({"title": "no text"})
    path = tmp_path / "in.jsonl"
    write_jsonl(path, lines)

    skips = []
    report = ingest_paths(store, [path], on_skip=skips.append)
    assert (report.ingested, report.duplicates, report.skipped) == (5, 2, 2)
    assert report.skip_reasons == {"malformed JSON": 1, "missing text": 1}
    assert [s.where for s in skips] == [f"{path}:8", f"{path}:9"]
    assert report.summary().startswith("ingested 5, duplicates 2, skipped 2 (")
    assert store.count_articles() == 7 and store.count_articles(originals_only=True) == 5

    ids = {i: Article(text="-", url=lines[i]["url"]).id for i in range(7)}
    exact, near = store.get_article(ids[5]), store.get_article(ids[6])
    assert (exact.duplicate_of, exact.duplicate_kind) == (ids[1], "exact")
    assert (near.duplicate_of, near.duplicate_kind) == (ids[2], "near")


def test_the_earlier_published_article_is_the_original(store, tmp_path):
    body = text(100)
    late = record(1, body, 25)
    early = record(2, near_copy(body, 2), 3)
    path = tmp_path / "in.jsonl"
    write_jsonl(path, [late, early])  # the later one comes first in the file
    ingest_paths(store, [path])
    late_id, early_id = (Article(text="-", url=r["url"]).id for r in (late, early))
    assert store.get_article(early_id).duplicate_of is None
    assert store.get_article(late_id).duplicate_of == early_id


def test_duplicates_inside_one_batch_and_across_runs(store):
    body = text(200)
    first = Article(url="https://a.example/1", text=body,
                    published=datetime(2016, 9, 1, tzinfo=UTC))
    same_batch = Article(url="https://b.example/2", text=near_copy(body, 3),
                         published=datetime(2016, 9, 2, tzinfo=UTC))
    report = IngestReport()
    Ingestor(store, batch_size=100).store_articles([first, same_batch], report)
    assert report.duplicates == 1
    assert store.get_article(same_batch.id).duplicate_of == first.id

    # A fresh ingestor (a later run) loads the index from the store.
    later = Article(url="https://c.example/3", text=near_copy(body, 4))
    exact_later = Article(url="https://d.example/4", text=body + " ")
    report = IngestReport()
    Ingestor(store).store_articles([later, exact_later], report)
    assert report.duplicate_kinds == {"near": 1, "exact": 1}
    assert store.get_article(later.id).duplicate_of == first.id
    assert store.get_article(exact_later.id).duplicate_of == first.id


def test_duplicates_across_batch_boundaries(store):
    originals = [Article(url=f"https://a.example/{i}", text=text(300 + i)) for i in range(7)]
    copies = [Article(url=f"https://b.example/{i}", text=near_copy(a.text, i))
              for i, a in enumerate(originals)]
    report = IngestReport()
    Ingestor(store, batch_size=3).store_articles(originals + copies, report)
    assert (report.ingested, report.duplicates) == (7, 7)
    for original, copy in zip(originals, copies, strict=True):
        assert store.get_article(copy.id).duplicate_of == original.id


def test_ingesting_the_same_input_again_changes_no_counts(store, tmp_path):
    path = tmp_path / "in.jsonl"
    base = [text(400 + i) for i in range(30)]
    lines = [record(i, b, 1 + i % 28) for i, b in enumerate(base)]
    lines += [record(100 + i, near_copy(base[i], i), 28) for i in range(5)]
    write_jsonl(path, lines)
    first = ingest_paths(store, [path])
    counts = table_counts(store)
    assert counts["articles"] == 35
    again = ingest_paths(store, [path])
    assert table_counts(store) == counts
    assert (again.ingested, again.duplicates, again.already_present) == (0, 0, 35)
    assert first.duplicates == 5


def test_a_failed_batch_stores_nothing_of_itself_and_a_rerun_completes(store):
    articles = [Article(url=f"https://a.example/{i}", text=text(500 + i)) for i in range(10)]

    class FailOnSecondBatch:
        calls = 0

        def assign(self, conn, batch):
            self.calls += 1
            if self.calls == 2:
                raise RuntimeError("power cut")

    report = IngestReport()
    with pytest.raises(RuntimeError):
        Ingestor(store, FailOnSecondBatch(), batch_size=4).store_articles(articles, report)
    assert store.count_articles() == 4  # the first batch only
    assert report.ingested == 4

    report = IngestReport()
    Ingestor(store, batch_size=4).store_articles(articles, report)
    assert (report.ingested, report.already_present) == (6, 4)
    assert store.count_articles() == 10


def test_undated_articles_come_last_in_publication_order(store):
    from storyline.ingest.runner import publication_order

    dated = Article(text="b", published=datetime(2016, 1, 2, tzinfo=UTC))
    undated = Article(text="a")
    earlier = Article(text="c", published=datetime(2015, 1, 1, tzinfo=UTC))
    assert publication_order([undated, dated, earlier]) == [earlier, dated, undated]


def test_strict_stops_at_the_first_problem_and_stores_nothing(store, tmp_path):
    path = tmp_path / "in.jsonl"
    write_jsonl(path, [record(1, text(600), 1), "{broken", record(2, text(601), 2)])
    with pytest.raises(StrictStop, match=r"in\.jsonl:2: malformed JSON"):
        ingest_paths(store, [path], strict=True)
    assert store.count_articles() == 0
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.ingest_runs)).scalar() == 0


def test_runs_are_recorded(store, tmp_path):
    path = tmp_path / "in.jsonl"
    write_jsonl(path, [record(1, text(700), 1), {"text": ""}])
    ingest_paths(store, [path])
    with store.engine.connect() as conn:
        run = conn.execute(select(schema.ingest_runs)).mappings().one()
    assert (run["ingested"], run["skipped"], run["skip_reasons"]) == (1, 1, {"empty text": 1})
    assert run["finished_at"] is not None


class OneStoryPerSource:
    """A minimal real assigner: writes a story per outlet and a membership per article."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def assign(self, conn, articles) -> None:
        for article in articles:
            self.seen.append(article.id)
            story = f"story-{article.source}"
            if conn.execute(select(schema.stories.c.id).where(
                    schema.stories.c.id == story)).first() is None:
                conn.execute(schema.stories.insert().values(
                    id=story, title=article.source, size=0, sources=[], entities=[],
                    updated_seq=0))
            conn.execute(schema.memberships.insert().values(article_id=article.id,
                                                            story_id=story))


def test_duplicates_never_reach_the_assigner_and_reruns_assign_nothing(store, tmp_path):
    path = tmp_path / "in.jsonl"
    base = [text(800 + i) for i in range(6)]
    write_jsonl(path, [record(i, b, 1 + i) for i, b in enumerate(base)]
                + [record(50, near_copy(base[0], 9), 9), record(51, base[1], 10)])
    assigner = OneStoryPerSource()
    ingest_paths(store, [path], assigner=assigner)
    assert len(assigner.seen) == 6
    duplicates = {r.article.id for r in store.list_articles(limit=None) if r.duplicate_of}
    assert len(duplicates) == 2 and not duplicates & set(assigner.seen)
    counts = table_counts(store)
    again = OneStoryPerSource()
    ingest_paths(store, [path], assigner=again)
    assert again.seen == [] and table_counts(store) == counts


def test_articles_stored_without_stories_get_them_on_the_next_ingest(store, tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(first, [record(i, text(900 + i), 1 + i) for i in range(4)])
    write_jsonl(second, [record(10, text(950), 20)])
    ingest_paths(store, [first])  # no assigner: stored only
    assert len(store.unassigned_article_ids()) == 4
    assigner = OneStoryPerSource()
    ingest_paths(store, [second], assigner=assigner)
    assert len(assigner.seen) == 5
    assert store.unassigned_article_ids() == []


def test_hostile_records_are_stored_or_skipped_never_crash(store, tmp_path):
    path = tmp_path / "odd.jsonl"
    lines = [
        json.dumps({"url": "https://n.example/1", "text": "NUL \u0000 inside, stored."}),
        json.dumps({"url": "https://n.example/2", "text": "Lone \ud800 surrogate here."}),
        json.dumps({"url": "https://n.example/3", "text": "Huge stamp.", "published": 1e20}),
        json.dumps({"url": "https://n.example/4", "text": "...!!! ---"}),
        "[" * 50_000,
        json.dumps({"url": "https://n.example/5", "text": "Extra kept.",
                    "tags": ["a\u0000b", {"k": "\udc80"}], "id": 12}),
        json.dumps(["not", "an", "object"]),
    ]
    write_jsonl(path, lines)
    skips = []
    report = ingest_paths(store, [path], on_skip=skips.append)
    assert report.ingested == 3
    assert [(s.where.rsplit(":", 1)[1], s.reason) for s in skips] == [
        ("3", "unparseable date"), ("4", "empty text"), ("5", "nested too deeply"),
        ("7", "malformed JSON")]
    nul = store.get_article(Article(text="-", url="https://n.example/1").id).article.text
    assert nul == "NUL \ufffd inside, stored."  # one character for one: offsets still hold
    extra = store.get_article("12").article.extra
    assert extra["tags"] == ["a\ufffdb", {"k": "\ufffd"}]


def test_with_the_real_story_assigner_duplicates_stay_out_of_stories(sqlite_url, tmp_path):
    from storyline.store import open_store
    from storyline.stories import make_assigner

    store = open_store(sqlite_url)
    try:
        path = tmp_path / "in.jsonl"
        base = [text(1000 + i, n=120) for i in range(4)]
        write_jsonl(path, [record(i, b, 1 + i) for i, b in enumerate(base)]
                    + [record(20, near_copy(base[0], 5), 6), record(21, base[2], 7)])
        report = ingest_paths(store, [path], assigner=make_assigner(store))
        assert (report.ingested, report.duplicates) == (4, 2)
        with store.engine.connect() as conn:
            members = {r[0] for r in conn.execute(select(schema.memberships.c.article_id))}
            originals = {r[0] for r in conn.execute(
                select(schema.articles.c.id).where(schema.articles.c.duplicate_of.is_(None)))}
        assert members == originals  # every original in exactly one story (primary key)
        counts = table_counts(store)
        ingest_paths(store, [path], assigner=make_assigner(store))
        assert table_counts(store) == counts
    finally:
        store.close()


@pytest.mark.parametrize(("value", "expected"), [
    ("2016-09-24", "2016-09-24T00:00:00+00:00"),
    ("2016-09-24T10:31:00+02:00", "2016-09-24T08:31:00+00:00"),
    ("2016-09-24T10:31:00Z", "2016-09-24T10:31:00+00:00"),
    ("Sat, 24 Sep 2016 10:31:00 GMT", "2016-09-24T10:31:00+00:00"),
    ("September 2016", "2016-09-01T00:00:00+00:00"),
    (1474713060, "2016-09-24T10:31:00+00:00"),
])
def test_publication_dates_that_are_read(value, expected):
    from storyline.ingest.records import parse_published

    assert parse_published(value).isoformat() == expected


@pytest.mark.parametrize("value", ["Friday", "March 5", "12", "yesterday", "not a date",
                                   "2016-13-45", 1e20, True, ["2016"]])
def test_publication_dates_that_are_refused(value):
    from storyline.ingest.records import parse_published

    with pytest.raises(ValueError, match="unparseable date"):
        parse_published(value)
