"""Readers for the research formats: DUC SGML, Timeline17 folders, Multi-News CSV, WCEP.

Each yields ``Article`` objects (or ``Skip``) like every other reader. What the data set
knows about grouping is kept in ``Article.extra``: ``cluster`` (DUC folder, Multi-News row,
WCEP event) or ``topic`` (Timeline17), so evaluations can compare storyline's stories with
the labelled ones.
"""

from __future__ import annotations

import ast
import html
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from storyline.ingest import csvfile
from storyline.ingest.files import decode_text
from storyline.ingest.jsonl import json_objects
from storyline.ingest.records import (
    Skip,
    make_article,
    open_bytes,
    open_text_lines,
    parse_published,
)
from storyline.model import Article

# -- DUC / TREC SGML -------------------------------------------------------------------------

_DOC = re.compile(r"<DOC>(.*?)</DOC>", re.S)
_DOCNO = re.compile(r"<DOCNO>\s*(.*?)\s*</DOCNO>", re.S)
_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
_HEADLINE = re.compile(r"<HEADLINE>(.*?)</HEADLINE>", re.S)
_DATE_TIME = re.compile(r"<DATE_TIME>\s*(.*?)\s*</DATE_TIME>", re.S)
_DOCNO_DATE = re.compile(r"(\d{8})")
_TAG = re.compile(r"<[^>]+>")
_OUTLETS = {"APW": "Associated Press", "NYT": "New York Times", "XIE": "Xinhua",
            "LAT": "Los Angeles Times", "FBIS": "FBIS", "FT": "Financial Times"}


def is_sgml(head: bytes) -> bool:
    """Does this file start like TREC/DUC SGML?"""
    return head.lstrip()[:5].upper() == b"<DOC>"


def read_duc_file(path: Path, cluster: str | None = None) -> Iterator[Article | Skip]:
    """Every ``<DOC>`` in one SGML file. The date comes from DATE_TIME, else the DOCNO."""
    yield from read_duc_bytes(open_bytes(path), str(path), cluster or path.parent.name)


def read_duc_bytes(data: bytes, name: str, cluster: str | None = None) -> Iterator[Article | Skip]:
    """Every ``<DOC>`` in SGML bytes; the cluster defaults to the name's parent folder."""
    text = decode_text(data, name)
    if isinstance(text, Skip):
        yield text
        return
    docs = _DOC.findall(text)
    if not docs:
        yield Skip(name, "not SGML", "no <DOC> element")
        return
    if cluster is None:
        cluster = PurePosixPath(name.rsplit("!", 1)[-1].replace("\\", "/")).parent.name
    for number, body in enumerate(docs, start=1):
        where = f"{name}: document {number}"
        docno_match = _DOCNO.search(body)
        docno = docno_match.group(1).strip() if docno_match else ""
        text_match = _TEXT.search(body)
        if not text_match:
            yield Skip(where, "missing text", "no <TEXT> element")
            continue
        headline = _HEADLINE.search(body)
        fields = {
            "id": docno or None,
            "text": clean_sgml_text(text_match.group(1)),
            "title": _squash(html.unescape(_TAG.sub(" ", headline.group(1)))) if headline else None,
            "source": _OUTLETS.get(re.sub(r"\d.*", "", docno), None) if docno else None,
            "published": _duc_date(body, docno),
            "cluster": cluster or None,
            "docno": docno,
        }
        yield make_article(fields, where)


def clean_sgml_text(raw: str) -> str:
    """Paragraphs of a TREC ``<TEXT>``: tags dropped, lines joined, AP quote marks made plain.

    >>> clean_sgml_text("<P>\\n  ``Yes,'' he\\nsaid.\\n</P>\\n<P>\\nNext.</P>")
    '"Yes," he said.\\n\\nNext.'
    """
    raw = html.unescape(raw.replace("&Cx1f;", " ").replace("&QL;", " "))
    if "<P>" in raw.upper():
        paragraphs = re.split(r"</?P>", raw, flags=re.I)
    else:  # AP style: a paragraph starts on an indented line
        paragraphs = re.split(r"\n(?=[ \t]{2,}|\t)", raw)
    cleaned = []
    for paragraph in paragraphs:
        text = _squash(_TAG.sub(" ", paragraph))
        text = text.replace("``", '"').replace("''", '"')
        if text:
            cleaned.append(text)
    return "\n\n".join(cleaned)


def _duc_date(body: str, docno: str) -> str | None:
    match = _DATE_TIME.search(body)
    if match:
        try:
            return parse_published(match.group(1)).isoformat()
        except ValueError:
            pass
    digits = _DOCNO_DATE.search(docno)
    if digits:
        d = digits.group(1)
        return f"{d[:4]}-{d[4:6]}-{d[6:]}"
    return None


def read_duc_folder(path: Path) -> Iterator[Article | Skip]:
    """A DUC ``docs`` folder (one sub-folder per cluster), one cluster folder, or a file."""
    if path.is_file():
        yield from read_duc_file(path)
        return
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        with open(file, "rb") as handle:
            if not is_sgml(handle.read(64)):
                continue
        yield from read_duc_file(file, cluster=file.parent.name)


# -- Timeline17 ---------------------------------------------------------------------------

_T17_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_timeline17(path: Path) -> bool:
    """A Timeline17 topic folder (has InputDocs/) or a folder of such topics."""
    if not path.is_dir():
        return False
    if (path / "InputDocs").is_dir():
        return True
    return any((child / "InputDocs").is_dir() for child in path.iterdir() if child.is_dir())


def read_timeline17(path: Path) -> Iterator[Article | Skip]:
    """``<topic>/InputDocs/<YYYY-MM-DD>/<n>.htm.txt``: publication date = the date folder.

    The outlet is the part of the topic folder name after the last underscore
    (``H1N1_bbc`` -> ``bbc``); ``extra["topic"]`` keeps the folder name.
    """
    topics = [path] if (path / "InputDocs").is_dir() else sorted(
        child for child in path.iterdir() if (child / "InputDocs").is_dir()
    )
    for topic in topics:
        for day in sorted((topic / "InputDocs").iterdir()):
            if not day.is_dir() or not _T17_DATE.match(day.name):
                continue
            for file in sorted(day.iterdir(), key=lambda p: (len(p.name), p.name)):
                if file.is_file():
                    yield timeline17_article(file.read_bytes(), str(file), topic.name, day.name,
                                             file.name)


_T17_MEMBER = re.compile(r"(?:^|/)([^/]+)/InputDocs/(\d{4}-\d{2}-\d{2})/([^/]+)$")


def timeline17_member(name: str) -> tuple[str, str, str] | None:
    """``(topic, date, file)`` when a path (or archive member) is a Timeline17 input document.

    >>> timeline17_member("t17.zip!H1N1_bbc/InputDocs/2009-04-25/3.htm.txt")
    ('H1N1_bbc', '2009-04-25', '3.htm.txt')
    """
    match = _T17_MEMBER.search(name.rsplit("!", 1)[-1].replace("\\", "/"))
    return match.groups() if match else None


def timeline17_article(data: bytes, where: str, topic: str, day: str,
                       filename: str) -> Article | Skip:
    """One Timeline17 document: published on ``day``, outlet from the topic folder's name."""
    outlet = topic.rsplit("_", 1)[-1] if "_" in topic else None
    text = decode_text(data, where)
    if isinstance(text, Skip):
        return text
    key = f"{topic}/InputDocs/{day}/{filename}"
    fields = {"id": None, "text": text.strip(), "source": outlet, "published": day,
              "topic": topic, "file": key}
    article = make_article(fields, where)
    if isinstance(article, Article):
        # Timeline17 repeats some texts across topics: keep ids distinct per file.
        article.id = _stable_id(key)
    return article


def _stable_id(key: str) -> str:
    from storyline.model import article_id

    return article_id(url=f"timeline17:{key}", text="")


# -- Multi-News CSV ---------------------------------------------------------------------------


def is_multinews_header(header: list[str]) -> bool:
    return "documents" in [h.strip().lower() for h in header]


def read_multinews(path: Path) -> Iterator[Article | Skip]:
    """One row per cluster; ``documents`` is a Python-literal list of article texts.

    ``extra["cluster"]`` is ``"<file stem>:<row number>"``; the row's ``summary`` is not an
    article and is not read here (the summary evaluation reads it).
    """
    yield from read_multinews_bytes(open_bytes(path), str(path))


def read_multinews_bytes(data: bytes, name: str) -> Iterator[Article | Skip]:
    """Multi-News CSV bytes (see ``read_multinews``)."""
    stem = PurePosixPath(name.rsplit("!", 1)[-1]).name.split(".")[0]
    header, rows = csvfile.iter_csv_rows(data, name)
    if header is not None and "documents" not in header:
        yield Skip(name, "missing text column", "no 'documents' column")
        return
    for row_number, row in rows:
        where = f"{name}: row {row_number}"
        if isinstance(row, Skip):
            yield row
            continue
        raw = row.get("documents")
        if raw is None:
            yield Skip(where, "missing text", "no 'documents' column")
            continue
        documents = parse_document_list(raw)
        if documents is None:
            yield Skip(where, "malformed documents", "not a list literal")
            continue
        if not documents:
            yield Skip(where, "missing text", "no documents in the row")
            continue
        for doc_number, text in enumerate(documents, start=1):
            fields = {"text": text, "cluster": f"{stem}:{row_number}",
                      "document": doc_number}
            yield make_article(fields, f"{where}, document {doc_number}")


def parse_document_list(raw: str) -> list[str] | None:
    """The ``documents`` cell: a Python list literal (or the original ``|||||`` separated text)."""
    raw = raw.strip()
    if raw.startswith("["):
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [v for v in value if v.strip()]
        return None
    return [part for part in (p.strip() for p in raw.split("|||||")) if part]


def iter_csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str] | Skip]]:
    """Rows of a (possibly gzipped) CSV with a header, as dicts (lower-cased column names).

    Row numbers count data rows from 1 (the header is row 0); undecodable rows are Skips.
    """
    _header, rows = csvfile.iter_csv_rows(open_bytes(path), str(path))
    yield from rows


# -- WCEP -----------------------------------------------------------------------------------


def read_wcep(path: Path) -> Iterator[Article | Skip]:
    """WCEP JSON Lines (often ``.jsonl.gz``): one event per line with its ``articles``.

    Each article has ``title``, ``text``, ``time`` and ``url``; ``extra["cluster"]`` is the
    event's id. The clusters file of ``storyline summarize`` has the same shape.
    """
    with open_text_lines(path) as lines:  # streamed: WCEP files run to gigabytes
        yield from read_wcep_lines(lines, str(path))


def read_wcep_bytes(data: bytes, name: str) -> Iterator[Article | Skip]:
    """WCEP JSON Lines bytes (see ``read_wcep``)."""
    yield from read_wcep_lines(data.splitlines(), name)


def read_wcep_lines(lines: Iterable[bytes], name: str) -> Iterator[Article | Skip]:
    """WCEP events from raw lines; each line is decoded on its own."""
    for item in json_objects(lines, name):
        if isinstance(item, Skip):
            yield item
            continue
        where, event = item
        if not isinstance(event.get("articles"), list):
            yield Skip(where, "not a WCEP event", "no 'articles' list")
            continue
        cluster = str(event.get("id", where.rsplit(":", 1)[-1]))  # else the line number
        for index, item in enumerate(event["articles"], start=1):
            if not isinstance(item, dict):
                yield Skip(f"{where}, article {index}", "malformed JSON", "not an object")
                continue
            fields = {
                "id": item.get("id"), "url": item.get("url"), "title": item.get("title"),
                "text": item.get("text"), "source": item.get("source") or item.get("origin"),
                "published": item.get("time") or item.get("published"), "cluster": cluster,
            }
            yield make_article(fields, f"{where}, article {index}")


def looks_like_wcep(first_line: str) -> bool:
    try:
        value = json.loads(first_line)
    except json.JSONDecodeError:
        return False
    return isinstance(value, dict) and isinstance(value.get("articles"), list)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()

