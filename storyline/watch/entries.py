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
from urllib.parse import urljoin

from storyline.ingest.feeds import entry_fields
from storyline.ingest.records import InputError
from storyline.store.feeds import entry_key
from storyline.watch.sitemaps import Entry, SourceContent, gunzip, read_sitemap

__all__ = ["Entry", "SourceContent", "read_entries"]

_SITEMAP_ROOT = re.compile(rb"<(?:\w+:)?(urlset|sitemapindex)[\s>]")


def read_entries(data: bytes, url: str) -> SourceContent:
    """The entries of a fetched feed or sitemap (gzip unpacked); ``InputError`` when it is
    neither. A sitemap index lists sitemaps (``SourceContent.sitemaps``), not entries."""
    data = gunzip(data, url)
    if _SITEMAP_ROOT.search(data[:4096]):
        return read_sitemap(data, url)
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
