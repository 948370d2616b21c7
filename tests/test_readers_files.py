"""Readers for ordinary files: CSV, text/Markdown, HTML, JSON, JSON Lines, gzip of each;
detection, ``--format`` overrides, folders and bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from storyline.ingest.formats import READERS, detect_format, read_path, sniff
from storyline.ingest.records import InputError, Skip
from storyline.model import Article

PAGE = """<!DOCTYPE html>
<html><head><title>Ferry service resumes - Harbour Gazette</title>
<link rel="canonical" href="https://www.harbourgazette.example/2023/11/02/ferry">
<meta property="og:site_name" content="Harbour Gazette">
<meta property="og:title" content="Ferry service resumes">
<meta property="article:published_time" content="2023-11-02T07:30:00Z">
</head><body>
<nav><a href="/">Home</a> | <a href="/sport">Sport</a></nav>
<article><h1>Ferry service resumes</h1>
<p>The island ferry sailed again on Thursday after a week of storms kept it in port,
the operator said in a short statement to passengers waiting at the quay.</p>
<p>Extra crossings will run through the weekend to clear the backlog of vehicles and
freight, and tickets bought for cancelled sailings remain valid until the end of the month.</p>
</article><footer>All rights reserved. Subscribe to our newsletter.</footer></body></html>
"""


def articles(items) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def skips(items) -> list[Skip]:
    return [i for i in items if isinstance(i, Skip)]


# -- CSV --------------------------------------------------------------------------------------


def test_csv_maps_columns_and_keeps_extra(tmp_path: Path):
    path = tmp_path / "items.csv"
    path.write_text(
        "Headline,Body,Link,Publisher,PubDate,section\n"
        "Dam opens,\"The new dam opened, two years late.\",https://a.example/dam,"
        "Valley News,2022-05-01,local\n"
        "No text here,,https://a.example/x,Valley News,2022-05-02,local\n",
        encoding="utf-8")
    items = list(read_path(path))
    [article] = articles(items)
    assert article.title == "Dam opens"
    assert article.text == "The new dam opened, two years late."
    assert article.url == "https://a.example/dam"
    assert article.source == "Valley News"
    assert article.published.date().isoformat() == "2022-05-01"
    assert article.extra["section"] == "local"
    [skip] = skips(items)
    assert skip.where == f"{path}: row 2" and skip.reason == "missing text"


def test_csv_without_text_column_is_one_skip_naming_the_header(tmp_path: Path):
    path = tmp_path / "meta.csv"
    path.write_text("title,author\nA,B\nC,D\n")
    [skip] = list(read_path(path))
    assert skip.reason == "missing text column" and "title, author" in skip.detail


def test_csv_bad_row_bytes_and_bad_date_skip_only_that_row(tmp_path: Path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"text,date\n"
                     b"Good row one.,2021-01-02\n"
                     b"Bad \xff\xfe bytes.,2021-01-03\n"
                     b"Bad date row.,the day after\n"
                     b"Good row two.,2021-01-04\n")
    items = list(read_path(path))
    assert [a.text for a in articles(items)] == ["Good row one.", "Good row two."]
    reasons = {s.where: s.reason for s in skips(items)}
    assert reasons == {f"{path}: row 2": "undecodable bytes", f"{path}: row 3": "unparseable date"}


def test_semicolon_csv_and_tsv(tmp_path: Path):
    (tmp_path / "a.csv").write_text("title;content\nT;Body with, a comma.\n")
    (tmp_path / "b.tsv").write_text("title\ttext\nT2\tBody two.\n")
    assert articles(read_path(tmp_path / "a.csv"))[0].text == "Body with, a comma."
    assert articles(read_path(tmp_path / "b.tsv"))[0].title == "T2"


# -- text and Markdown -----------------------------------------------------------------------


def test_text_file_title_first_line_and_date_from_path(tmp_path: Path):
    day = tmp_path / "2020-02-29"
    day.mkdir()
    (day / "storm.txt").write_text(
        "\n  Storm hits coast \nWinds reached 120 km/h.\n\nMore later.\n")
    [article] = list(read_path(day / "storm.txt"))
    assert article.title == "Storm hits coast"
    assert article.text == "Winds reached 120 km/h.\n\nMore later."
    assert article.published.date().isoformat() == "2020-02-29"
    assert article.source is None


def test_a_first_line_that_is_a_paragraph_is_text_not_a_title(tmp_path: Path):
    # A crawled page flattened to text: headline, caption and lead on one line (Timeline17).
    first = ("Haiti quake survivors spend second night in streets The BBC 's Andy Gallacher : "
             "The hospital car park was strewn with bodies Thousands of Haitians are spending "
             "a second night in the open .")
    (tmp_path / "quake.txt").write_text(first + "\nAid began to arrive on Thursday .\n")
    [article] = list(read_path(tmp_path / "quake.txt"))
    assert article.title is None
    assert article.text.startswith("Haiti quake survivors") and "Aid began" in article.text
    # A one-sentence lead of 14 words is no headline either; a 14-word headline is one.
    (tmp_path / "lead.txt").write_text("Dockworkers at Port Calloway walked out on Monday, "
                                       "halting work at all three terminals.\nMore.\n")
    (tmp_path / "head.txt").write_text("Eastbridge can be repaired, engineers say, but will "
                                       "stay shut for months and months\nMore.\n")
    [lead] = list(read_path(tmp_path / "lead.txt"))
    [head] = list(read_path(tmp_path / "head.txt"))
    assert lead.title is None and head.title.startswith("Eastbridge")


def test_tokenizer_brackets_are_read_as_brackets(tmp_path: Path):
    # Timeline17's texts come tokenized, brackets spelt out: "-RRB-" was a key entity.
    (tmp_path / "spill.txt").write_text("Oil spill grows\nThe slick covers 600 sq miles "
                                        "-LRB- 1,550 sq km -RRB- , officials said .\n")
    [article] = list(read_path(tmp_path / "spill.txt"))
    assert "( 1,550 sq km )" in article.text and "RRB" not in article.text
    row = {"text": "A -LSB- sic -RSB- note.", "title": "Talks -LRB- 2 -RRB-"}
    (tmp_path / "a.jsonl").write_text(json.dumps(row) + "\n")
    [jsonl] = list(read_path(tmp_path / "a.jsonl"))
    assert jsonl.text == "A [ sic ] note." and jsonl.title == "Talks ( 2 )"


def test_markdown_heading_marks_dropped_and_no_date(tmp_path: Path):
    (tmp_path / "note.md").write_text("# Council votes on budget\n\nThe vote passed 7 to 2.\n")
    [article] = list(read_path(tmp_path / "note.md"))
    assert article.title == "Council votes on budget" and article.published is None


def test_text_undecodable_names_the_line_and_empty_file(tmp_path: Path):
    (tmp_path / "bad.txt").write_bytes(b"Title\nfine line\nbroken \xc3\x28 line\n")
    [skip] = list(read_path(tmp_path / "bad.txt"))
    assert (skip.where, skip.reason) == (f"{tmp_path / 'bad.txt'}:3", "undecodable bytes")
    (tmp_path / "empty.txt").write_text("  \n\n")
    [skip] = list(read_path(tmp_path / "empty.txt"))
    assert skip.reason == "empty file"


# -- HTML -------------------------------------------------------------------------------------


def test_html_page_text_title_date_outlet_url(tmp_path: Path):
    (tmp_path / "ferry.html").write_text(PAGE)
    [article] = list(read_path(tmp_path / "ferry.html"))
    assert article.title == "Ferry service resumes"
    assert article.text.startswith("The island ferry sailed again on Thursday")
    assert "tickets bought for cancelled sailings" in article.text
    assert "Subscribe" not in article.text and "Home" not in article.text
    assert article.source == "Harbour Gazette"
    assert article.url == "https://www.harbourgazette.example/2023/11/02/ferry"
    assert article.published.date().isoformat() == "2023-11-02"


def test_html_outlet_falls_back_to_host_of_canonical_url(tmp_path: Path):
    page = PAGE.replace('<meta property="og:site_name" content="Harbour Gazette">', "")
    page = page.replace(" - Harbour Gazette", "")
    (tmp_path / "p.htm").write_text(page)
    [article] = list(read_path(tmp_path / "p.htm"))
    assert article.source == "harbourgazette.example"


def test_html_in_a_legacy_encoding(tmp_path: Path):
    page = PAGE.replace("<head>", '<head><meta charset="iso-8859-1">')
    page = page.replace("The island ferry", "The île ferry")
    (tmp_path / "latin.html").write_bytes(page.encode("iso-8859-1"))
    [article] = list(read_path(tmp_path / "latin.html"))
    assert article.text.startswith("The île ferry")


def test_html_without_article_text_is_skipped(tmp_path: Path):
    (tmp_path / "blank.html").write_text("<html><head><title>x</title></head><body></body></html>")
    [skip] = list(read_path(tmp_path / "blank.html"))
    assert skip.reason == "empty text"


# -- JSON Lines and JSON documents -------------------------------------------------------------


def test_jsonl_bad_lines_named_and_rest_read(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "One.", "published": "2019-07-01"}\n'
                     b'{"title": "no text"}\n'
                     b'{broken\n'
                     b'{"text": "\xff"}\n'
                     b'{"text": "   "}\n'
                     b'{"text": "Two.", "published": "not a date at all"}\n'
                     b'{"text": "Three."}\n')
    items = list(read_path(path))
    assert [a.text for a in articles(items)] == ["One.", "Three."]
    assert [(s.where, s.reason) for s in skips(items)] == [
        (f"{path}:2", "missing text"), (f"{path}:3", "malformed JSON"),
        (f"{path}:4", "undecodable bytes"), (f"{path}:5", "empty text"),
        (f"{path}:6", "unparseable date")]


def test_json_array_and_cluster_documents(tmp_path: Path):
    (tmp_path / "arr.json").write_text(json.dumps(
        [{"text": "First."}, {"text": "Second.", "title": "S"}, 5], indent=2))
    items = list(read_path(tmp_path / "arr.json"))
    assert [a.text for a in articles(items)] == ["First.", "Second."]
    assert skips(items)[0].where.endswith("arr.json: record 3")
    (tmp_path / "cluster.json").write_text(json.dumps(
        {"id": "c9", "articles": [{"text": "Alpha."}, {"text": "Beta."}]}, indent=1))
    assert {a.extra["cluster"] for a in articles(read_path(tmp_path / "cluster.json"))} == {"c9"}


# -- gzip -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,content,fmt", [
    ("a.jsonl.gz", b'{"text": "Gzipped line."}\n', "jsonl"),
    ("a.csv.gz", b"title,text\nT,Gzipped row.\n", "csv"),
    ("a.txt.gz", b"T\nGzipped text.\n", "text"),
    ("a.html.gz", PAGE.encode(), "html"),
    ("mystery.gz", b'{"text": "Found by content."}\n', "jsonl"),
])
def test_gzip_of_each_format(tmp_path: Path, name: str, content: bytes, fmt: str):
    path = tmp_path / name
    path.write_bytes(gzip.compress(content))
    assert detect_format(path) == fmt
    [article] = articles(read_path(path))
    assert article.text


def test_corrupt_gzip_is_one_input_error(tmp_path: Path):
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "x"}\n' * 1000)[:40])
    with pytest.raises(InputError, match="broken.jsonl.gz"):
        list(read_path(path))


# -- detection and overrides ------------------------------------------------------------------


def test_detection_by_extension_and_content():
    assert sniff("x.csv", b"text,title\n") == "csv"
    assert sniff("x.CSV", b"Documents,summary\n") == "multinews"
    assert sniff("x.jsonl", b'{"id": 1, "articles": []}\n') == "wcep"
    assert sniff("x.json", b'[{"text": "a"}]') == "json"
    assert sniff("feed.xml", b'<?xml version="1.0"?><rss version="2.0">') == "feed"
    assert sniff("sitemap.xml", b'<?xml version="1.0"?><urlset>') is None
    assert sniff("page", b"<!DOCTYPE html><html><body>") == "html"
    assert sniff("feed", b'<feed xmlns="http://www.w3.org/2005/Atom">') == "feed"
    assert sniff("a.tar.gz", b"") == "archive"
    assert sniff("photo.jpg", b"\xff\xd8\xff\xe0") is None


def test_long_first_lines_still_detected(tmp_path: Path):
    long_text = "word " * 20000  # longer than the bytes detection looks at
    (tmp_path / "long.json").write_text(json.dumps({"text": long_text}) + "\n"
                                        + json.dumps({"text": "Short."}) + "\n")
    assert detect_format(tmp_path / "long.json") == "jsonl"
    assert len(articles(read_path(tmp_path / "long.json"))) == 2
    event = {"id": "e", "articles": [{"text": long_text}, {"text": "Short."}]}
    (tmp_path / "events.jsonl").write_text(json.dumps(event) + "\n")
    assert detect_format(tmp_path / "events.jsonl") == "wcep"


def test_unknown_file_and_missing_path_are_input_errors(tmp_path: Path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00")
    with pytest.raises(InputError, match="unknown format"):
        list(read_path(tmp_path / "photo.jpg"))
    with pytest.raises(InputError, match="no such file"):
        list(read_path(tmp_path / "nope.jsonl"))
    with pytest.raises(InputError, match="unknown format 'yaml'"):
        list(read_path(tmp_path / "photo.jpg", "yaml"))


def test_format_override_reads_a_file_as_named(tmp_path: Path):
    path = tmp_path / "export.dat"
    path.write_text("headline,body\nH,Body of the row.\n")
    with pytest.raises(InputError):
        detect_format(path)
    [article] = list(read_path(path, "csv"))
    assert article.title == "H"
    [as_text] = list(read_path(path, "text"))  # the same bytes as a text article
    assert as_text.title == "headline,body"


def test_every_reader_name_is_a_format_option():
    assert {"jsonl", "csv", "multinews", "text", "html", "feed", "duc", "timeline17", "wcep",
            "archive", "folder", "json"} <= set(READERS)


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_input_error(tmp_path: Path):
    path = tmp_path / "locked.jsonl"
    path.write_text('{"text": "x"}\n')
    path.chmod(0)
    with pytest.raises(InputError, match="unreadable"):
        list(read_path(path))


def test_permission_denied_is_input_error_alone_and_a_skip_in_a_folder(tmp_path, monkeypatch):
    # Works as root too: the refusal is simulated where the reader reads the bytes.
    (tmp_path / "locked.txt").write_text("T\nLocked text.\n")
    (tmp_path / "open.txt").write_text("T\nOpen text.\n")
    original = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(InputError, match="locked.txt: unreadable \\(Permission denied\\)"):
        list(read_path(tmp_path / "locked.txt"))
    items = list(read_path(tmp_path))
    assert [a.text for a in articles(items)] == ["Open text."]
    assert [(Path(s.where).name, s.reason) for s in skips(items)] == [
        ("locked.txt", "unreadable file")]


# -- folders ----------------------------------------------------------------------------------


def test_folder_reads_every_supported_file_recursively(tmp_path: Path):
    root = tmp_path / "inbox"
    (root / "web" / "2023-11-02").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: x")
    (root / "web" / "2023-11-02" / "ferry.html").write_text(PAGE)
    (root / "notes.md").write_text("# Note title\nA note body.\n")
    (root / "rows.csv").write_text("text\nRow text.\n")
    (root / "lines.jsonl.gz").write_bytes(gzip.compress(b'{"text": "Line text."}\n'))
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "empty.jsonl").write_text("")
    assert detect_format(root) == "folder"
    items = list(read_path(root))
    assert sorted(a.text[:9] for a in articles(items)) == [
        "A note bo", "Line text", "Row text.", "The islan"]
    assert sorted((Path(s.where).name, s.reason) for s in skips(items)) == [
        ("empty.jsonl", "empty file"), ("logo.png", "unsupported file")]


def test_folder_with_format_override_reads_every_file_so(tmp_path: Path):
    (tmp_path / "a.data").write_text("text\nRow A.\n")
    (tmp_path / "b.data").write_text("text\nRow B.\n")
    assert [a.text for a in articles(read_path(tmp_path, "csv"))] == ["Row A.", "Row B."]


def test_unlistable_sub_folder_is_a_skip(tmp_path: Path, monkeypatch):
    (tmp_path / "ok.txt").write_text("T\nFine.\n")
    (tmp_path / "sealed").mkdir()
    original = __import__("os").scandir

    def scandir(path):
        if str(path).endswith("sealed"):
            raise PermissionError(13, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr("os.scandir", scandir)
    items = list(read_path(tmp_path))
    assert [a.text for a in articles(items)] == ["Fine."]
    assert [(Path(s.where).name, s.reason) for s in skips(items)] == [
        ("sealed", "unreadable folder")]


def test_folder_turns_a_corrupt_file_into_a_skip(tmp_path: Path):
    (tmp_path / "good.txt").write_text("T\nGood text.\n")
    (tmp_path / "bad.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    items = list(read_path(tmp_path))
    assert [a.text for a in articles(items)] == ["Good text."]
    [skip] = skips(items)
    assert skip.reason == "unreadable file" and "bad.jsonl.gz" in skip.where
