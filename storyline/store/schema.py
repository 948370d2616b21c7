"""Tables, as SQLAlchemy Core metadata. Changes go through ``migrations.py``."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

meta = Table(
    "storyline_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("inputs", JSON, nullable=False),
    Column("ingested", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("already_present", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("skip_reasons", JSON, nullable=False, default=dict),
    # "running", "finished", or "interrupted" (the process ended without finishing: a later
    # run noticed, and set finished_at to that moment). Added by migration 5.
    Column("status", String(16)),
    Column("owner", String(300)),  # "host:pid" of the process running it
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("url", Text),
    Column("source", Text),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("published", DateTime(timezone=True)),
    Column("text_hash", String(40), nullable=False),
    # Set when the article is an exact or near copy of an earlier one.
    Column("duplicate_of", String(64)),
    Column("duplicate_kind", String(16)),
    Column("minhash", LargeBinary),
    Column("extra", JSON, nullable=False, default=dict),
    Column("ingest_run", Integer),
    Column("seq", Integer, nullable=False),  # order of arrival, for stable listings
)
Index("ix_articles_url", articles.c.url)
Index("ix_articles_text_hash", articles.c.text_hash)
Index("ix_articles_published", articles.c.published)
Index("ix_articles_source", articles.c.source)
Index("ix_articles_seq", articles.c.seq)

stories = Table(
    "stories",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", Text, nullable=False, default=""),
    Column("first_published", DateTime(timezone=True)),
    Column("last_published", DateTime(timezone=True)),
    Column("size", Integer, nullable=False, default=0),
    Column("sources", JSON, nullable=False, default=list),
    Column("entities", JSON, nullable=False, default=list),
    # The story's state for online assignment (centroids, term weights), opaque here.
    Column("state", LargeBinary),
    Column("merged_into", String(64)),
    Column("updated_seq", Integer, nullable=False, default=0),
)
Index("ix_stories_last_published", stories.c.last_published)
Index("ix_stories_updated_seq", stories.c.updated_seq)  # migration 7

memberships = Table(
    "memberships",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.id"), primary_key=True),
    Column("story_id", String(64), ForeignKey("stories.id"), nullable=False),
    Column("score", Float),
)
Index("ix_memberships_story", memberships.c.story_id)

analyses = Table(
    "analyses",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.id"), primary_key=True),
    Column("version", String(32), nullable=False),
    Column("data", LargeBinary, nullable=False),  # compressed JSON of model.Analysis
    Column("vectors", LargeBinary),  # float32 sentence vectors then the article vector
)

# Digests as pages show them, cached because computing one runs the NLP pipeline.
# ``version`` names the story's membership and the digest code that produced ``data``.
digests = Table(
    "digests",
    metadata,
    Column("story_id", String(64), primary_key=True),
    Column("version", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),  # compressed JSON of model.Digest
    Column("computed_at", DateTime(timezone=True)),
)

# Sources that ``storyline watch`` polls (feeds and sitemaps), with what it knows of each:
# the validators for conditional requests, when it fetched last, how it went, and when the
# source is due again (later after errors: exponential backoff). Added by migration 6.
feeds = Table(
    "feeds",
    metadata,
    Column("id", String(40), primary_key=True),  # sha1 of the URL (URLs can be long)
    Column("url", Text, nullable=False),
    Column("title", Text),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("last_fetch", DateTime(timezone=True)),
    Column("last_success", DateTime(timezone=True)),
    Column("last_status", String(32)),  # "200", "304", "error"
    Column("etag", Text),
    Column("last_modified", Text),
    Column("error_count", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("next_due", DateTime(timezone=True)),
    Column("entries_seen", Integer, nullable=False, default=0),
    Column("articles_stored", Integer, nullable=False, default=0),
)

# Entries of a watched source already taken (their page fetched, or their feed text used):
# never fetched again. ``entry`` is a sha1 of the entry's guid, else its link.
feed_entries = Table(
    "feed_entries",
    metadata,
    Column("feed_id", String(40), primary_key=True),
    Column("entry", String(40), primary_key=True),
    Column("article_id", String(64)),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

# robots.txt of each host watch fetched from, kept a day so that ``watch --once`` from cron
# does not ask for it on every run. Added by migration 6.
robots_rules = Table(
    "robots_rules",
    metadata,
    Column("host", String(300), primary_key=True),  # "https://example.org:8443"
    Column("body", Text),  # None: no rules (or unreadable, see error)
    Column("error", Text),  # why it could not be read (then everything is forbidden for now)
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)
