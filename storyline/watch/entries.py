"""What a watched source lists: the entries of an RSS/Atom feed, or the pages of a sitemap.

>>> content = read_entries(b'<rss><channel><title>X News</title><item><title>Rain</title>'
...     b'<link>https://x.org/a</link><description>It rained.</description></item>'
...     b'</channel></rss>', "https://x.org/feed")
>>> content.title, [(e.link, e.fields["text"]) for e in content.entries]
('X News', [('https://x.org/a', 'It rained.')])
>>> [e.link for e in read_entries(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
...     b'<url><loc>https://x.org/b</loc></url></urlset>', "https://x.org/sitemap.xml").entries]
['https://x.org/b']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from storyline.ingest.feeds import entry_fields
from storyline.ingest.records import InputError
from storyline.store.feeds import entry_key

_SITEMAP_ROOT = re.compile(rb"<(?:\w+:)?(urlset|sitemapindex)[\s>]")


@dataclass(slots=True)
class Entry:
    """One item of a source: its key (guid, else link), its page, and the feed's fields."""

    key: str
    link: str | None
    fields: dict = field(default_factory=dict)  # article fields from the feed (may be empty)


@dataclass(slots=True)
class SourceContent:
    title: str | None
    entries: list[Entry]
    kind: str  # "feed" or "sitemap"


def read_entries(data: bytes, url: str) -> SourceContent:
    """The entries of a fetched feed or sitemap; ``InputError`` when it is neither."""
    if _SITEMAP_ROOT.search(data[:4096]):
        return _sitemap(data, url)
    return _feed(data, url)


def _feed(data: bytes, url: str) -> SourceContent:
    import feedparser

    parsed = feedparser.parse(data)
    title = (parsed.feed.get("title") or "").strip() or None
    entries = []
    for entry in parsed.entries:
        fields = entry_fields(entry, title)
        link = urljoin(url, entry["link"]) if entry.get("link") else None
        if not link and not (fields.get("text") or "").strip():
            continue  # nothing to read: a fragment of a broken feed
        fields["url"] = link
        key_value = (entry.get("id") or link
                     or f"{fields.get('title') or ''}\n{fields.get('text') or ''}")
        entries.append(Entry(entry_key(key_value), link, fields))
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = str(parsed.get("bozo_exception") or "no RSS, Atom or sitemap content")
        raise InputError(f"{url}: not a feed ({problem.splitlines()[0][:200]})")
    return SourceContent(title, entries, "feed")


def _sitemap(data: bytes, url: str) -> SourceContent:
    import lxml.etree

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                                  recover=True)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise InputError(f"{url}: not a sitemap ({exc})") from exc
    if root is None:
        raise InputError(f"{url}: not a sitemap (no XML)")
    if lxml.etree.QName(root).localname == "sitemapindex":
        raise InputError(f"{url}: a sitemap index; watch its sitemaps instead")
    entries = []
    for node in root.iter("{*}url"):
        loc = node.findtext("{*}loc")
        if loc and loc.strip():
            link = urljoin(url, loc.strip())
            published = (node.findtext("{*}lastmod") or "").strip() or None
            entries.append(Entry(entry_key(link), link, {"published": published}))
    return SourceContent(None, entries, "sitemap")
