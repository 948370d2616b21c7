"""Updates, outlets, leads and Atom feeds through the HTTP API and pages (TestClient)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, update
from test_serve_support import XSS_TITLE, builder, fill

from storyline.ingest.plain import add_articles
from storyline.model import Article
from storyline.serve import ServeConfig, create_app
from storyline.serve.digests import DigestCache
from storyline.store import schema

# A later report on the Geneva story that adds something new, and repeats the ceasefire.
GENEVA_D = ("The United Nations will send forty unarmed observers to monitor the ceasefire "
            "along the northern border, a spokesman said on Wednesday. The ceasefire will "
            "start at noon on Friday, officials said.")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('updates') / 'store.db'}"
    store = fill(url)
    add_articles(store, [Article(GENEVA_D, id="a4", source="Lake Times", title="UN observers",
                                published=datetime(2024, 3, 6, 8, tzinfo=UTC))], run_id=None)
    with store.begin() as conn:
        conn.execute(insert(schema.memberships).values(article_id="a4", story_id="s-geneva"))
        conn.execute(update(schema.stories).where(schema.stories.c.id == "s-geneva").values(
            last_published=datetime(2024, 3, 6, 8, tzinfo=UTC), size=4,
            sources=["Harbor Ledger", "North Wire", "River Post", "Lake Times"]))
    app = create_app(ServeConfig(db_url=url, cache_seconds=0, digest_wait=120), store=store)
    app.state.digests = DigestCache(store, builder)
    with TestClient(app) as c:
        yield c


def test_api_story_since_gives_the_update_of_the_new_articles(client):
    answer = client.get("/api/stories/s-geneva", params={"since": "2024-03-05"})
    assert answer.status_code == 200, answer.text
    news = answer.json()["update"]
    assert news["new_articles"] == ["a4"]
    assert sorted(news["seen_articles"]) == ["a1", "a2", "a3"]
    assert [c["text"] for c in news["summary"]] == [GENEVA_D[:GENEVA_D.index("Wednesday.") + 10]]
    for c in news["summary"]:
        assert c["article_id"] == "a4" and c["sources"][0] == "a4"
        assert GENEVA_D[c["start"]:c["end"]] == c["text"]
    # The plain story has no update; nothing new after the last article.
    assert "update" not in client.get("/api/stories/s-geneva").json()
    later = client.get("/api/stories/s-geneva", params={"since": "2024-03-07"}).json()
    assert later["update"]["new_articles"] == [] and later["update"]["summary"] == []


def test_api_since_that_is_not_a_date_is_a_400(client):
    answer = client.get("/api/stories/s-geneva", params={"since": "last tuesday"})
    assert answer.status_code == 400
    assert "since" in answer.json()["detail"]


def test_api_outlets(client):
    client.get("/api/stories/s-geneva")  # builds the digest
    view = client.get("/api/stories/s-geneva/outlets").json()
    assert view["first_reporters"] == ["Harbor Ledger"]
    assert [o["outlet"] for o in view["outlets"]] == ["Harbor Ledger", "North Wire",
                                                      "River Post", "Lake Times"]
    assert view["outlets"][0]["headline"] == XSS_TITLE
    marks = {s["text"]: s["outlets"] for s in view["statements"]}
    assert marks["Negotiators met in Geneva on Monday."] == {
        "Harbor Ledger": "reports", "North Wire": "reports"}
    assert client.get("/api/stories/nope/outlets").status_code == 404


def _links_resolve(client, feed) -> None:
    for entry in feed.entries:
        for link in entry.links:
            parts = urlsplit(link.href)
            assert parts.scheme == "http" and parts.netloc == "testserver", link.href
            assert client.get(parts.path).status_code == 200, link.href


def test_story_feed_has_an_entry_per_update_and_parses_cleanly(client):
    answer = client.get("/stories/s-geneva/feed.atom")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    # Three publication days: the first report (4 March), the updates of 5 and 6 March.
    assert [e.title.split(",")[0] for e in feed.entries] == ["Update", "Update",
                                                             "First report"]
    newest = feed.entries[0]
    assert "2024-03-06" in newest.title and "Lake Times" in newest.title
    assert "forty unarmed observers" in newest.content[0].value
    assert "/articles/a4?" in newest.content[0].value
    assert "ceasefire will start at noon" not in newest.content[0].value
    assert "<script" not in answer.text  # the hostile title is escaped text
    _links_resolve(client, feed)


def test_new_stories_feed_and_links_on_the_pages(client):
    feed = feedparser.parse(client.get("/feed.atom").content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert {e.title for e in feed.entries} == {"Geneva ceasefire talks", "Valley floods"}
    _links_resolve(client, feed)
    page = client.get("/").text
    assert 'href="/feed.atom"' in page
    assert 'href="/stories/s-geneva/feed.atom"' in client.get("/stories/s-geneva").text


def test_story_card_lead_and_story_page_outlets(client):
    client.get("/api/stories/s-geneva")  # builds the digest, so the card has a lead
    page = client.get("/").text
    assert "Negotiators met in Geneva on Monday." in page
    assert "2 sources" in page
    story = client.get("/stories/s-geneva").text
    assert 'id="outlets"' in story and "Reported first by" in story
    assert 'class="cell reports"' in story
    fragment = client.get("/stories/s-geneva/new", params={"since": "2024-03-05"})
    assert fragment.status_code == 200
    assert "New since your last visit" in fragment.text and "1 new article" in fragment.text
    assert "forty unarmed observers" in fragment.text
