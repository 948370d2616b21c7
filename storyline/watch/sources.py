"""The SOURCES of ``storyline watch``: feed or sitemap URLs, files listing them, OPML files.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "feeds.txt").write_text("# news\\nhttps://a.org/rss\\n\\nhttps://b.org/atom\\n")
>>> _ = (folder / "feeds.opml").write_text('<opml version="2.0"><body><outline text="News">'
...     '<outline type="rss" xmlUrl="https://c.org/feed"/></outline></body></opml>')
>>> source_urls(["https://d.org/sitemap.xml", str(folder / "feeds.txt"),
...              str(folder / "feeds.opml")])
['https://d.org/sitemap.xml', 'https://a.org/rss', 'https://b.org/atom', 'https://c.org/feed']
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from storyline.ingest.records import InputError
from storyline.ingest.urls import as_url

MAX_SOURCES_FILE_BYTES = 16 * 1024 * 1024


def source_urls(arguments: Sequence[str]) -> list[str]:
    """Every source URL the arguments name, in order, each once; ``InputError`` names an
    argument that is neither a URL nor a readable list of them."""
    found: list[str] = []
    for argument in arguments:
        url = as_url(argument)
        if url is not None:
            found.append(url)
            continue
        found.extend(_from_file(Path(argument), argument))
    return list(dict.fromkeys(found))


def _from_file(path: Path, name: str) -> list[str]:
    try:
        if path.stat().st_size > MAX_SOURCES_FILE_BYTES:
            raise InputError(f"{name}: too large for a list of sources")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{name}: no such file (give a URL, a file of URLs or an OPML file)"
                         ) from exc
    except IsADirectoryError as exc:
        raise InputError(f"{name}: a folder, not a file of URLs") from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    if b"<opml" in data[:4096].lower():
        return _opml(data, name)
    urls = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        url = as_url(line.split()[0])
        if url is None:
            raise InputError(f"{name}:{number}: not an http(s) URL: {line[:100]!r}")
        found = url
        urls.append(found)
    if not urls:
        raise InputError(f"{name}: no URLs in the file")
    return urls


def _opml(data: bytes, name: str) -> list[str]:
    import lxml.etree

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: unreadable OPML ({exc})") from exc
    urls = []
    for outline in ([] if root is None else root.iter("outline")):
        value = outline.get("xmlUrl") or outline.get("xmlurl")
        url = as_url(value.strip()) if value else None
        if url:
            urls.append(url)
    if not urls:
        raise InputError(f"{name}: no feed URLs (outline xmlUrl) in the OPML file")
    return urls
