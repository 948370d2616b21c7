"""Research formats: DUC SGML, Timeline17 folders, Multi-News CSV, WCEP JSON Lines.

Small samples written here test each reader's rules; the real sets in ../shared/data (when
present) test that the readers hold up on them.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

from storyline.ingest.formats import detect_format, read_path
from storyline.ingest.records import Skip
from storyline.model import Article

SGML = """<DOC>
<DOCNO> APW20010203.0042 </DOCNO>
<DOCTYPE> NEWS STORY </DOCTYPE>
<DATE_TIME> 02/03/2001 09:15 </DATE_TIME>
<HEADLINE> Glacier retreats further </HEADLINE>
<TEXT>
<P>
   A mountain glacier shrank by ``a record amount'' last year, surveyors
said on Saturday.
</P>
<P>
   The survey team will return in spring.
</P>
</TEXT>
</DOC>
<DOC>
<DOCNO> NYT20010204.0007 </DOCNO>
<TEXT>
   Second story body, AP style without paragraph tags.
   A new paragraph starts on an indented line.
</TEXT>
</DOC>
<DOC>
<DOCNO> NYT20010205.0001 </DOCNO>
</DOC>
"""


def articles(items) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def skips(items) -> list[Skip]:
    return [i for i in items if isinstance(i, Skip)]


def test_duc_sgml_sample(tmp_path: Path):
    cluster = tmp_path / "docs" / "d99001t"
    cluster.mkdir(parents=True)
    (cluster / "APW20010203.0042").write_text(SGML)
    assert detect_format(cluster / "APW20010203.0042") == "duc"
    items = list(read_path(tmp_path / "docs"))
    first, second = articles(items)
    assert first.id == "APW20010203.0042" and first.title == "Glacier retreats further"
    assert first.text.startswith('A mountain glacier shrank by "a record amount" last year')
    assert first.text.count("\n\n") == 1
    assert first.source == "Associated Press" and first.extra["cluster"] == "d99001t"
    assert first.published.date().isoformat() == "2001-02-03"
    assert second.published.date().isoformat() == "2001-02-04"  # from the DOCNO
    assert second.source == "New York Times"
    [skip] = skips(items)
    assert skip.reason == "missing text" and skip.where.endswith("document 3")


def test_duc_undecodable_file_names_the_line(tmp_path: Path):
    path = tmp_path / "NYT20010101.0001"
    path.write_bytes(b"<DOC>\n<DOCNO> NYT20010101.0001 </DOCNO>\n<TEXT>\nCaf\xe9\n</TEXT></DOC>\n")
    [skip] = list(read_path(path))
    assert (skip.where, skip.reason) == (f"{path}:4", "undecodable bytes")


def test_timeline17_sample_reads_only_input_docs(tmp_path: Path):
    topic = tmp_path / "Volcano_examplenews"
    for day, texts in {"2015-06-01": ["Ash cloud grows .\nFlights cancelled .", "Day one ."],
                       "2015-06-03": ["Eruption eases ."]}.items():
        (topic / "InputDocs" / day).mkdir(parents=True)
        for n, text in enumerate(texts):
            (topic / "InputDocs" / day / f"{n}.htm.txt").write_text(text)
    (topic / "InputDocs" / "not-a-date").mkdir()
    (topic / "InputDocs" / "not-a-date" / "x.txt").write_text("ignored")
    (topic / "timelines").mkdir()
    (topic / "timelines" / "examplenews.txt").write_text("2015-06-01\nAn answer, not an article.")
    (topic / "InputDocs" / "2015-06-03" / "1.htm.txt").write_text("")
    assert detect_format(tmp_path) == "timeline17"
    items = list(read_path(tmp_path))
    got = articles(items)
    assert [a.published.date().isoformat() for a in got] == ["2015-06-01"] * 2 + ["2015-06-03"]
    assert {a.source for a in got} == {"examplenews"}
    assert {a.extra["topic"] for a in got} == {"Volcano_examplenews"}
    assert not any("answer" in a.text for a in got)
    assert [s.reason for s in skips(items)] == ["empty text"]


def test_timeline17_topic_found_while_walking_a_plain_folder(tmp_path: Path):
    topic = tmp_path / "corpus" / "Quake_wire"
    (topic / "InputDocs" / "2011-03-11").mkdir(parents=True)
    (topic / "InputDocs" / "2011-03-11" / "0.htm.txt").write_text("A quake struck .")
    (topic / "timelines").mkdir()
    (topic / "timelines" / "wire.txt").write_text("2011-03-11\nAnswer line .")
    (tmp_path / "corpus" / "extra.txt").write_text("Extra\nExtra body.")
    for root in (tmp_path, tmp_path / "corpus"):  # a topic one or two levels down
        assert detect_format(root) == "folder"
        got = articles(read_path(root))
        assert sorted(a.text for a in got) == ["A quake struck .", "Extra body."]


def test_multinews_sample(tmp_path: Path):
    path = tmp_path / "mn.csv"
    rows = [
        [repr(["First doc of cluster one.", "Second doc of cluster one."]), "2", "– Sum."],
        ["[not, a list", "1", "– Sum."],
        [repr(["Only doc of cluster three."]), "1", "– Sum."],
    ]
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["documents", "num_documents", "summary"])
        writer.writerows(rows)
    assert detect_format(path) == "multinews"
    items = list(read_path(path))
    got = articles(items)
    assert [a.extra["cluster"] for a in got] == ["mn:1", "mn:1", "mn:3"]
    assert not any("Sum." in a.text for a in got)
    [skip] = skips(items)
    assert skip.where == f"{path}: row 2"


def test_wcep_sample_gzipped(tmp_path: Path):
    events = [
        {"id": "ev1", "articles": [
            {"title": "Bridge opens", "text": "The bridge opened.", "time": "2019-05-04 10:00:00",
             "url": "https://news.example/bridge"},
            {"title": "Bridge", "text": "", "time": "2019-05-04", "url": "https://b.example/x"}]},
        {"id": "ev2", "articles": [{"text": "Votes counted.", "time": "2019-05-06"}]},
    ]
    lines = "\n".join(json.dumps(e) for e in events) + "\n{oops\n"
    path = tmp_path / "wcep_val.jsonl.gz"
    path.write_bytes(gzip.compress(lines.encode()))
    assert detect_format(path) == "wcep"
    items = list(read_path(path))
    got = articles(items)
    assert [a.extra["cluster"] for a in got] == ["ev1", "ev2"]
    assert got[0].source == "news.example" and got[0].published.hour == 10
    assert [(s.where, s.reason) for s in skips(items)] == [
        (f"{path}:1, article 2", "empty text"), (f"{path}:3", "malformed JSON")]


# -- the real evaluation sets ------------------------------------------------------------------


def test_duc2003_real(shared_data: Path):
    items = list(read_path(shared_data / "duc2003" / "docs"))
    got = articles(items)
    assert not skips(items)
    assert len(got) == 298
    assert len({a.extra["cluster"] for a in got}) == 30
    assert all(a.published is not None and a.source for a in got)
    # A few documents belong to two clusters: the id (the DOCNO) is unique per cluster.
    assert len({(a.extra["cluster"], a.id) for a in got}) == 298


def test_timeline17_real(shared_data: Path):
    root = shared_data / "timeline17"
    topics = sorted(p.name for p in root.iterdir() if (p / "InputDocs").is_dir())
    got = articles(read_path(root))
    assert {a.extra["topic"] for a in got} == set(topics)
    assert len(topics) == 15
    assert all(a.published is not None for a in got)
    # Publication date = the date folder of each file.
    assert all(a.extra["file"].split("/")[2] == a.published.date().isoformat() for a in got)


def test_multinews_real(shared_data: Path):
    got = articles(read_path(shared_data / "multi_news" / "validation.csv"))
    clusters = Counter(a.extra["cluster"] for a in got)
    assert len(clusters) == 250
    assert max(clusters.values()) <= 9
