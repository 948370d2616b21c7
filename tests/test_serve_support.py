"""A small store for the serve tests: three outlets, two stories, hostile titles and texts.

Stories and the digest are written here directly (story detection and summaries have their
own tests); what the serve tests check is how the pages and the API show them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert

from storyline.ingest.plain import add_articles
from storyline.model import Article, Citation, Digest, Quote, TimelineEntry
from storyline.store import open_store, schema

XSS_TITLE = "<script>window.__pwned = 1</script>Harbor talks"
XSS_TEXT_IMG = '<img src=x onerror="window.__pwned = 2">'

GENEVA_A = ("Negotiators met in Geneva on Monday. The ceasefire will start at noon on Friday, "
            "officials said. \"We are close,\" said Maria Okafor.")
GENEVA_B = ("Talks resumed in Geneva on Monday. A ceasefire will begin at noon on Friday, "
            "according to officials. Observers remained cautious.")
GENEVA_C = ("The ceasefire begins Friday at noon. " + XSS_TEXT_IMG +
            " Officials in Geneva confirmed the plan.")


def articles() -> list[Article]:
    day = datetime(2024, 3, 4, 9, tzinfo=UTC)
    return [
        Article(GENEVA_A, id="a1", url="https://harbor-ledger.example/geneva",
                source="Harbor Ledger", title=XSS_TITLE, published=day),
        Article(GENEVA_B, id="a2", url="javascript:alert(1)", source="North Wire",
                title="Geneva talks resume", published=day.replace(hour=11)),
        Article(GENEVA_C, id="a3", url="http://river-post.example/c", source="River Post",
                title="Ceasefire set for Friday", published=datetime(2024, 3, 5, tzinfo=UTC)),
        Article("Floods closed the valley road after days of rain. Crews worked overnight.",
                id="b1", source="North Wire", title="Valley road closed by floods",
                published=datetime(2024, 2, 1, tzinfo=UTC)),
    ]


STORIES = [
    ("s-geneva", "Geneva ceasefire talks", ["a1", "a2", "a3"],
     ["Harbor Ledger", "North Wire", "River Post"], ["Geneva", "Maria Okafor"],
     datetime(2024, 3, 4, 9, tzinfo=UTC), datetime(2024, 3, 5, tzinfo=UTC)),
    ("s-floods", "Valley floods", ["b1"], ["North Wire"], ["Valley"],
     datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC)),
]


def span_of(text: str, sentence: str) -> tuple[int, int]:
    start = text.index(sentence)
    return start, start + len(sentence)


def geneva_digest(store, story_id: str) -> Digest:
    """A digest of the Geneva story as the digest stage would make it (offsets are real)."""
    s1 = "The ceasefire will start at noon on Friday, officials said."
    s2 = "Negotiators met in Geneva on Monday."
    quote = "We are close,"
    q0, q1 = span_of(GENEVA_A, quote)
    sp0, sp1 = span_of(GENEVA_A, "Maria Okafor")
    return Digest(
        story_id=story_id,
        summary=[
            Citation(s2, "a1", *span_of(GENEVA_A, s2), ["a1", "a2"]),
            Citation(s1, "a1", *span_of(GENEVA_A, s1), ["a1", "a2", "a3"]),
        ],
        timeline=[
            TimelineEntry(datetime(2024, 3, 4).date(),
                          [Citation(s2, "a1", *span_of(GENEVA_A, s2), ["a1", "a2"])]),
            TimelineEntry(datetime(2024, 3, 8).date(),
                          [Citation(s1, "a1", *span_of(GENEVA_A, s1), ["a1", "a2", "a3"])]),
        ],
        quotes=[Quote("Maria Okafor", sp0, sp1, quote.rstrip(","), q0, q1 - 1, "said",
                      0, 0, True, article_id="a1")],
        entities=[("Geneva", "GPE", 4), ("Maria Okafor", "PERSON", 1), ("UN", "ORG", 2)],
    )


def fill(url: str):
    """Open the store at ``url`` and fill it with the articles and the two stories."""
    store = open_store(url)
    add_articles(store, articles(), run_id=None)
    with store.begin() as conn:
        for sid, title, members, sources, ents, first, last in STORIES:
            conn.execute(insert(schema.stories).values(
                id=sid, title=title, first_published=first, last_published=last,
                size=len(members), sources=sources, entities=ents, updated_seq=0))
            for aid in members:
                conn.execute(insert(schema.memberships).values(article_id=aid, story_id=sid))
    return store


def builder(store, story_id: str) -> Digest:
    """The digest builder the serve tests install (the Geneva story has one)."""
    if story_id != "s-geneva":
        raise ValueError("no digest for this story")
    return geneva_digest(store, story_id)
