"""HTML pages: main text, title, outlet and URL by trafilatura, publication date by htmldate.

The outlet is the page's site name (``og:site_name`` and the like), else the host of its
canonical URL (or of the URL it was fetched from).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from storyline.ingest.records import Skip, make_article, open_bytes
from storyline.model import Article, host_of

# trafilatura and htmldate log every page they find hard at WARNING/ERROR; the reader reports
# what matters itself, as a Skip.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def read_html(path: Path) -> Iterator[Article | Skip]:
    """The article on one (possibly gzipped) .html/.htm page."""
    yield from read_html_bytes(open_bytes(path), str(path))


def read_html_bytes(data: bytes, name: str, url: str | None = None) -> Iterator[Article | Skip]:
    """The article in an HTML page's bytes (the encoding is detected from the page).

    ``url`` is where the page was fetched from, when it was.
    """
    import htmldate
    import trafilatura

    if not data.strip():
        yield Skip(name, "empty file")
        return
    if b"<" not in data[:4096]:  # plain text under an .html name (DUC's model summaries)
        from storyline.ingest.files import read_text_bytes

        yield from read_text_bytes(data, name)
        return
    doc = trafilatura.bare_extraction(data, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False)
    text = (doc.text or "").strip() if doc is not None else ""
    if not text:
        yield Skip(name, "empty text", "no article text found on the page")
        return
    title = (doc.title or "").strip() or None
    text = _drop_title_line(text, title)
    page_url = doc.url or url
    published = htmldate.find_date(data, url=page_url, original_date=True) or doc.date
    fields = {
        "url": page_url,
        "title": title,
        "text": text,
        "source": (doc.sitename or "").strip() or host_of(page_url),
        "published": published,
        "file": name if url is None else None,
    }
    yield make_article({k: v for k, v in fields.items() if v is not None}, name)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content or summary).

    trafilatura first (it drops boilerplate); short fragments it declines are flattened.

    >>> html_to_text("<p>Rain <b>fell</b>\\n  all day.</p><p>Roads closed.</p>")
    'Rain fell all day.\\nRoads closed.'
    """
    import lxml.html
    import trafilatura

    if "<" not in fragment:
        return fragment.strip()
    text = trafilatura.extract(fragment, include_comments=False, include_tables=False,
                               favor_recall=True)
    if text and text.strip():
        return text.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # noqa: BLE001 - lxml raises several types on junk markup
        return fragment.strip()
    # Source line breaks are only spaces in HTML; blocks end paragraphs.
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3", "h4", "tr"):
        block.tail = "\ue000" + (block.tail or "")
    lines = (" ".join(part.split()) for part in root.text_content().split("\ue000"))
    return "\n".join(line for line in lines if line)


def _drop_title_line(text: str, title: str | None) -> str:
    """trafilatura often keeps the page's ``<h1>`` as the first line: the title, not text."""
    if not title:
        return text
    first, _, rest = text.partition("\n")
    if first.strip().casefold() == title.casefold() and rest.strip():
        return rest.strip()
    return text
