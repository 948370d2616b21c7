"""Publication times as POSIX seconds: what story detection compares and stores.

>>> from datetime import datetime
>>> posix(datetime(1970, 1, 2)), from_posix(None)
(86400.0, None)
"""

from __future__ import annotations

from datetime import UTC, datetime


def posix(moment: datetime | None) -> float | None:
    """POSIX seconds of an aware or naive-UTC datetime (None stays None)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def from_posix(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


__all__ = ["from_posix", "posix"]
