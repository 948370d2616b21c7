"""Readers for the research formats: DUC SGML, Timeline17 folders, Multi-News CSV, WCEP.

Each yields ``Article`` objects (or ``Skip``) like every other reader. What the data set
knows about grouping is kept in ``Article.extra``: ``cluster`` (DUC folder, Multi-News row,
WCEP event) or ``topic`` (Timeline17), so evaluations can compare storyline's stories with
the labelled ones.
"""

from __future__ import annotations

import ast
import csv
import html
import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from storyline.ingest.records import Skip, decode, make_article, open_bytes, parse_published
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
    text = decode(open_bytes(path), str(path))
    if isinstance(text, Skip):
        yield text
        return
    docs = _DOC.findall(text)
    if not docs:
        yield Skip(str(path), "not SGML", "no <DOC> element")
        return
    for number, body in enumerate(docs, start=1):
        where = f"{path}: document {number}"
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
            "cluster": cluster or path.parent.name,
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
        outlet = topic.name.rsplit("_", 1)[-1] if "_" in topic.name else None
        for day in sorted((topic / "InputDocs").iterdir()):
            if not day.is_dir() or not _T17_DATE.match(day.name):
                continue
            for file in sorted(day.iterdir(), key=lambda p: (len(p.name), p.name)):
                where = str(file)
                text = decode(file.read_bytes(), where)
                if isinstance(text, Skip):
                    yield text
                    continue
                text = text.strip()
                fields = {
                    "id": None,
                    "text": text,
                    "source": outlet,
                    "published": day.name,
                    "topic": topic.name,
                    "file": f"{topic.name}/InputDocs/{day.name}/{file.name}",
                }
                article = make_article(fields, where)
                if isinstance(article, Article):
                    # Timeline17 repeats some texts across topics: keep ids distinct per file.
                    article.id = _stable_id(fields["file"])
                yield article


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
    for row_number, row in iter_csv_rows(path):
        where = f"{path}: row {row_number}"
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
        for doc_number, text in enumerate(documents, start=1):
            fields = {"text": text, "cluster": f"{path.stem}:{row_number}",
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
    """Rows of a (possibly gzipped) CSV with a header, as dicts; undecodable input skipped.

    Row numbers count data rows from 1 (the header is row 0).
    """
    text = decode(open_bytes(path), str(path))
    if isinstance(text, Skip):
        yield 0, text
        return
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield number, Skip(f"{path}: row {number}", "malformed CSV", str(exc))
            return
        yield number, {(k or "").strip().lower(): (v or "") for k, v in row.items()}


# -- WCEP -----------------------------------------------------------------------------------


def read_wcep(path: Path) -> Iterator[Article | Skip]:
    """WCEP JSON Lines (often ``.jsonl.gz``): one event per line with its ``articles``.

    Each article has ``title``, ``text``, ``time`` and ``url``; ``extra["cluster"]`` is the
    event's id.
    """
    data = decode(open_bytes(path), str(path))
    if isinstance(data, Skip):
        yield data
        return
    for number, line in enumerate(data.splitlines(), start=1):
        where = f"{path}:{number}"
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skip(where, "malformed JSON", exc.msg)
            continue
        if not isinstance(event, dict) or not isinstance(event.get("articles"), list):
            yield Skip(where, "not a WCEP event", "no 'articles' list")
            continue
        cluster = str(event.get("id", number))
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

