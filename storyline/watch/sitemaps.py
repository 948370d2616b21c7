"""Sitemaps for ``storyline watch``: page lists (``<urlset>``), Google News sitemaps, and
sitemap indexes (``<sitemapindex>``), whose child sitemaps are fetched like any other URL.

A news sitemap's ``<news:publication_date>`` is the publisher's own statement of when the
article appeared: it is the article's date even where the page suggests another.
``<lastmod>`` (when a page last changed) only stands in for a date the page lacks.

>>> news = read_sitemap(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
...     b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
...     b'<loc>https://x.org/a</loc><lastmod>2024-01-09</lastmod><news:news>'
...     b'<news:publication><news:name>X News</news:name></news:publication>'
...     b'<news:publication_date>2024-01-05T10:00:00Z</news:publication_date>'
...     b'<news:title>Rain</news:title></news:news></url></urlset>', "https://x.org/s.xml")
>>> [(e.link, e.fields) for e in news.entries]
[('https://x.org/a', {'published': '2024-01-05T10:00:00Z', 'title': 'Rain', 'source': 'X News'})]
>>> news.entries[0].dated
True
>>> index = read_sitemap(b'<sitemapindex><sitemap><loc>/s1.xml</loc>'
...     b'<lastmod>2024-01-05</lastmod></sitemap></sitemapindex>', "https://x.org/index.xml")
>>> index.kind, [(c.url, c.lastmod) for c in index.sitemaps]
('sitemapindex', [('https://x.org/s1.xml', '2024-01-05')])
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from urllib.parse import urljoin

from storyline import limits
from storyline.ingest.records import InputError
from storyline.store.feeds import entry_key

MAX_SITEMAPS_PER_POLL = 50  # child sitemaps of an index read in one poll (newest first)


@dataclass(slots=True)
class Entry:
    """One item of a source: its key (guid, else link), its page, and the feed's fields."""

    key: str
    link: str | None
    fields: dict = field(default_factory=dict)  # article fields from the feed (may be empty)
    dated: bool = False  # fields["published"] is the publisher's date, above the page's


@dataclass(slots=True)
class ChildSitemap:
    """A sitemap an index lists. ``key`` (from its URL and ``lastmod``) marks it read once
    every entry it lists was taken; without a ``lastmod`` it is read on every poll."""

    url: str
    lastmod: str | None

    @property
    def key(self) -> str | None:
        return entry_key(f"sitemap\n{self.url}\n{self.lastmod}") if self.lastmod else None


@dataclass(slots=True)
class SourceContent:
    title: str | None
    entries: list[Entry]
    kind: str  # "feed", "sitemap" or "sitemapindex"
    sitemaps: list[ChildSitemap] = field(default_factory=list)  # an index's children


def read_sitemap(data: bytes, url: str) -> SourceContent:
    """The pages (or, for an index, the sitemaps) a sitemap lists; gzip is unpacked."""
    import lxml.etree

    data = gunzip(data, url)
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                                  recover=True)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise InputError(f"{url}: not a sitemap ({exc})") from exc
    if root is None:
        raise InputError(f"{url}: not a sitemap (no XML)")
    if lxml.etree.QName(root).localname == "sitemapindex":
        children = []
        for node in root.iter("{*}sitemap"):
            loc = (node.findtext("{*}loc") or "").strip()
            if loc:
                children.append(ChildSitemap(urljoin(url, loc),
                                             (node.findtext("{*}lastmod") or "").strip() or None))
        return SourceContent(None, [], "sitemapindex", list({c.url: c for c in children}
                                                            .values()))
    entries = []
    for node in root.iter("{*}url"):
        loc = (node.findtext("{*}loc") or "").strip()
        if not loc:
            continue
        link = urljoin(url, loc)
        fields = {"published": (node.findtext("{*}lastmod") or "").strip() or None}
        news = node.find("{*}news")
        dated = False
        if news is not None:
            published = (news.findtext("{*}publication_date") or "").strip()
            if published:
                fields["published"], dated = published, True
            title = (news.findtext("{*}title") or "").strip()
            if title:
                fields["title"] = title
            name = (news.findtext("{*}publication/{*}name") or "").strip()
            if name:
                fields["source"] = name
        entries.append(Entry(entry_key(link), link, fields, dated))
    return SourceContent(None, entries, "sitemap")


def gunzip(data: bytes, url: str) -> bytes:
    """A gzipped sitemap (``.xml.gz`` served as is) unpacked, no larger than the size cap."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    cap = limits.WATCH_MAX_BYTES
    unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = unpack.decompress(data, cap + 1)
    except zlib.error as exc:
        raise InputError(f"{url}: not a sitemap (broken gzip: {exc})") from exc
    if len(out) > cap:
        raise InputError(f"{url}: more than {cap} bytes once unpacked")
    return out


@dataclass(slots=True)
class IndexRead:
    """What the children of an index gave: their entries, which entry keys each listed
    (by the child's key), and the problems of those that could not be read."""

    entries: list[Entry] = field(default_factory=list)
    listed: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    read: int = 0  # children fetched and read
    left: int = 0  # children left for a later poll (over MAX_SITEMAPS_PER_POLL)


def follow_index(fetch: Callable[[str], bytes | tuple[bytes, str]], index: SourceContent,
                 done: Collection[str], most: int | None = None) -> IndexRead:
    """Read the child sitemaps of ``index`` not ``done`` (their keys), newest first, at
    most ``most`` (default ``MAX_SITEMAPS_PER_POLL``, read at each call).

    ``fetch(url)`` returns the body and the final URL (the watcher's polite client: the
    SSRF guard, robots.txt, one request at a time per host, time-outs, size cap). A child
    that is itself an index is not followed (the protocol forbids nesting).

    >>> pages = {"https://x.org/a.xml": b"<urlset><url><loc>/p1</loc></url></urlset>",
    ...          "https://x.org/b.xml": b"<sitemapindex/>"}
    >>> index = read_sitemap(b"<sitemapindex><sitemap><loc>/a.xml</loc></sitemap>"
    ...     b"<sitemap><loc>/b.xml</loc></sitemap></sitemapindex>", "https://x.org/i.xml")
    >>> got = follow_index(lambda url: (pages[url], url), index, done=set())
    >>> [e.link for e in got.entries], got.problems
    (['https://x.org/p1'], ['https://x.org/b.xml: a sitemap index inside an index (not followed)'])
    """
    most = MAX_SITEMAPS_PER_POLL if most is None else most
    todo = [c for c in index.sitemaps if c.key is None or c.key not in done]
    # Newest first (ISO dates sort as text); those without a date after them.
    todo.sort(key=lambda c: c.lastmod or "", reverse=True)
    got = IndexRead(left=max(0, len(todo) - most))
    for child in todo[:most]:
        try:
            body, where = fetch(child.url)
            content = read_sitemap(body, where)
        except InputError as exc:
            got.problems.append(str(exc))
            continue
        if content.kind != "sitemap":
            got.problems.append(f"{child.url}: a sitemap index inside an index (not followed)")
            continue
        got.read += 1
        got.entries.extend(content.entries)
        if child.key is not None:
            got.listed[child.key] = [e.key for e in content.entries]
    return got
