"""The store's errors: one line each for the user, with no password in them.

The database driver's own errors stop here: ``driver_errors`` turns an operational failure
(the database went away, is locked, read-only, or its disk is full) into
:class:`StoreUnavailable`, one of storyline's errors, so no layer above the store needs to
know the driver's classes.

>>> try:
...     with driver_errors():
...         raise OperationalError("UPDATE", {}, Exception("disk I/O error\\nmore"))
... except StoreUnavailable as exc:
...     print(exc)
store: disk I/O error
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError

from storyline.errors import StoreError


class StoreBusy(StoreError):
    """Another process held the store's write lock for longer than this writer would wait."""


class StoreUnavailable(StoreError):
    """The database failed under a statement: gone away, locked, read-only or out of disk
    (a fault of the store, not of what the user asked for)."""


@contextmanager
def driver_errors() -> Iterator[None]:
    """Raise the driver's operational errors in the block as :class:`StoreUnavailable`,
    with the first line of the database's own reason."""
    try:
        yield
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()
        raise StoreUnavailable(f"store: {reason[0] if reason else type(exc).__name__}"
                               ) from exc


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages.

    >>> safe_url("postgresql://me:secret@db/news")
    'postgresql://me:***@db/news'
    """
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)
