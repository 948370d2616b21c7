"""Property-based tests of every reader (hypothesis): random bytes, random JSON, random CSV
dialects, random encodings. Whatever the input: never a traceback, never a record lost
without a named skip, and what was read equals what was stored plus what was skipped.

Examples are bounded and derandomized by the ``storyline`` profile below (the same examples
on every run, sized for CI); ``HYPOTHESIS_PROFILE=thorough`` tries many more.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import tarfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.ingest import datasets
from storyline.ingest.csvfile import read_csv_bytes
from storyline.ingest.feeds import read_feed_bytes
from storyline.ingest.files import read_text_bytes
from storyline.ingest.formats import read_bytes
from storyline.ingest.jsondoc import read_json_bytes
from storyline.ingest.jsonl import read_jsonl_bytes
from storyline.ingest.pages import read_html_bytes
from storyline.ingest.records import Skip
from storyline.ingest.runner import IngestReport, collect, ingest_paths
from storyline.model import Article
from storyline.store import open_store

settings.register_profile(
    "storyline", max_examples=25, deadline=30_000, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large])
settings.register_profile("thorough", parent=settings.get_profile("storyline"),
                          max_examples=1000, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "storyline"))

# Text as hostile input writes it: any code point, controls and surrogates included.
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
WORDY = st.text(st.characters(codec="utf-8"), min_size=1, max_size=60)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12)
RECORD = st.fixed_dictionaries(
    {"text": WORDY | JSON},
    optional={"id": TEXT | st.integers(), "title": TEXT | JSON, "source": TEXT,
              "url": TEXT, "published": TEXT | st.integers() | st.floats(),
              "extra": JSON})


def items(generator) -> tuple[list[Article], list[Skip]]:
    out = list(generator)
    assert all(isinstance(x, Article | Skip) for x in out)
    return [x for x in out if isinstance(x, Article)], [x for x in out if isinstance(x, Skip)]


def counted_lines(data: bytes) -> int:
    """JSON Lines lines that hold something (blank lines are not records)."""
    n = 0
    for raw in data.splitlines():
        try:
            n += bool(raw.decode("utf-8-sig").strip())
        except UnicodeDecodeError:
            n += 1
    return n


@given(st.lists(st.binary(max_size=80) | RECORD.map(lambda r: json.dumps(r).encode()),
                max_size=8).map(b"\n".join))
def test_jsonl_every_line_is_an_article_or_a_named_skip(data):
    articles, skips = items(read_jsonl_bytes(data, "r.jsonl"))
    assert len(articles) + len(skips) == counted_lines(data)
    assert all(s.where.startswith("r.jsonl:") and s.reason for s in skips)


@given(st.lists(RECORD, max_size=6) | JSON | st.binary(max_size=100).map(lambda b: b))
def test_json_document_records_are_articles_or_named_skips(value):
    data = value if isinstance(value, bytes) else json.dumps(value).encode()
    articles, skips = items(read_json_bytes(data, "r.json"))
    if isinstance(value, list):  # (an empty list is named by read_path: "empty file")
        assert len(articles) + len(skips) == len(value)
    else:
        assert len(articles) + len(skips) >= 1


DIALECT = st.fixed_dictionaries({
    "delimiter": st.sampled_from([",", ";", "\t"]),
    "quoting": st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    "lineterminator": st.sampled_from(["\n", "\r\n"]),
})
CELL = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


@given(DIALECT, st.lists(st.tuples(CELL, CELL, CELL), max_size=8),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_csv_written_in_any_dialect_reads_back_row_for_row(dialect, rows, encoding):
    if dialect["lineterminator"] == "\n":
        # csv.writer then leaves a field with a lone "\r" unquoted: a line break to readers.
        rows = [tuple(cell.replace("\r", "\n") for cell in row) for row in rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, **dialect)
    writer.writerow(["title", "text", "source"])
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    name = "r.tsv" if dialect["delimiter"] == "\t" else "r.csv"
    got = list(read_csv_bytes(data, name))
    kept = [r for r in rows if any(cell.strip() for cell in r)]  # blank rows are not records
    assert len(got) == len(kept)
    for (title, text, _source), item in zip(kept, got, strict=True):
        if isinstance(item, Article):
            assert item.text == text.replace("\x00", "\ufffd")
            assert (item.title or "") == title.strip()
        else:  # only an empty text, or one a record may not hold, is refused
            assert item.reason in ("missing text", "empty text", "undecodable bytes"), item


@given(st.binary(max_size=300), st.sampled_from(["r.csv", "r.tsv", "m.csv"]))
def test_csv_of_random_bytes_never_raises(data, name):
    reader = datasets.read_multinews_bytes if name == "m.csv" else read_csv_bytes
    articles, skips = items(reader(data, name))
    assert articles or skips


@given(st.text(max_size=200),
       st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252", "utf-32"]))
def test_text_in_any_encoding_is_one_article_or_one_skip(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode(encoding, errors="replace")
    for reader in (read_text_bytes, read_html_bytes, read_feed_bytes, datasets.read_duc_bytes):
        articles, skips = items(reader(data, "r.txt"))
        assert len(articles) + len(skips) >= 1
        if reader is read_text_bytes:
            assert len(articles) + len(skips) == 1


FEED_ENTRY = st.fixed_dictionaries({"title": TEXT, "description": TEXT, "pubDate": TEXT})


@given(st.lists(FEED_ENTRY, min_size=1, max_size=5))
def test_every_feed_entry_is_an_article_or_a_named_skip(entries):
    from xml.sax.saxutils import escape

    def clean(value: str) -> str:  # what XML 1.0 can carry at all
        return escape("".join(c for c in value if c in "\t\n\r" or " " <= c <= "\ud7ff"))

    body = "".join(f"<item><title>{clean(e['title'])}</title><description>"
                   f"{clean(e['description'])}</description><pubDate>{clean(e['pubDate'])}"
                   f"</pubDate></item>" for e in entries)
    data = f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{body}' \
           "</channel></rss>"
    articles, skips = items(read_feed_bytes(data.encode(), "f.rss"))
    assert len(articles) + len(skips) == len(entries)


@given(st.lists(st.fixed_dictionaries({"id": TEXT, "articles": st.lists(RECORD | JSON,
                                                                         max_size=3)}),
                max_size=4))
def test_every_wcep_article_is_an_article_or_a_named_skip(events):
    data = b"\n".join(json.dumps(e).encode() for e in events)
    articles, skips = items(datasets.read_wcep_bytes(data, "w.jsonl"))
    assert len(articles) + len(skips) == sum(len(e["articles"]) for e in events)


def archive(kind: str, members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    if kind == "zip":
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name, data in members:
                bundle.writestr(name, data)
    else:
        with tarfile.open(fileobj=buffer, mode="w:gz") as bundle:
            for name, data in members:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                bundle.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


MEMBER_NAME = st.sampled_from(["a.jsonl", "b.csv", "c.txt", "d.html", "e.json", "f.rss",
                               "g.gz", "h", "i.zip", "j.xml", "k.md"])


@given(st.sampled_from(["zip", "tar"]),
       st.lists(st.tuples(MEMBER_NAME, st.binary(max_size=200)), max_size=5),
       st.integers(min_value=0, max_value=400))
def test_archives_whole_or_cut_short_never_raise(kind, members, cut):
    data = archive(kind, [(f"{i}/{name}", body) for i, (name, body) in enumerate(members)])
    for variant in (data, data[:cut], gzip.compress(data)[:cut or None]):
        report = IngestReport()
        for item in _read_guarded(variant, "a." + kind, report):
            assert isinstance(item, Article | Skip)


def _read_guarded(data: bytes, name: str, report: IngestReport):
    """What an ingest does with one input: its InputError is one named skip."""
    from storyline.ingest.records import InputError

    try:
        yield from read_bytes(data, name)
    except InputError as exc:
        report.skipped += 1
        assert str(exc).startswith(name)


@given(st.binary(max_size=400),
       st.sampled_from(["x.jsonl", "x.json", "x.csv", "x.txt", "x.html", "x.rss", "x.xml",
                        "x.zip", "x.tar.gz", "x.gz", "x", "x.md", "x.jsonl.gz"]))
def test_any_file_on_disk_is_read_or_named(tmp_path_factory, data, name):
    folder = tmp_path_factory.mktemp("any")
    (folder / name).write_bytes(data)
    report = IngestReport()
    articles = collect([folder / name, folder], None, report)
    assert report.read == len(articles)
    assert articles or report.skipped


@given(st.lists(RECORD.map(json.dumps) | st.binary(max_size=40).map(
    lambda b: b.decode("latin-1")), min_size=1, max_size=12))
def test_what_is_read_is_stored_or_skipped(tmp_path_factory, lines):
    path = Path(tmp_path_factory.mktemp("e2e")) / "in.jsonl"
    data = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    path.write_bytes(data.encode("utf-8", "surrogatepass"))
    store = open_store("sqlite://")
    report = ingest_paths(store, [path], on_skip=lambda s: None)
    records = counted_lines(path.read_bytes())
    stored = report.ingested + report.duplicates + report.already_present
    assert stored + report.skipped == max(records, 1)  # a file of no records: "empty file"
    assert store.count_articles() == report.ingested + report.duplicates - report.duplicate_kinds[
        "id"]
    store.close()
