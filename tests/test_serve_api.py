"""The JSON API and the server-rendered pages, through FastAPI's TestClient (httpx)."""

from __future__ import annotations

import html
import re
import socket

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_serve_support import GENEVA_A, GENEVA_C, XSS_TITLE, builder, fill, span_of
from test_serve_support import articles as support_articles
from typer.testing import CliRunner

from storyline.serve import ServeConfig, create_app
from storyline.serve.digests import DigestCache
from storyline.store import schema

TOKEN = "s3cret-token"


def make_client(url: str, token: str | None = TOKEN) -> TestClient:
    store = fill(url)
    # A digest build locates sources with the sentence encoder, whose first load can take
    # longer than a page's default wait on a loaded CI machine: these tests wait for it.
    app = create_app(ServeConfig(db_url=url, token=token, cache_seconds=0, digest_wait=120),
                     store=store)
    app.state.digests = DigestCache(store, builder)
    return TestClient(app)


@pytest.fixture
def client(sqlite_url):
    with make_client(sqlite_url) as c:
        yield c


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()["stories"]]


def test_story_list_filters_on_sqlite_and_postgresql(store_url):
    with make_client(store_url) as c:
        assert ids(c.get("/api/stories")) == ["s-geneva", "s-floods"]
        assert c.get("/api/stories").json()["total"] == 2
        assert ids(c.get("/api/stories", params={"source": "river post"})) == ["s-geneva"]
        assert ids(c.get("/api/stories", params={"entity": "okafor"})) == ["s-geneva"]
        assert ids(c.get("/api/stories", params={"entity": "50%_"})) == []
        assert ids(c.get("/api/stories", params={"from": "2024-03-01"})) == ["s-geneva"]
        assert ids(c.get("/api/stories", params={"to": "2024-02-15"})) == ["s-floods"]
        assert ids(c.get("/api/stories", params={"q": "floods valley"})) == ["s-floods"]
        assert ids(c.get("/api/stories", params={"q": "ceasefire"})) == ["s-geneva"]
        assert ids(c.get("/api/stories", params={"limit": 1, "offset": 1})) == ["s-floods"]
        bad = c.get("/api/stories", params={"from": "yesterday"})
        assert bad.status_code == 400 and "from='yesterday'" in bad.json()["detail"]
        # The pages over the same store (the digest cache table included).
        story = c.get("/stories/s-geneva")
        assert story.status_code == 200 and "3 outlets" in story.text
        assert c.get("/api/stories/s-geneva").json()["digest"]["summary"]
        assert "<mark" in c.get("/articles/a1?s=0&e=11").text


def test_story_detail_has_digest_and_where_each_outlet_says_it(client):
    body = client.get("/api/stories/s-geneva").json()
    assert body["story"]["articles"] == ["a1", "a2", "a3"]
    assert all("text" not in a for a in body["articles"])
    assert body["digest"], body["digest_status"]  # "failed" or "pending" says why
    summary = body["digest"]["summary"]
    assert [c["article_id"] for c in summary] == ["a1", "a1"]
    # The corroborating article a3 words it differently; the cache found its sentence.
    where = body["digest"]["locations"][f"a1:{summary[1]['start']}:{summary[1]['end']}"]
    start, end = where["a3"]
    assert GENEVA_C[start:end] == "The ceasefire begins Friday at noon."
    assert client.get("/api/stories/nope").status_code == 404
    # A story the builder cannot summarize still answers, without a digest.
    assert client.get("/api/stories/s-floods").json()["digest"] is None


def test_articles_search_and_article(client):
    listed = client.get("/api/articles", params={"story": "s-geneva"}).json()
    assert {a["id"] for a in listed} == {"a1", "a2", "a3"}
    found = client.get("/api/articles", params={"q": "observers cautious"}).json()
    assert [a["id"] for a in found] == ["a2"]
    one = client.get("/api/articles/a1").json()
    assert one["text"] == GENEVA_A and one["story"] == "s-geneva"
    assert client.get("/api/articles/zzz").status_code == 404
    search = client.get("/api/search", params={"q": "floods"}).json()
    assert [s["id"] for s in search["stories"]] == ["s-floods"]
    assert [a["id"] for a in search["articles"]] == ["b1"]


def test_ingest_needs_the_token(tmp_path):
    payload = [{"text": "A new bridge opened in Harbor City on Tuesday.", "source": "Bay Times",
                "title": "Bridge opens", "published": "2024-03-09"}]
    with make_client(f"sqlite:///{tmp_path / 'off.db'}", token=None) as off:
        refused = off.post("/api/ingest", json=payload)
        assert refused.status_code == 403 and "disabled" in refused.json()["detail"]
    with make_client(f"sqlite:///{tmp_path / 'on.db'}") as on:
        assert on.post("/api/ingest", json=payload).status_code == 401
        wrong = on.post("/api/ingest", json=payload, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        ok = on.post("/api/ingest", json=payload + [{"text": "   "}],
                     headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200, ok.text
        report = ok.json()
        assert report["ingested"] == 1 and report["skip_reasons"] == {"empty text": 1}
        found = on.get("/api/articles", params={"q": "bridge"}).json()
        assert [a["title"] for a in found] == ["Bridge opens"]
        # Assigned to a story as it arrived, like `storyline ingest` does.
        assert found[0]["story"] in ids(on.get("/api/stories", params={"q": "bridge"}))
        again = on.post("/api/ingest", json=payload, headers={"Authorization": f"Bearer {TOKEN}"})
        assert again.json()["already_present"] == 1 and again.json()["ingested"] == 0


def test_ingested_script_and_img_payloads_render_as_text(client):
    payload = [{"text": "Body <script>window.__pwned=3</script> and " + '<img src=x onerror="x()">',
                "title": "<img src=y onerror=alert(2)> headline", "source": "<b>Evil</b> Wire",
                "url": "javascript:alert(document.cookie)", "id": "evil"}]
    posted = client.post("/api/ingest", json=payload,
                         headers={"Authorization": f"Bearer {TOKEN}"})
    assert posted.json()["ingested"] == 1
    pages = [client.get("/").text, client.get("/stories/s-geneva").text,
             client.get("/articles/a1").text, client.get("/articles/a3").text,
             client.get("/articles/evil").text, client.get("/?q=%3Cscript%3E").text]
    for page in pages:
        assert "<script>window" not in page and "<img src=" not in page
        assert "<b>Evil" not in page and 'href="javascript:' not in page
    assert html.escape(XSS_TITLE, quote=False) in pages[2]
    assert "&lt;img src=y onerror=alert(2)&gt; headline" in pages[4]
    assert "&lt;b&gt;Evil&lt;/b&gt; Wire" in pages[4]
    # Only http(s) addresses become links; the javascript: one is not linked anywhere.
    assert 'href="https://harbor-ledger.example/geneva"' in pages[2]


def test_story_page_cites_sentences_and_draws_the_timeline(client):
    page = client.get("/stories/s-geneva")
    assert page.status_code == 200
    text = page.text
    assert "Content-Security-Policy" in page.headers
    s, e = span_of(GENEVA_A, "The ceasefire will start at noon on Friday, officials said.")
    assert f'href="/articles/a1?s={s}&amp;e={e}#hl">Harbor Ledger</a>' in text
    assert re.search(r'href="/articles/a3\?s=0&amp;e=36#hl">River Post</a>', text)
    assert "3 outlets" in text and "2 outlets" in text
    assert text.count("<circle") == 2 and "2024-03-08" in text
    assert "Maria Okafor" in text and "We are close" in text
    for group in ("People", "Places", "Organizations"):
        assert f"<h3>{group}</h3>" in text
    assert client.get("/stories/missing").status_code == 404


def test_why_api_and_page_explain_each_article(client):
    why = client.get("/api/stories/s-geneva/why")
    assert why.status_code == 200, why.text  # not taken for a story id by the detail route
    body = why.json()
    members = {"a1", "a2", "a3"}
    rows = {r["article_id"]: r for r in body["articles"]}
    assert set(rows) == members and body["story_id"] == "s-geneva"
    published = {a.id: a.published for a in support_articles()}
    for aid, row in rows.items():
        assert row["best_match"] in members - {aid}
        gap = abs(published[aid] - published[row["best_match"]]).total_seconds() / 86_400
        assert row["similarity"] is not None and row["days_apart"] == round(gap, 1)
    # Every Geneva report names Geneva: whichever it matches best, the name is shared.
    assert all("Geneva" in row["shared_entities"] for row in rows.values())
    assert client.get("/api/stories/s-ge/why").json()["story_id"] == "s-geneva"  # a prefix
    [alone] = client.get("/api/stories/s-floods/why").json()["articles"]
    assert alone["best_match"] is None and alone["weak"] is False
    assert client.get("/api/stories/nope/why").status_code == 404
    # Kept beside the digest for this set of members: the next visit reads it back.
    from storyline.serve.joins import cache_key

    with client.app.state.store.engine.connect() as conn:
        kept = conn.execute(select(schema.digests.c.story_id)).scalars().all()
    assert cache_key("s-geneva") in kept
    page = client.get("/stories/s-geneva").text
    section = page.split('id="why"', 1)[1].split("</section>", 1)[0]
    assert "Why these articles" in section and "shared names:" in section
    for aid in members:
        assert f'href="/articles/{aid}"' in section
    # The hostile title is shown as text in the evidence too.
    assert "<script>window" not in section
    assert html.escape(XSS_TITLE, quote=False) in section


def test_article_page_highlights_the_cited_span(client):
    s, e = span_of(GENEVA_A, "Negotiators met in Geneva on Monday.")
    text = client.get(f"/articles/a1?s={s}&e={e}").text
    assert '<mark id="hl">Negotiators met in Geneva on Monday.</mark>' in text
    for bad in ("s=5&e=2", "s=0&e=100000", "s=-1&e=3", "s=x&e=3"):
        assert "<mark" not in client.get(f"/articles/a1?{bad}").text


def test_list_page_filters_and_bad_dates(client):
    page = client.get("/", params={"source": "River Post"}).text
    assert "Geneva ceasefire talks" in page and "Valley floods" not in page
    bad = client.get("/", params={"from": "someday"})
    assert bad.status_code == 400 and "is not a date" in bad.text
    assert '<option value="River Post"' in client.get("/").text
    assert "Valley floods" in client.get("/", params={"page": "x"}).text


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/articles", "/api/search",
                 "/api/ingest"):
        assert path in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    # Swagger UI comes from this server (the installed bundle), never from a CDN.
    assert "/docs-assets/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text.lower()
    script = client.get("/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.text[:200_000]


def test_page_cache_serves_then_forgets_on_ingest(sqlite_url):
    store = fill(sqlite_url)
    app = create_app(ServeConfig(db_url=sqlite_url, token=TOKEN, cache_seconds=60), store=store)
    with TestClient(app) as c:
        assert "2 stories" in c.get("/").text
        store.delete_all()
        assert "2 stories" in c.get("/").text  # reused within the cache time
        c.post("/api/ingest", json=[{"text": "x y z."}],
               headers={"Authorization": f"Bearer {TOKEN}"})
        assert "2 stories" not in c.get("/").text


def test_serve_command_reports_bad_options(tmp_path):
    from storyline.cli import app

    runner = CliRunner()
    db = str(tmp_path / "s.db")
    missing = runner.invoke(app, ["serve", "--db", db, "--token-file", str(tmp_path / "no")])
    assert missing.exit_code == 2 and "--token-file" in missing.output
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        taken = runner.invoke(app, ["serve", "--db", db, "--port", str(port)])
    assert taken.exit_code == 2 and "already in use" in taken.output


def test_real_digest_chips_point_at_the_sentences_they_show(sqlite_url):
    from storyline.serve.digests import default_builder

    build = default_builder()
    assert build is not None, "storyline.digest.compose should provide the digest builder"
    store = fill(sqlite_url)
    app = create_app(ServeConfig(db_url=sqlite_url, cache_seconds=0), store=store)
    app.state.digests = DigestCache(store, build)
    with TestClient(app) as c:
        # Loading the NLP models can take longer than a page waits: ask the API to wait.
        digest = c.get("/api/stories/s-geneva", params={"wait": 240}).json()["digest"]
        assert digest and digest["summary"], "the real digest of the Geneva story is empty"
        page = c.get("/stories/s-geneva").text
    texts = {r.article.id: r.article.text for r in store.get_articles(["a1", "a2", "a3"])}
    for cited in digest["summary"]:
        assert texts[cited["article_id"]][cited["start"]:cited["end"]] == cited["text"]
        href = f'/articles/{cited["article_id"]}?s={cited["start"]}&amp;e={cited["end"]}#hl'
        assert href in page
        assert html.escape(cited["text"], quote=False) in page


def test_a_merged_story_redirects_to_the_story_it_joined(sqlite_url):
    from sqlalchemy import insert

    from storyline.store import schema

    with make_client(sqlite_url) as c:
        store = c.app.state.store
        with store.begin() as conn:
            conn.execute(insert(schema.stories).values(id="s-old", title="old", size=0,
                                                       sources=[], entities=[],
                                                       merged_into="s-geneva", updated_seq=0))
        page = c.get("/stories/s-old", follow_redirects=False)
        assert page.status_code == 301 and page.headers["location"] == "/stories/s-geneva"
        assert c.get("/api/stories/s-old").json()["story"]["id"] == "s-geneva"
        why = c.get("/api/stories/s-old/why", follow_redirects=False)
        assert why.status_code == 301
        assert why.headers["location"] == "/api/stories/s-geneva/why"
        assert "s-old" not in ids(c.get("/api/stories"))


def test_articles_with_awkward_ids_are_reachable(client):
    odd = "wire/2024?x=1&y=<b>"
    posted = client.post("/api/ingest", json=[{"id": odd, "text": "Odd ids still work."}],
                         headers={"Authorization": f"Bearer {TOKEN}"})
    assert posted.json()["ingested"] == 1
    from storyline.serve.views import article_href

    page = client.get(article_href(odd, [0, 8]))
    assert page.status_code == 200 and '<mark id="hl">Odd ids </mark>' in page.text
    assert client.get("/api/articles/" + article_href(odd).split("/", 2)[2]).json()["id"] == odd


def test_a_slow_digest_is_built_in_the_background(sqlite_url):
    import threading

    release = threading.Event()

    def slow(store, story_id):
        release.wait(30)
        return builder(store, story_id)

    store = fill(sqlite_url)
    app = create_app(ServeConfig(db_url=sqlite_url, cache_seconds=60, digest_wait=0.2),
                     store=store)
    app.state.digests = DigestCache(store, slow)
    with TestClient(app) as c:
        first = c.get("/stories/s-geneva")
        assert first.status_code == 200 and "being" in first.text and "prepared" in first.text
        assert '<meta http-equiv="refresh"' in first.text
        assert first.headers["cache-control"] == "no-store"
        assert "Geneva talks resume" in first.text  # the articles are there meanwhile
        assert c.get("/api/stories/s-geneva").json()["digest_status"] == "pending"
        release.set()
        ready = c.get("/api/stories/s-geneva", params={"wait": 20}).json()
        assert ready["digest_status"] == "ready" and ready["digest"]["summary"]
        # The pending page was not kept by the page cache: the summary shows now.
        assert "3 outlets" in c.get("/stories/s-geneva").text
