"""Every tuned number of the web server and its background work, with the reason beside it.

Frozen: one shared instance, ``SETTINGS``, read by the modules named in each group; a test
makes another with ``dataclasses.replace`` (or patches the module's ``SETTINGS``). None of
these changes what a digest says, so none is part of a stored digest's version.

>>> SETTINGS.page_size, SETTINGS.live_seconds > SETTINGS.answer_seconds
(25, True)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServeSettings:
    # -- pages (``pages``) and feeds (``feeds_out``) ------------------------------------------
    page_size: int = 25  # stories on one page of the list: one screen and a short scroll
    story_feed_entries: int = 20  # a story's Atom feed: its latest updates
    new_stories_entries: int = 50  # the new-stories feed: a day of a busy store

    # -- reused answers (``app``, ``recent``) -------------------------------------------------
    remembered_pages: int = 4096  # rendered pages kept (each a few tens of kB)
    remembered_counts: int = 1000  # counts of filtered lists and menus kept
    menu_seconds: float = 60.0  # the outlet menu is reused this long: outlets rarely change

    # -- search (``queries``) -----------------------------------------------------------------
    # Articles read for a full-text query: enough to rank the stories they belong to by
    # matches, few enough to read whole (the store returns them by search rank).
    search_hits: int = 1000

    # -- live pages (``live``): pages poll for changed stories --------------------------------
    live_seconds: float = 15.0  # between two polls of a page ($STORYLINE_LIVE_SECONDS)
    # An answer is reused at most this long even if the store's generation stays, so a
    # change made outside this process (another writer) shows within that time.
    answer_seconds: float = 10.0
    remembered_answers: int = 256  # answers (and computed updates) kept, least recent out

    # -- digests (``digests``, ``digests_ahead``) ---------------------------------------------
    # A failed digest build is remembered (so that every visit does not rerun a failing
    # pipeline) and tried again after this many seconds: the failure may have been passing.
    retry_failed_seconds: float = 600.0
    # Articles analyzed, and their analyses stored, per step of the background digester: a
    # kill loses at most one step, and a step stays short enough to yield to readers.
    analysis_chunk: int = 64


SETTINGS = ServeSettings()
