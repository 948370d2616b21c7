"""A polite HTTP client for ``storyline watch``: robots.txt, one request at a time per host,
a minimum delay between requests to one host, short time-outs and a size cap.

Every request goes through ``storyline.ingest.urls.fetch``, so the SSRF guard checks the
URL, each redirect target and the address connected to. robots.txt follows RFC 9309: a
missing one (4xx) allows everything; one that cannot be fetched (5xx, no answer) forbids
everything for now, and the source counts it as a failure.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

from storyline import limits
from storyline.ingest import urls
from storyline.ingest.records import InputError
from storyline.store.feeds import RobotsRecord

ROBOTS_AGENT = "storyline"  # the token robots.txt rules name
ROBOTS_TTL_S = 24 * 3600.0


class RobotsForbidden(InputError):
    """robots.txt forbids the URL (or could not be read, which forbids everything for now)."""

    reason = "forbidden by robots.txt"


@dataclass(slots=True)
class FetchSettings:
    """Time-outs, size cap and delay of one watcher; None: ``storyline.limits``'s value,
    read at each request."""

    read_timeout: float | None = None  # limits.URL_READ_TIMEOUT_S
    total_seconds: float | None = None  # limits.URL_TOTAL_SECONDS
    max_bytes: int | None = None  # limits.WATCH_MAX_BYTES
    host_delay: float | None = None  # limits.WATCH_HOST_DELAY_S


@dataclass(slots=True)
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_request: float = 0.0  # monotonic time the previous request to this host ended
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_error: str | None = None
    robots_read_at: datetime | None = None


class RobotsStore(Protocol):
    """Where robots.txt is kept between runs (``storyline.store.feeds.RobotsCache``)."""

    def get(self, host: str) -> RobotsRecord | None: ...

    def put(self, host: str, record: RobotsRecord) -> None: ...


class PoliteClient:
    """Fetches URLs politely; safe to share between threads.

    >>> client = PoliteClient(FetchSettings(host_delay=0))
    >>> client.host_key("https://Example.org:443/a")
    'https://example.org:443'
    """

    def __init__(self, settings: FetchSettings | None = None,
                 robots_store: RobotsStore | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings or FetchSettings()
        self.robots_store = robots_store
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._guard = threading.Lock()
        self.requests = 0  # how many requests this client sent (robots.txt included)

    @staticmethod
    def host_key(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}" + (
            f":{parts.port}" if parts.port else "")

    def _host(self, url: str) -> _Host:
        with self._guard:
            return self._hosts.setdefault(self.host_key(url), _Host())

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> urls.Fetched:
        """GET ``url`` if robots.txt allows it, waiting for the host's turn first."""
        # The SSRF guard before anything else: a refused URL costs no robots.txt request,
        # and its error names the guard, not robots.txt.
        urls.check_url(url)
        host = self._host(url)
        with host.lock:  # one request at a time per host
            self._check_robots(url, host)
            return self._request(url, host, headers)

    def _request(self, url: str, host: _Host, headers: dict[str, str] | None) -> urls.Fetched:
        settings = self.settings
        delay = limits.WATCH_HOST_DELAY_S if settings.host_delay is None else settings.host_delay
        if host.robots is not None:
            delay = max(delay, float(host.robots.crawl_delay(ROBOTS_AGENT) or 0))
        wait = host.last_request + delay - self._clock()
        if host.last_request and wait > 0:
            time.sleep(wait)
        try:
            self.requests += 1
            max_bytes = limits.WATCH_MAX_BYTES if settings.max_bytes is None else \
                settings.max_bytes
            return urls.fetch(url, headers=headers, read_timeout=settings.read_timeout,
                              total_seconds=settings.total_seconds, max_bytes=max_bytes)
        finally:
            host.last_request = self._clock()

    def _check_robots(self, url: str, host: _Host) -> None:
        self._load_robots(url, host)
        if host.robots_error is not None:
            raise RobotsForbidden(f"{url}: robots.txt unreadable, so nothing is fetched from "
                                  f"this host for now ({host.robots_error})")
        if host.robots is not None and not host.robots.can_fetch(ROBOTS_AGENT, url):
            raise RobotsForbidden(f"{url}: forbidden by robots.txt")

    def _load_robots(self, url: str, host: _Host) -> None:
        """The host's rules: kept a day (in memory and in the store); a robots.txt that
        could not be read is tried again sooner."""
        key = self.host_key(url)
        if host.robots_read_at is None and self.robots_store is not None:
            record = self.robots_store.get(key)
            if record is not None:
                self._apply(host, record)
        if host.robots_read_at is not None:
            ttl = ROBOTS_TTL_S if host.robots_error is None else limits.WATCH_BACKOFF_MIN_S
            if (datetime.now(UTC) - host.robots_read_at).total_seconds() <= ttl:
                return
        record = self._fetch_robots(key + "/robots.txt", host)
        self._apply(host, record)
        if self.robots_store is not None:
            self.robots_store.put(key, record)

    @staticmethod
    def _apply(host: _Host, record: RobotsRecord) -> None:
        host.robots, host.robots_error = None, record.error
        if record.body is not None:
            parser = urllib.robotparser.RobotFileParser()
            parser.parse(record.body.splitlines())
            host.robots = parser
        host.robots_read_at = record.fetched_at

    def _fetch_robots(self, robots_url: str, host: _Host) -> RobotsRecord:
        now = datetime.now(UTC)
        try:
            page = self._request(robots_url, host, None)
        except urls.HTTPStatusError as exc:
            if exc.status >= 500:
                return RobotsRecord(None, f"HTTP {exc.status}", now)
            return RobotsRecord(None, None, now)  # 4xx: no rules, everything is allowed
        except InputError as exc:
            return RobotsRecord(None, str(exc).removeprefix(f"{robots_url}: "), now)
        return RobotsRecord(page.data.decode("utf-8", "replace"), None, now)
