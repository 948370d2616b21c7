"""``storyline show`` answers from the digest stored for a story's exact members, without
loading any model, and builds (then stores) one only when none is current."""

from __future__ import annotations

import subprocess
import sys

from test_serve_support import fill, geneva_digest

from storyline.serve.digests import DigestCache, digest_to_json, story_version

HEAVY = ("spacy", "torch", "onnxruntime", "sentence_transformers", "faiss", "sklearn",
         "transformers", "fastapi")
# Runs the CLI in a fresh interpreter, then reports which heavy libraries it imported.
PROBE = ("import sys\nfrom storyline.cli import main\nsys.argv = ['storyline', *sys.argv[1:]]\n"
         "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\nelse:\n    code = 0\n"
         f"print('LOADED', sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
         "sys.exit(code)\n")


def _show(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE, "show", *args, "--db", url],
                          capture_output=True, text=True, timeout=300, check=False)


def test_show_reads_the_stored_digest_without_loading_models(sqlite_url):
    store = fill(sqlite_url)
    story = store.get_story("s-geneva")
    digest = geneva_digest(store, "s-geneva")
    DigestCache(store).put("s-geneva", story_version(story.articles), digest_to_json(digest))

    done = _show(sqlite_url, "s-geneva")
    assert done.returncode == 0, done.stderr
    assert "Negotiators met in Geneva on Monday." in done.stdout
    assert "LOADED []" in done.stderr, done.stderr


def test_a_digest_stored_for_other_members_is_built_again_and_stored(sqlite_url,
                                                                      monkeypatch):
    """A story that gained an article has another version: the old digest is not shown; a
    new one is built once, stored, and read back by the next ``show``."""
    from storyline.cli import stories_cmd
    from storyline.serve import digests

    store = fill(sqlite_url)
    story = store.get_story("s-geneva")
    old = geneva_digest(store, "s-geneva")
    old.summary.pop()  # what the story said before its third article
    DigestCache(store).put("s-geneva", story_version(["a1", "a2"]), digest_to_json(old))
    built: list[str] = []

    def builder(store_, story_id):
        built.append(story_id)
        return geneva_digest(store_, story_id)

    monkeypatch.setattr(digests, "default_builder", lambda: builder)
    first = stories_cmd._digest(store, "s-geneva", story.articles)
    again = stories_cmd._digest(store, "s-geneva", story.articles)
    assert built == ["s-geneva"]
    assert len(first.summary) == len(again.summary) == 2


def test_a_story_whose_outlets_are_unknown_says_so(sqlite_url):
    from sqlalchemy import update

    from storyline.store import schema

    store = fill(sqlite_url)
    story = store.get_story("s-geneva")
    DigestCache(store).put("s-geneva", story_version(story.articles),
                           digest_to_json(geneva_digest(store, "s-geneva")))
    named = _show(sqlite_url, "s-geneva")
    assert f"from {len(story.sources)} outlet(s)" in named.stdout and story.sources
    with store.begin() as conn:  # plain text files: no outlet given
        conn.execute(update(schema.stories).where(schema.stories.c.id == "s-geneva")
                     .values(sources=[]))
    unnamed = _show(sqlite_url, "s-geneva")
    assert unnamed.returncode == 0, unnamed.stderr
    assert "outlets not given" in unnamed.stdout and "0 outlet" not in unnamed.stdout


def test_the_story_page_says_when_no_outlet_is_given(sqlite_url):
    from fastapi.testclient import TestClient
    from sqlalchemy import update

    from storyline.serve import ServeConfig, create_app
    from storyline.store import schema

    store = fill(sqlite_url)
    app = create_app(ServeConfig(db_url=sqlite_url, cache_seconds=0), store=store)
    app.state.digests = DigestCache(store, lambda store_, story_id: geneva_digest(
        store_, story_id))
    with TestClient(app) as client:
        named = client.get("/stories/s-geneva").text
        with store.begin() as conn:
            conn.execute(update(schema.articles).values(source=None, url=None))
        unnamed = client.get("/stories/s-geneva").text
    assert "outlets not given" not in named and " outlet" in named
    assert "outlets not given" in unnamed and "1 outlet:" not in unnamed
