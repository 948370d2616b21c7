"""RSS and Atom feed files: one article per entry, text from content or summary."""

from __future__ import annotations

import gzip
from pathlib import Path

from storyline.ingest.formats import detect_format, read_path
from storyline.ingest.records import Skip
from storyline.model import Article

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Lakeside Courier</title>
  <link>https://lakeside.example/</link>
  <item>
    <title>Library extends opening hours</title>
    <link>https://lakeside.example/news/library-hours</link>
    <pubDate>Tue, 14 Feb 2023 09:30:00 +0100</pubDate>
    <description>&lt;p&gt;The town library will open &lt;b&gt;until 9pm&lt;/b&gt;
      on weekdays.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Market moves to the square</title>
    <link>https://lakeside.example/news/market</link>
    <pubDate>Wed, 15 Feb 2023 18:00:00 GMT</pubDate>
    <description>Short teaser only.</description>
    <content:encoded><![CDATA[<p>The weekly market will move to the main square from March,
      the council announced.</p><p>Stallholders welcomed the change.</p>]]></content:encoded>
  </item>
  <item>
    <title>Headline without any body</title>
    <link>https://lakeside.example/news/empty</link>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Ridge Times</title>
  <entry>
    <title>Snow closes pass</title>
    <link href="https://ridge.example/2024/01/snow"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2024-01-09T06:00:00Z</updated>
    <summary>Heavy snow closed the mountain pass overnight.</summary>
  </entry>
</feed>
"""


def test_rss_entries_with_summary_and_full_content(tmp_path: Path):
    path = tmp_path / "courier.rss"
    path.write_text(RSS)
    assert detect_format(path) == "feed"
    items = list(read_path(path))
    first, second = [i for i in items if isinstance(i, Article)]
    assert first.title == "Library extends opening hours"
    assert first.text == "The town library will open until 9pm on weekdays."
    assert first.url == "https://lakeside.example/news/library-hours"
    assert first.source == "Lakeside Courier"
    assert first.published.isoformat() == "2023-02-14T08:30:00+00:00"
    # Full content wins over the teaser, with its markup flattened.
    assert "weekly market will move to the main square" in second.text
    assert "Stallholders welcomed the change." in second.text
    assert "teaser" not in second.text and "<p>" not in second.text
    [skip] = [i for i in items if isinstance(i, Skip)]
    assert skip.where == f"{path}: entry 3" and skip.reason == "empty text"


def test_atom_feed_detected_by_content_in_xml_and_gzip(tmp_path: Path):
    path = tmp_path / "ridge.xml.gz"
    path.write_bytes(gzip.compress(ATOM.encode()))
    assert detect_format(path) == "feed"
    [article] = list(read_path(path))
    assert article.source == "Ridge Times" and article.title == "Snow closes pass"
    assert article.published.date().isoformat() == "2024-01-09"
    assert article.extra["guid"].startswith("urn:uuid:")


def test_feed_without_entries_is_a_skip(tmp_path: Path):
    path = tmp_path / "empty.atom"
    path.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>Nothing</title></feed>')
    [skip] = list(read_path(path))
    assert skip.reason in ("empty feed", "not a feed")
