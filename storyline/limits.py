"""Every limit storyline puts on what it is given, in one place (the README's "Limits" lists them).

Reaching a limit is never a crash: ``ingest`` names the record or input that reached it as a
skip (``skipped news.jsonl:12: text too long (...)``) and goes on with the rest; the HTTP API
answers with a 4xx status that says which limit. Code reads these as ``limits.NAME`` at call
time, so a test can lower one with ``monkeypatch.setattr(limits, "NAME", value)``.

>>> MAX_INPUT_BYTES // 2**20, MAX_ID_CHARS
(256, 64)
"""

from __future__ import annotations

MiB = 1024 * 1024

# -- inputs ----------------------------------------------------------------------------------
# Bytes of one input read whole into memory (a file, an archive member, a download), counted
# after decompression: a 3 MB gzip that inflates to 3 GB stops here, within ~256 MB of memory.
MAX_INPUT_BYTES = 256 * MiB
# One line of a JSON Lines file (those files are streamed line by line, so the file itself
# may be larger than MAX_INPUT_BYTES; a line is held whole).
MAX_LINE_BYTES = 64 * MiB
# All members of one archive together, uncompressed, and how many members are read.
MAX_ARCHIVE_BYTES = 2048 * MiB
MAX_ARCHIVE_MEMBERS = 200_000
MAX_ARCHIVE_DEPTH = 3  # archives inside archives

# -- URLs ------------------------------------------------------------------------------------
URL_READ_TIMEOUT_S = 20.0  # waiting for the next bytes (or the connection)
URL_TOTAL_SECONDS = 60.0  # one URL from the first request to its last byte, redirects included
URL_MAX_BYTES = 50 * MiB  # one response body (after HTTP content decoding)
URL_MAX_REDIRECTS = 5

# -- one record (checked the same way whatever the store, so SQLite and PostgreSQL accept and
# refuse alike) --------------------------------------------------------------------------------
MAX_JSON_DEPTH = 64  # nesting of a JSON record (and of its extra fields)
MAX_ID_CHARS = 64  # the store's key columns hold 64 characters
MAX_TEXT_CHARS = 2_000_000
MAX_TITLE_CHARS = 2_000
MAX_SOURCE_CHARS = 500
MAX_URL_CHARS = 8_192
MAX_EXTRA_BYTES = 1 * MiB  # the extra fields of one record, as JSON
# Publication dates outside these years are refused: later stages do calendar arithmetic
# on them (a week after 9999-12-31 does not exist).
MIN_PUBLISHED_YEAR = 1000
MAX_PUBLISHED_YEAR = 2999

# -- the HTTP API ----------------------------------------------------------------------------
MAX_REQUEST_BYTES = 32 * MiB  # the body of POST /api/ingest
MAX_INGEST_ARTICLES = 1000  # articles in one POST /api/ingest
MAX_OFFSET = 1_000_000_000  # paging: ?offset= (and ?page= times the page size)
MAX_DIGEST_WAITERS = 64  # requests waiting (?wait=) for digests at once; more answer at once

# -- the store -------------------------------------------------------------------------------
# How long a writer waits for another process's write transaction before it gives up with
# a message (the CLI says it is waiting after a few seconds); the API answers 503 sooner.
WRITE_WAIT_SECONDS = 1800.0
API_WRITE_WAIT_SECONDS = 30.0

# -- storyline watch ----------------------------------------------------------------------------
WATCH_MAX_BYTES = 10 * MiB  # one feed, sitemap or page fetched by watch
WATCH_HOST_DELAY_S = 1.0  # at least this long between two requests to one host
WATCH_BACKOFF_MIN_S = 60.0  # a failing source waits this long (at least), doubled per failure
WATCH_BACKOFF_MAX_S = 6 * 3600.0  # ... and never longer than this (nor than a Retry-After)
WATCH_MAX_NEW_ENTRIES = 200  # entries taken from one source in one poll; the rest the next
