"""Inputs given as ``http(s)://`` URLs: fetched safely, then read as a page, feed or file.

Safety: a URL whose host resolves to any loopback, private, link-local, reserved, multicast
or otherwise non-public address is refused, and every redirect target is checked again
before it is requested, so a public page cannot bounce the fetch into the local network.
``STORYLINE_ALLOW_PRIVATE_URLS=1`` (or ``urls.ALLOW_PRIVATE = True``, which a CLI option can
set) lifts the check, for a news server on one's own network. Responses are capped in size
and time (``storyline.limits``): each wait for bytes, and the whole fetch of one URL with its
redirects, so a server that sends a byte every few seconds cannot hold an ingest.

The check runs twice: before each request (for a clear message), and again inside the
connection itself, which connects to the very address it checked, so a DNS server that
answers differently the second time (DNS rebinding) gains nothing. Requests sent through a
proxy from the environment (``HTTPS_PROXY``) get the first check only: the proxy connects.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from storyline import limits
from storyline.ingest.records import InputError, Skip, TooLarge, UnknownFormat
from storyline.model import Article

ALLOW_PRIVATE_ENV = "STORYLINE_ALLOW_PRIVATE_URLS"
ALLOW_PRIVATE = False  # set by the CLI; the environment variable also allows
USER_AGENT = "storyline/0.1 (+https://github.com/storyline)"

_URL = re.compile(r"^(https?):/+(.*)$", re.I)


class UnsafeURL(InputError):
    """The URL points at an address storyline will not fetch from."""


class HTTPStatusError(InputError):
    """The server answered with an error status (``status``; ``retry_after`` in seconds when
    it said when to come back, as 429 and 503 answers may)."""

    def __init__(self, message: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class TooSlow(InputError):
    """Fetching the URL took longer than ``limits.URL_TOTAL_SECONDS``."""

    reason = "too slow"


@dataclass(slots=True, frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str  # lower case, without parameters ("text/html")
    data: bytes
    status: int = 200  # 304 (and no data) when a conditional request found nothing new
    etag: str | None = None
    last_modified: str | None = None


def as_url(value: object) -> str | None:
    """The URL a command-line input names, if it is one; repairs ``Path``'s ``https:/x``.

    ``pathlib.Path("https://x.org/a")`` collapses the double slash, so an input that went
    through ``Path`` still reads as a URL here.

    >>> as_url("https://example.org/news")
    'https://example.org/news'
    >>> from pathlib import Path
    >>> as_url(Path("https://example.org/news/a.html"))
    'https://example.org/news/a.html'
    >>> as_url("news/https.txt") is None
    True
    """
    match = _URL.match(str(value))
    if not match:
        return None
    return f"{match.group(1).lower()}://{match.group(2)}"


def private_allowed() -> bool:
    return ALLOW_PRIVATE or os.environ.get(ALLOW_PRIVATE_ENV, "") in ("1", "true", "yes")


def is_public_address(address: str) -> bool:
    """Is this IP address one on the public internet?

    >>> [is_public_address(a) for a in ("93.184.216.34", "127.0.0.1", "::1", "10.1.2.3",
    ...  "192.168.0.1", "169.254.169.254", "::ffff:127.0.0.1", "fe80::1", "100.64.0.1")]
    [True, False, False, False, False, False, False, False, False]
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def check_url(url: str) -> None:
    """Raise ``UnsafeURL`` unless ``url`` is http(s) and its host resolves only to public
    addresses (or private addresses are allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(f"{url}: only http and https URLs are fetched")
    host = parts.hostname
    if not host:
        raise UnsafeURL(f"{url}: no host in the URL")
    if private_allowed():
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise InputError(f"{url}: bad port ({exc})") from exc
    try:
        _public_addresses(host, port)
    except InputError as exc:
        raise type(exc)(f"{url}: {str(exc).removeprefix(f'{host}: ')}") from exc


def _public_addresses(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, or UnsafeURL if any is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"{host}: cannot resolve host ({exc})") from exc
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        if not is_public_address(address):
            raise UnsafeURL(f"{host}: refused, {host} resolves to non-public address {address} "
                            f"(set {ALLOW_PRIVATE_ENV}=1 to allow)")
    return addresses


def _guarded_transport():
    """An httpx transport whose connections go only to addresses checked at connect time."""
    import httpcore
    import httpx

    class GuardedBackend(httpcore.SyncBackend):
        def connect_tcp(self, host, port, timeout=None, local_address=None,
                        socket_options=None):
            if private_allowed():
                return super().connect_tcp(host, port, timeout, local_address, socket_options)
            error: Exception | None = None
            for address in _public_addresses(host, port):
                try:
                    # TLS still verifies the certificate against the host name, not this IP.
                    return super().connect_tcp(address, port, timeout, local_address,
                                               socket_options)
                except httpcore.ConnectError as exc:
                    error = exc
            raise error or httpcore.ConnectError(f"cannot connect to {host}")

    transport = httpx.HTTPTransport()
    pool = getattr(transport, "_pool", None)
    if pool is not None and hasattr(pool, "_network_backend"):  # httpcore internals
        pool._network_backend = GuardedBackend()
    return transport


def fetch(url: str, *, headers: dict[str, str] | None = None,
          read_timeout: float | None = None, total_seconds: float | None = None,
          max_bytes: int | None = None) -> Fetched:
    """GET ``url`` following at most URL_MAX_REDIRECTS redirects, each target checked first.

    The whole fetch, redirects included, ends within ``total_seconds`` (default
    ``limits.URL_TOTAL_SECONDS``); each wait for bytes within ``read_timeout``; the body is
    at most ``max_bytes``. ``headers`` are sent with every request: a conditional request
    (``If-None-Match``, ``If-Modified-Since``) answered 304 returns ``status=304`` and no data.
    An error status raises ``HTTPStatusError``.
    """
    import httpx

    read_timeout = limits.URL_READ_TIMEOUT_S if read_timeout is None else read_timeout
    total = limits.URL_TOTAL_SECONDS if total_seconds is None else total_seconds
    cap = limits.URL_MAX_BYTES if max_bytes is None else max_bytes
    deadline = time.monotonic() + total
    current = url
    with httpx.Client(follow_redirects=False, timeout=read_timeout,
                      transport=_guarded_transport(),
                      headers={"User-Agent": USER_AGENT, **(headers or {})}) as client:
        for _ in range(limits.URL_MAX_REDIRECTS + 1):
            check_url(current)
            try:
                with client.stream("GET", current, timeout=_timeout(deadline, url, read_timeout,
                                                                    total)) as response:
                    validators = (response.headers.get("etag"),
                                  response.headers.get("last-modified"))
                    if response.status_code == 304:  # a 3xx that is not a redirect
                        return Fetched(str(response.url), "", b"", 304, *validators)
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        if not location:
                            raise InputError(f"{current}: redirect without a Location")
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise HTTPStatusError(f"{current}: HTTP {response.status_code}",
                                              response.status_code,
                                              retry_after_seconds(
                                                  response.headers.get("retry-after")))
                    data = _read_capped(response, current, deadline, cap, read_timeout, total)
                    content_type = response.headers.get("content-type", "")
                    return Fetched(str(response.url), content_type.split(";")[0].strip().lower(),
                                   data, response.status_code, *validators)
            except httpx.TimeoutException as exc:
                if time.monotonic() >= deadline - 0.05:
                    raise _too_slow(url, total) from exc
                raise InputError(f"{current}: fetch failed ({type(exc).__name__}: no answer "
                                 f"within {read_timeout:g} s)") from exc
            except httpx.HTTPError as exc:
                raise InputError(f"{current}: fetch failed ({type(exc).__name__}: {exc})") from exc
    raise InputError(f"{url}: more than {limits.URL_MAX_REDIRECTS} redirects")


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date).

    >>> retry_after_seconds("120"), retry_after_seconds(None), retry_after_seconds("soon")
    (120.0, None, None)
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT")  # in the past: no wait
    0.0
    """
    from email.utils import parsedate_to_datetime

    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment is None:
        return None
    return max(0.0, moment.timestamp() - time.time())


def _timeout(deadline: float, url: str, read_timeout: float, total: float):
    """Each wait for bytes: the read timeout, or less when the whole fetch is due sooner."""
    import httpx

    left = deadline - time.monotonic()
    if left <= 0:
        raise _too_slow(url, total)
    return httpx.Timeout(min(read_timeout, left))


def _too_slow(url: str, total: float) -> TooSlow:
    return TooSlow(f"{url}: took longer than {total:g} s (the most one URL may take)")


def _read_capped(response, url: str, deadline: float, limit: int, read_timeout: float,
                 total: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"{url}: response of {int(declared)} bytes, more than "
                       f"{limit} (the most one URL may send)")
    chunks, size = [], 0
    timeouts = response.request.extensions.get("timeout")
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"{url}: response of more than {limit} bytes "
                           "(the most one URL may send)")
        chunks.append(chunk)
        left = deadline - time.monotonic()
        if left <= 0:
            raise _too_slow(url, total)
        if isinstance(timeouts, dict):
            # httpcore reads this before each wait for bytes: the next wait ends by the
            # deadline, not a whole read timeout later.
            timeouts["read"] = min(read_timeout, left)
    return b"".join(chunks)


def format_of_response(page: Fetched) -> str | None:
    """Reader for a fetched response: by content type, else by the URL's name and content."""
    from storyline.ingest.formats import sniff

    by_type = {
        "text/html": "html", "application/xhtml+xml": "html",
        "application/rss+xml": "feed", "application/atom+xml": "feed",
        "application/rdf+xml": "feed", "text/csv": "csv",
        "application/x-ndjson": "jsonl", "application/jsonl": "jsonl",
    }
    path_name = urlsplit(page.url).path or "/"
    sniffed = sniff(path_name, page.data[:65536])
    if page.content_type in by_type:
        # Servers label feeds text/html now and then; the content decides between the two.
        if by_type[page.content_type] == "html" and sniffed == "feed":
            return "feed"
        return by_type[page.content_type]
    return sniffed or ("html" if page.content_type.startswith("text/") else None)


def read_url(url: str, fmt: str | None = None) -> Iterator[Article | Skip]:
    """The articles at ``url``: a page, a feed, or any file format storyline reads."""
    from storyline.ingest.formats import read_bytes
    from storyline.ingest.pages import read_html_bytes

    page = fetch(url)
    name = fmt or format_of_response(page)
    if name is None:
        raise UnknownFormat(f"{url}: unknown format (content type "
                            f"{page.content_type or 'none'})")
    if name == "html":
        yield from read_html_bytes(page.data, url, url=page.url)
    else:
        yield from read_bytes(page.data, url, name)
