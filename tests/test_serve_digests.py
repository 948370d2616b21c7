"""The digest cache behind the story page, and the view helpers the templates use."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import insert
from test_serve_support import GENEVA_B, builder, fill, geneva_digest, span_of

from storyline.ingest.plain import add_articles
from storyline.model import Article
from storyline.serve import views
from storyline.serve.digests import DigestCache, digest_from_json, digest_to_json
from storyline.store import open_store, schema


def counting(calls: list[str]):
    def build(store, story_id):
        calls.append(story_id)
        return builder(store, story_id)

    return build


def members(store, story_id):
    story = store.get_story(story_id)
    return [r.article for r in store.get_articles(story.articles)]


def test_digest_is_built_once_per_story_version(sqlite_url):
    store = fill(sqlite_url)
    calls: list[str] = []
    cache = DigestCache(store, counting(calls))
    first = cache.get("s-geneva", members(store, "s-geneva"))
    # A second cache (another worker process) reads the stored digest instead of building.
    again = DigestCache(store, counting(calls)).get("s-geneva", members(store, "s-geneva"))
    assert calls == ["s-geneva"] and again == first
    # A new member article makes a new version: built again on the next visit.
    add_articles(store, [Article("Talks ended in Geneva.", id="a4", source="Bay Times",
                                published=datetime(2024, 3, 6, tzinfo=UTC))], run_id=None)
    with store.begin() as conn:
        conn.execute(insert(schema.memberships).values(article_id="a4", story_id="s-geneva"))
    cache.get("s-geneva", members(store, "s-geneva"))
    assert calls == ["s-geneva", "s-geneva"]


def test_a_new_analysis_or_digest_version_builds_the_digest_again(sqlite_url, monkeypatch):
    from storyline.analyze import pipeline
    from storyline.digest import version

    store = fill(sqlite_url)
    calls: list[str] = []
    DigestCache(store, counting(calls)).get("s-geneva", members(store, "s-geneva"))
    monkeypatch.setattr(version, "VERSION", version.VERSION + "-next")
    DigestCache(store, counting(calls)).get("s-geneva", members(store, "s-geneva"))
    monkeypatch.setattr(pipeline, "VERSION", pipeline.VERSION + "-next")
    DigestCache(store, counting(calls)).get("s-geneva", members(store, "s-geneva"))
    assert calls == ["s-geneva"] * 3


def test_a_failing_build_is_remembered_not_retried(sqlite_url):
    store = fill(sqlite_url)
    calls: list[str] = []
    cache = DigestCache(store, counting(calls))
    assert cache.get("s-floods", members(store, "s-floods")) is None
    assert cache.get("s-floods", members(store, "s-floods")) is None
    assert calls == ["s-floods"]


def test_warm_builds_missing_digests(sqlite_url):
    store = fill(sqlite_url)
    calls: list[str] = []
    assert DigestCache(store, counting(calls)).warm(["s-geneva", "s-floods", "nope"]) == 1
    assert DigestCache(store, None).get("s-geneva", members(store, "s-geneva")) is not None


def test_digest_json_round_trip_keeps_quotes_and_dates():
    d = geneva_digest(None, "s-geneva")
    back = digest_from_json(digest_to_json(d))
    assert back == d


def test_best_match_finds_the_reworded_sentence():
    from storyline.serve.digests import best_match

    span = best_match("A ceasefire will begin at noon on Friday.", GENEVA_B)
    assert span == span_of(GENEVA_B, "A ceasefire will begin at noon on Friday, according to "
                                     "officials.")
    assert best_match("Completely unrelated words here.", GENEVA_B) is None


def test_safe_url_only_links_http_and_https():
    assert views.safe_url("http://a.example/x") == "http://a.example/x"
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<b>",
                "vbscript:x", "//evil.example/x", "https://", "ftp://a.example/f",
                "https://a.example/\nx", None, ""):
        assert views.safe_url(bad) is None, bad


def test_timeline_figure_places_dates_in_order_and_sizes_by_sentences():
    entries = [{"date": d, "sentences": [{"text": "x"}] * n}
               for d, n in (("2024-01-01", 1), ("2024-01-03", 3), ("2024-01-31", 9))]
    fig = views.timeline_figure(entries)
    xs = [dot.x for dot in fig.dots]
    assert xs == sorted(xs) and xs[0] == fig.left and xs[-1] == fig.right
    # Spacing follows the calendar: 2 days of 30 is near the left end.
    assert abs((xs[1] - xs[0]) / (xs[2] - xs[0]) - 2 / 30) < 0.01
    assert fig.dots[0].r < fig.dots[1].r < fig.dots[2].r
    assert [t.label for t in fig.ticks][0] == "01 Jan 2024"
    assert views.timeline_figure([]) is None
    crowded = views.timeline_figure([{"date": f"2024-01-{d:02d}", "sentences": [{"text": "x"}]}
                                     for d in (1, 2, 3, 4, 5, 20, 31)])
    tick_xs = [t.x for t in crowded.ticks]
    assert tick_xs[0] == crowded.left and tick_xs[-1] == crowded.right
    assert all(b - a >= 125 for a, b in zip(tick_xs, tick_xs[1:], strict=False))
    single = views.timeline_figure(entries[:1])
    assert single.dots[0].x == (single.left + single.right) / 2


def test_date_span_reads_naturally():
    a = datetime(2024, 2, 28, tzinfo=UTC)
    assert views.date_span(a, a) == "28 Feb 2024"
    assert views.date_span(a, datetime(2024, 3, 2, tzinfo=UTC)) == "28 Feb – 2 Mar 2024"
    assert views.date_span(None, None) == "undated"


def test_precompute_builds_the_newest_stories_in_the_background(sqlite_url, monkeypatch):
    import storyline.serve.digests as digests_module
    from storyline.serve.server import precompute_digests

    fill(sqlite_url).close()
    monkeypatch.setattr(digests_module, "default_builder", lambda: builder)
    done: list[tuple[int, int]] = []
    thread = precompute_digests(sqlite_url, 5, on_done=lambda built, n: done.append((built, n)))
    thread.join(timeout=30)
    assert done == [(1, 2)]  # two stories looked at; the floods story has no digest to build
    store = open_store(sqlite_url)
    assert DigestCache(store, None).get("s-geneva", members(store, "s-geneva")) is not None


def test_a_failure_is_tried_again_after_a_while(sqlite_url, monkeypatch):
    import storyline.serve.digests as digests_module

    store = fill(sqlite_url)
    calls: list[str] = []
    cache = DigestCache(store, counting(calls))
    cache.get("s-floods", members(store, "s-floods"))
    monkeypatch.setattr(digests_module, "SETTINGS",
                        replace(digests_module.SETTINGS, retry_failed_seconds=-1.0))
    cache.get("s-floods", members(store, "s-floods"))
    assert calls == ["s-floods", "s-floods"]
