"""The store on SQLite and PostgreSQL: the same behaviour through the same code."""

from __future__ import annotations

from datetime import datetime, timezone

from storyline.ingest.plain import add_articles
from storyline.model import Article
from storyline.store import migrations, open_store


def _article(text: str, **kw) -> Article:
    return Article(text=text, **kw)


def test_add_and_read_back(store):
    a = _article("Ceasefire talks resumed in Geneva on Friday.", source="Wire",
                 title="Talks resume", published=datetime(2016, 9, 23, tzinfo=timezone.utc))
    assert add_articles(store, [a], run_id=None) == 1
    row = store.get_article(a.id)
    assert row is not None
    assert row.article.text == a.text
    assert row.article.published == a.published
    assert row.article.source == "Wire"


def test_adding_again_changes_nothing(store):
    a = _article("Flooding closed the coastal road for a second day.")
    add_articles(store, [a], run_id=None)
    assert add_articles(store, [a], run_id=None) == 0
    assert store.count_articles() == 1


def test_full_text_search_ranks_matches_and_ignores_syntax(store):
    add_articles(store, [
        _article("The convoy was hit by an air strike near the city.", title="Convoy hit"),
        _article("Markets rallied as the central bank held rates.", title="Markets"),
    ], run_id=None)
    hits = store.list_articles(query="air strike")
    assert [h.article.title for h in hits] == ["Convoy hit"]
    # FTS operators in user text are taken as words, not syntax.
    assert [h.article.title for h in store.list_articles(query='convoy" (*')] == ["Convoy hit"]


def test_filters_by_outlet_and_date(store):
    add_articles(store, [
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


def test_undated_articles_list_last_on_every_backend(store):
    add_articles(store, [
        _article("Undated."),
        _article("Old.", published=datetime(2015, 1, 1, tzinfo=timezone.utc)),
        _article("New.", published=datetime(2016, 1, 1, tzinfo=timezone.utc)),
    ], run_id=None)
    assert [r.article.text for r in store.list_articles()] == ["New.", "Old.", "Undated."]


def test_existing_reports_ids_with_their_text_hash(store):
    from storyline.ingest.dedup import text_hash

    a = _article("Rain in Oslo.", url="https://x.example/1")
    add_articles(store, [a], run_id=None)
    with store.begin() as conn:
        have, by_url, by_hash = store.existing(conn, [a.id, "missing"], [a.url],
                                               [text_hash(a.text)])
        assert have == {a.id: text_hash(a.text)}
        assert by_url == {a.url: a.id} and by_hash == {text_hash(a.text): a.id}
        assert store.article_texts(conn, [a.id, "missing"]) == {a.id: "Rain in Oslo."}


def test_a_failed_write_transaction_leaves_nothing(store):
    import pytest

    from storyline.ingest.dedup import text_hash
    from storyline.store.database import article_row

    a = _article("Never stored.")
    with pytest.raises(RuntimeError), store.begin() as conn:
        store.insert_articles(conn, [article_row(a, text_hash(a.text), None)])
        raise RuntimeError("crash")
    assert store.count_articles() == 0


def test_two_processes_opening_a_new_database_at_once(store_url):
    """Each migration step is applied once even when several openers race for it."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(lambda _: open_store(store_url), range(4)))
    try:
        with stores[0].begin() as conn:
            assert migrations.installed_version(conn) == migrations.LATEST
        add_articles(stores[0], [_article("After the race.")], run_id=None)
        assert stores[3].count_articles() == 1
    finally:
        for opened in stores:
            opened.close()


def test_default_location_and_overrides(tmp_path, monkeypatch):
    from storyline.store.database import default_db_url, normalize_db_url

    monkeypatch.delenv("STORYLINE_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_url() == f"sqlite:///{tmp_path / 'data' / 'storyline' / 'storyline.db'}"
    monkeypatch.setenv("STORYLINE_DB", str(tmp_path / "mine.db"))
    assert default_db_url() == f"sqlite:///{tmp_path / 'mine.db'}"
    monkeypatch.setenv("STORYLINE_DB", "postgresql://u@h/db")
    assert default_db_url() == "postgresql+psycopg://u@h/db"
    assert normalize_db_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_store_in_a_new_folder_is_created(tmp_path):
    url = f"sqlite:///{tmp_path / 'a' / 'b' / 'store.db'}"
    opened = open_store(url)
    try:
        assert opened.count_articles() == 0
    finally:
        opened.close()
    assert (tmp_path / "a" / "b" / "store.db").is_file()


def test_an_unopenable_store_is_one_line(tmp_path):
    import pytest

    from storyline.store.database import StoreError

    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    with pytest.raises(StoreError) as caught:
        open_store(f"sqlite:///{folder}")
    assert "\n" not in str(caught.value) and "cannot open store" in str(caught.value)


def test_a_postgresql_store_without_its_driver_says_which_extra_to_install(monkeypatch):
    import sys

    import pytest

    from storyline.store.database import StoreError

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the postgres extra were absent
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://127.0.0.1:1/none")
    message = str(caught.value)
    assert "\n" not in message and "storyline[postgres]" in message and "psycopg" in message
