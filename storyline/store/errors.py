"""The store's errors: one line each for the user, with no password in them."""

from __future__ import annotations

import re

from storyline.errors import StoreError


class StoreBusy(StoreError):
    """Another process held the store's write lock for longer than this writer would wait."""


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages.

    >>> safe_url("postgresql://me:secret@db/news")
    'postgresql://me:***@db/news'
    """
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)
