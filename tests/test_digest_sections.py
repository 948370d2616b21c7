"""A count that changed over time is shown as its evolution, never under the disputes."""

from __future__ import annotations

import io

from rich.console import Console

from storyline.cli import stories_cmd
from storyline.model import Article, Citation, Digest, Disagreement


def _digest() -> Digest:
    def cite(text: str, article: str) -> Citation:
        return Citation(text=text, article_id=article, start=0, end=len(text), sources=[article])

    return Digest(story_id="s", disagreements=[
        Disagreement("number", "Killed: 18 per North Wire, 25 per East Post",
                     [cite("At least 18 died.", "a"), cite("25 died.", "b")]),
        Disagreement("evolution", "Killed, as reported over time: 18 on 10 March -> 25",
                     [cite("18 died on Monday.", "a"), cite("25 died by Tuesday.", "c")]),
    ])


def _geneva_page(sqlite_url, change, ready: str) -> str:
    """The story page of the test store's Geneva story, its digest changed by ``change``,
    once the page shows ``ready`` (the digest may be built in the background first)."""
    from fastapi.testclient import TestClient
    from test_serve_support import fill, geneva_digest

    from storyline.serve import ServeConfig, create_app
    from storyline.serve.digests import DigestCache

    def build(store, story_id):
        digest = geneva_digest(store, story_id)
        change(digest)
        return digest

    store = fill(sqlite_url)
    app = create_app(ServeConfig(db_url=sqlite_url, cache_seconds=0), store=store)
    app.state.digests = DigestCache(store, build)
    with TestClient(app) as client:
        page = client.get("/stories/s-geneva")
        for _ in range(50):
            if ready in page.text:
                break
            page = client.get("/stories/s-geneva")
    assert page.status_code == 200
    return page.text


def test_the_cli_prints_evolutions_under_their_own_heading(monkeypatch):
    buffer = io.StringIO()
    monkeypatch.setattr(stories_cmd, "out", Console(file=buffer, width=200, soft_wrap=True))
    stories_cmd._print_digest(_digest(), {})
    text = buffer.getvalue()
    disputes, _, changes = text.partition("how the figures changed")
    assert "where sources disagree" in disputes and "18 per North Wire" in disputes
    assert "as reported over time" not in disputes
    assert "as reported over time" in changes and "25 died by Tuesday." in changes
    assert "North Wire" not in changes


def test_the_story_page_shows_evolutions_apart_from_disputes(sqlite_url):
    def change(digest):
        digest.disagreements = _digest().disagreements

    text = _geneva_page(sqlite_url, change, "How the figures changed")
    disputes, _, changes = text.partition('id="evolutions"')
    assert "18 per North Wire" in disputes and "as reported over time" not in disputes
    assert "as reported over time" in changes and "How the figures changed" in changes


def _two_sentence_quote() -> list[Citation]:
    first = '"Maria signed what she was given to sign.'
    second = 'She trusted the system," her lawyer said.'
    return [Citation(first, "a", 100, 100 + len(first), ["a"]),
            Citation(second, "a", 101 + len(first), 101 + len(first) + len(second), ["a"]),
            Citation("The jury found her guilty.", "b", 0, 26, ["b", "a"])]


def test_the_cli_shows_a_quotation_over_two_sentences_as_one_item(monkeypatch):
    buffer = io.StringIO()
    monkeypatch.setattr(stories_cmd, "out", Console(file=buffer, width=300, soft_wrap=True))
    stories_cmd._print_digest(Digest(story_id="s", summary=_two_sentence_quote()),
                              {"a": Article(id="a", text="x", source="North Wire"),
                               "b": Article(id="b", text="y", source="East Post")})
    items = [line for line in buffer.getvalue().splitlines() if line.startswith("  - ")]
    assert len(items) == 2
    # Both sentences in one item, quotation marks balanced, the outlet cited once after them.
    assert items[0].count('"') == 2 and items[0].count("North Wire") == 1
    assert items[0].index("to sign.") < items[0].index("She trusted") < items[0].index("North")
    assert "East Post, North Wire" in items[1]


def test_the_story_page_shows_a_quotation_over_two_sentences_as_one_item(sqlite_url):
    def change(digest):
        quote = _two_sentence_quote()
        for c in quote[:2]:
            c.article_id, c.sources = "a1", ["a1"]  # published 4 March
        quote[2].article_id, quote[2].sources = "a3", ["a3"]  # 5 March
        digest.summary = quote

    text = _geneva_page(sqlite_url, change, "She trusted the system")
    summary = text.split('<ol class="summary">')[1].split("</ol>")[0]
    items = summary.split("<li>")[1:]
    assert len(items) == 2
    assert "to sign." in items[0] and "She trusted the system" in items[0]
    assert items[0].count('class="chips"') == 1
    # The two articles were published on 4 and 5 March: each item says from when it speaks.
    days = [item.split('class="day">')[1].split("<")[0] for item in items]
    assert sorted(days) == ["4 Mar", "5 Mar"], days


def test_a_summary_over_several_days_says_from_when_each_sentence_speaks(monkeypatch):
    from datetime import UTC, datetime

    def shown(days: tuple[int, int]) -> list[str]:
        buffer = io.StringIO()
        monkeypatch.setattr(stories_cmd, "out", Console(file=buffer, width=300, soft_wrap=True))
        articles = {aid: Article(id=aid, text="x", source=name,
                                 published=datetime(2025, 3, day, 9, tzinfo=UTC))
                    for aid, name, day in (("a", "North Wire", days[0]),
                                           ("b", "East Post", days[1]))}
        stories_cmd._print_digest(Digest(story_id="s", summary=_two_sentence_quote()), articles)
        return [line for line in buffer.getvalue().splitlines() if line.startswith("  - ")]

    spread = shown((3, 21))
    assert spread[0].startswith("  - 3 Mar: ") and spread[1].startswith("  - 21 Mar: ")
    # One day: the label would tell nothing.
    assert not any(":" in line.split('"')[0] for line in shown((3, 3)))


def _denial() -> Disagreement:
    """One claim and its denial as three outlets report it (``denial_merge``): the statements
    of two of them shown, all three named."""
    def cite(text: str, article: str) -> Citation:
        return Citation(text=text, article_id=article, start=0, end=len(text), sources=[article])

    return Disagreement(
        "denial", "A claim by Veloria, denied by Drustan (Harbor Ledger, North Wire, River Post)",
        [cite("Veloria blames the shelling on Drustan, which Drustan denies.", "a1"),
         cite("Veloria accused Drustan of shelling Kesh.", "a2"),
         cite("Drustan denied firing on the village.", "a2")],
        outlets=["Harbor Ledger", "North Wire", "River Post"])


def test_a_denial_that_several_outlets_report_keeps_its_outlets_in_json():
    from storyline.serve.digests import digest_from_json, digest_to_json

    digest = Digest(story_id="s", disagreements=[_denial()])
    stored = digest_to_json(digest)
    [item] = stored["disagreements"]
    assert item["outlets"] == ["Harbor Ledger", "North Wire", "River Post"]
    assert {"kind", "description", "statements"} <= set(item)  # the fields it always had
    assert digest_from_json(stored).disagreements == digest.disagreements
    del item["outlets"]  # a digest stored before the field: read as none named
    assert digest_from_json(stored).disagreements[0].outlets == []


def test_the_story_page_shows_each_outlets_statements_of_one_denial(sqlite_url):
    def change(digest):
        digest.disagreements = [_denial()]

    text = _geneva_page(sqlite_url, change, 'id="disagreements"')
    section = text.split('id="disagreements"', 1)[1].split("</section>", 1)[0]
    assert section.count('<p class="what">') == 1  # one item
    assert "denied by Drustan (Harbor Ledger, North Wire, River Post)" in section
    sentences = section.split('<span class="sentence">')[1:]
    assert len(sentences) == 3
    assert "Harbor Ledger" in sentences[0] and "North Wire" in sentences[1]
