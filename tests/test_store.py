"""The store on SQLite and PostgreSQL: the same behaviour through the same code."""

from __future__ import annotations

from datetime import datetime, timezone

from storyline.model import Article
from storyline.store import migrations, open_store


def _article(text: str, **kw) -> Article:
    return Article(text=text, **kw)


def test_add_and_read_back(store):
    a = _article("Ceasefire talks resumed in Geneva on Friday.", source="Wire",
                 title="Talks resume", published=datetime(2016, 9, 23, tzinfo=timezone.utc))
    assert store.add_articles([a], run_id=None) == 1
    row = store.get_article(a.id)
    assert row is not None
    assert row.article.text == a.text
    assert row.article.published == a.published
    assert row.article.source == "Wire"


def test_adding_again_changes_nothing(store):
    a = _article("Flooding closed the coastal road for a second day.")
    store.add_articles([a], run_id=None)
    assert store.add_articles([a], run_id=None) == 0
    assert store.count_articles() == 1


def test_full_text_search_ranks_matches_and_ignores_syntax(store):
    store.add_articles([
        _article("The convoy was hit by an air strike near the city.", title="Convoy hit"),
        _article("Markets rallied as the central bank held rates.", title="Markets"),
    ], run_id=None)
    hits = store.list_articles(query="air strike")
    assert [h.article.title for h in hits] == ["Convoy hit"]
    # FTS operators in user text are taken as words, not syntax.
    assert [h.article.title for h in store.list_articles(query='convoy" (*')] == ["Convoy hit"]


def test_filters_by_outlet_and_date(store):
    store.add_articles([
        _article("One.", source="Alpha", published=datetime(2016, 9, 1, tzinfo=timezone.utc)),
        _article("Two.", source="Beta", published=datetime(2016, 9, 10, tzinfo=timezone.utc)),
    ], run_id=None)
    assert [r.article.text for r in store.list_articles(source="beta")] == ["Two."]
    since = datetime(2016, 9, 5, tzinfo=timezone.utc)
    assert [r.article.text for r in store.list_articles(since=since)] == ["Two."]


def test_migrations_bring_an_old_database_forward_without_loss(tmp_path):
    from sqlalchemy import create_engine

    from storyline.ingest.dedup import text_hash
    from storyline.store.database import article_row

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    migrations.upgrade(engine, target=1)  # a database as the first release wrote it
    a = _article("Kept across upgrades.")
    row = article_row(a, text_hash(a.text), None)
    row["seq"] = 1
    from storyline.store import schema

    with engine.begin() as conn:
        conn.execute(schema.articles.insert(), [row])
        assert migrations.installed_version(conn) == 1
        assert not conn.dialect.has_table(conn, "analyses")
    engine.dispose()

    store = open_store(url)
    with store.begin() as conn:
        assert migrations.installed_version(conn) == migrations.LATEST
        assert conn.dialect.has_table(conn, "analyses")
    assert store.get_article(a.id).article.text == "Kept across upgrades."
