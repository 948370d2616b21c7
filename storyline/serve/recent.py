"""Recent answers kept for a while: rendered pages, counts, menus, live answers, updates.

One small thread-safe store, bounded (least recently used out first) and with an optional
age limit, so that the web server's four caches are one idea written once.

>>> recent = Recent(keep=2)
>>> recent.put("a", 1); recent.put("b", 2); recent.get("a"); recent.put("c", 3)
1
>>> recent.get("b") is None, recent.get("a"), recent.get("c")
(True, 1, 3)
>>> recent.get_or("d", lambda: 4), recent.get_or("d", lambda: 5)
(4, 4)
>>> Recent(keep=10, seconds=0).get_or("n", lambda: 1), len(Recent(keep=10, seconds=0))
(1, 0)
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class Recent:
    """At most ``keep`` answers by key, each for at most ``seconds``.

    ``seconds=None``: until pushed out by newer ones; ``seconds <= 0``: nothing is kept (a
    server started with its caches off).
    """

    def __init__(self, keep: int, seconds: float | None = None) -> None:
        self.keep, self.seconds = keep, seconds
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The answer kept for ``key``, or None (never kept, pushed out, or too old)."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: Hashable, value: Any) -> None:
        if self.seconds is not None and self.seconds <= 0:
            return
        until = float("inf") if self.seconds is None else time.monotonic() + self.seconds
        with self._lock:
            self._items[key] = (until, value)
            self._items.move_to_end(key)
            while len(self._items) > self.keep:
                self._items.popitem(last=False)

    def get_or(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The answer kept for ``key``, else ``compute()`` (kept for next time)."""
        found = self.get(key)
        if found is None:
            found = compute()
            self.put(key, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
