"""Regression tests for what a hostile-input probe broke in the readers (issue 17, failures 2,
3, 4, 6 and 7; issue 15's CSV cut at a comma): every one ends as a named skip, never a
traceback, never a whole run or batch lost, never a row dropped without a word."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storyline import limits
from storyline.ingest import urls
from storyline.ingest.csvfile import read_csv_bytes
from storyline.ingest.formats import read_path
from storyline.ingest.runner import IngestReport, collect, ingest_paths
from storyline.model import Article
from storyline.store import open_store

CLI = [sys.executable, "-c", "from storyline.cli import main; main()"]


def good_articles(folder: Path, n: int = 50) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "good.jsonl", "w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps({
                "id": f"good-{i}", "source": f"Outlet {i % 4}", "published": "2024-03-01",
                "text": f"Report number {i} says the river rose by {i} centimetres overnight."
            }) + "\n")


def read_all(path) -> tuple[list[Article], IngestReport]:
    report = IngestReport()
    return collect([path], None, report), report


# -- failure 2: one bad file, date or record ends the whole run ------------------------------


def test_empty_garbage_and_utf16_csvs_beside_50_articles_store_the_50(tmp_path):
    folder = tmp_path / "in"
    good_articles(folder)
    (folder / "empty.csv").write_bytes(b"")
    (folder / "garbage.csv").write_bytes(bytes(range(256)) * 4)
    (folder / "utf16.csv").write_bytes("title,text\nRain,Rain fell in Oslo.\n".encode("utf-16"))
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    skips = []
    report = ingest_paths(store, [folder], on_skip=skips.append)
    # The UTF-16 file is read too (it has a byte order mark), the other two are named.
    assert report.ingested == 51
    named = {Path(s.where.split(":")[0]).name: s.reason for s in skips}
    assert named == {"empty.csv": "empty file", "garbage.csv": "missing text column"}


@pytest.mark.parametrize("published", [
    "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "9999-12-31", "0100-01-01",
    253402300800, -62135596801, float("inf"),
])
def test_extreme_dates_are_named_skips(tmp_path, published):
    path = tmp_path / "dates.jsonl"
    path.write_text(json.dumps({"text": "Rain fell.", "published": published}) + "\n"
                    + json.dumps({"text": "Snow fell.", "published": "2024-01-02"}) + "\n")
    articles, report = read_all(path)
    assert [a.text for a in articles] == ["Snow fell."]
    assert dict(report.skip_reasons) == {"unparseable date": 1}


def test_json_nested_1000_deep_is_a_named_skip(tmp_path):
    deep = "[" * 1000 + "]" * 1000
    (tmp_path / "doc.json").write_text(deep)
    (tmp_path / "lines.jsonl").write_text(
        deep + "\n" + '{"text": "Rain fell.", "x": ' + "[" * 500 + "]" * 500 + "}\n"
        + '{"text": "Snow fell."}\n')
    (tmp_path / "extra.json").write_text(
        '[{"text": "Rain fell.", "meta": ' + "[" * 100 + "]" * 100 + '}, {"text": "Sun."}]')
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    skips = []
    report = ingest_paths(store, sorted(tmp_path.glob("*.json*")), on_skip=skips.append)
    assert report.ingested == 2  # "Snow fell." and "Sun."
    assert [s.reason for s in skips] == ["nested too deeply"] * 4


# -- failure 3: decompressed size without a limit --------------------------------------------


def gzip_of_zeros(path: Path, total: int) -> None:
    """A gzip of ``total`` zero bytes, made of identical members (fast to write)."""
    step = 32 * 1024 * 1024
    member = gzip.compress(b"\0" * step, compresslevel=9)
    with open(path, "wb") as handle:
        for _ in range(total // step):
            handle.write(member)


@pytest.mark.slow
def test_a_3mb_gzip_of_3gb_is_refused_with_peak_memory_under_500mb(tmp_path):
    bomb = tmp_path / "bomb.csv.gz"
    gzip_of_zeros(bomb, 3 * 1024**3)
    assert bomb.stat().st_size < 4 * 1024**2
    # VmHWM: this process's own peak (ru_maxrss would include the forking parent's).
    script = ("import sys\n"
              "from storyline.cli import main\n"
              "try:\n    main()\nfinally:\n"
              "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
              "    print('peak', hwm[0].split()[1], file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script, "ingest", str(bomb), "--db",
                           f"sqlite:///{tmp_path / 's.db'}"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert ("bomb.csv.gz: too large (more than 268435456 bytes uncompressed, the most one "
            "input may hold)") in done.stderr
    peak_kib = int(done.stderr.rsplit("peak", 1)[1])
    assert peak_kib < 500 * 1024, f"peak memory {peak_kib // 1024} MiB"


def test_gzip_and_zip_members_are_capped_after_decompression(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 1_000_000)
    gzip_of_zeros(tmp_path / "zeros.txt.gz", 64 * 1024 * 1024)
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("big.txt", b"a" * 2_000_000)
        bundle.write(tmp_path / "zeros.txt.gz", "inner/zeros.txt.gz")
        bundle.writestr("fine.txt", "Rain\nRain fell all day in Oslo.")
    articles, report = read_all(tmp_path / "bundle.zip")
    assert [a.title for a in articles] == ["Rain"]
    assert report.skip_reasons == {"too large": 2}
    _, alone = read_all(tmp_path / "zeros.txt.gz")
    assert alone.skip_reasons == {"too large": 1}


def test_a_jsonl_line_past_the_line_limit_is_skipped_and_reading_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(
        b'{"text": "' + b"x " * 5000 + b'"}\n{"text": "Rain fell."}\n'))
    articles, report = read_all(path)
    assert [a.text for a in articles] == ["Rain fell."]
    assert report.skip_reasons == {"line too long": 1}


def test_archive_totals_are_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ARCHIVE_MEMBERS", 3)
    with zipfile.ZipFile(tmp_path / "many.zip", "w") as bundle:
        for i in range(6):
            bundle.writestr(f"{i}.txt", f"Title {i}\nRain fell on day {i}.")
    articles, report = read_all(tmp_path / "many.zip")
    assert len(articles) == 3 and report.skip_reasons == {"too large": 1}


# -- failure 4: one record that PostgreSQL refuses loses a whole batch ------------------------


def test_nan_field_or_long_id_is_a_named_skip_on_sqlite_and_postgresql(store, tmp_path):
    lines = [json.dumps({"id": f"a{i}", "text": f"Story {i}: the dam held after the storm."})
             for i in range(10)]
    lines.insert(3, '{"id": "nan", "text": "A score that is not a number.", "score": NaN}')
    lines.insert(6, json.dumps({"id": "x" * 65, "text": "An id longer than the key column."}))
    lines.insert(8, json.dumps({"text": "Infinite.", "nested": {"v": [1e999]}}))
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    skips = []
    report = ingest_paths(store, [path], on_skip=skips.append)
    assert report.ingested == 10 and store.count_articles() == 10
    assert {s.where: s.reason for s in skips} == {
        f"{path}:4": "unstorable field", f"{path}:7": "id too long",
        f"{path}:9": "unstorable field"}


def test_texts_and_titles_past_their_limits_are_named_skips(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 100)
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"text": "word " * 30}, {"text": "Short.", "title": "t" * 3000},
        {"text": "Short.", "source": "s" * 600}, {"text": "Fine."}]) + "\n")
    articles, report = read_all(path)
    assert [a.text for a in articles] == ["Fine."]
    assert report.skip_reasons == {"text too long": 1, "title too long": 1,
                                   "source too long": 1}


# -- failure 6 and issue 15: CSV rows lost without a word ------------------------------------


def test_a_stray_quote_loses_no_row_silently():
    data = (b"title,date,text\n"
            b"A,2024-01-01,first text\n"
            b'B,2024-01-02,"stray quote here\n'
            b"C,2024-01-03,third text\n"
            b"D,2024-01-04,fourth text\n"
            b"E,2024-01-05,fifth text\n")
    items = list(read_csv_bytes(data, "s.csv"))
    assert [getattr(x, "title", None) or x.message() for x in items] == [
        "A", "s.csv: row 2: malformed CSV (line 3: its quotation marks do not balance)",
        "C", "D", "E"]


def test_a_stray_quote_closed_by_a_later_quote_is_named_too():
    data = (b"title,text\n"
            b'A,"opens here\n'
            b"B,swallowed\n"
            b'C,"properly quoted, with a comma"\n')
    items = list(read_csv_bytes(data, "s.csv"))
    assert [getattr(x, "title", None) or x.reason for x in items] == [
        "malformed CSV", "B", "C"]


def test_an_unquoted_comma_in_a_text_is_a_named_error_not_a_cut_text():
    data = (b"source,text\n"
            b"Wire,Officials said, on Monday, that the bridge would reopen.\n"
            b'Ledger,"Officials said, on Monday, that the bridge would reopen."\n'
            b"Post,Short\n")
    items = list(read_csv_bytes(data, "s.csv"))
    assert items[0].message() == ("s.csv: row 1: malformed CSV (line 2: 4 fields where the "
                                  "header has 2 (quote a field that holds a comma))")
    assert items[1].text == "Officials said, on Monday, that the bridge would reopen."
    assert items[2].text == "Short"


def test_quoted_fields_keep_line_breaks_commas_and_doubled_quotes():
    data = (b'title,text\r\nA,"He said ""yes"",\r\nthen left."\r\n'
            b'B,"Two\n\nparagraphs, one text"\r\n')
    items = list(read_csv_bytes(data, "s.csv"))
    assert [a.text for a in items] == ['He said "yes",\r\nthen left.',
                                       "Two\n\nparagraphs, one text"]


# -- failure 7: URL fetches without a total time limit ---------------------------------------


class Trickle(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server name
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()
        try:
            for _ in range(100):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    def log_message(self, *args):
        pass


def test_a_server_sending_a_byte_at_a_time_is_cut_off_at_the_total_limit(monkeypatch):
    monkeypatch.setattr(limits, "URL_TOTAL_SECONDS", 1.5)
    monkeypatch.setattr(limits, "URL_READ_TIMEOUT_S", 1.0)
    monkeypatch.setenv(urls.ALLOW_PRIVATE_ENV, "1")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        report = IngestReport()
        started = time.monotonic()
        collect([f"http://127.0.0.1:{httpd.server_address[1]}/slow"], None, report)
        took = time.monotonic() - started
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert report.skip_reasons == {"too slow": 1}
    assert "took longer than 1.5 s" in report.skips[0].detail
    assert took < 2.5


def test_read_path_names_an_oversized_plain_file(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_text("title,text\n" + "A,word word word\n" * 20)
    with pytest.raises(Exception, match="more than the 100 one input may hold") as caught:
        list(read_path(path))
    assert getattr(caught.value, "reason", "") == "too large"
