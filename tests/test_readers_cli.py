"""``storyline ingest`` end to end, in a subprocess, over a folder of mixed formats."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

STORYLINE = [str(Path(sys.executable).with_name("storyline"))]


def run(args: list[str], db: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "STORYLINE_DB": f"sqlite:///{db}"}
    environment.pop("STORYLINE_ALLOW_PRIVATE_URLS", None)
    environment.update(env)
    return subprocess.run(STORYLINE + args, capture_output=True, text=True, timeout=240,
                          env=environment, check=False)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("inbox")
    (root / "2021-04-07").mkdir()
    (root / "2021-04-07" / "tunnel.txt").write_text(
        "Tunnel boring machine breaks through\n"
        "Engineers cheered as the boring machine broke through the last metre of rock under "
        "the harbour on Wednesday, ending four years of digging.\n")
    (root / "wire.jsonl.gz").write_bytes(gzip.compress((json.dumps({
        "text": "A national park added three hundred hectares of wetland to its protected "
                "area after a land swap with a farming cooperative.",
        "title": "Park grows", "source": "Wire One", "published": "2021-04-08"}) + "\n"
        "{not json\n").encode()))
    (root / "sheet.csv").write_text(
        "headline,body,outlet,date\n"
        "Choir wins contest,\"A school choir from the hill villages won the regional contest "
        "with a programme of folk songs.\",Hill Herald,2021-04-09\n")
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("night.md", "# Night trains return\n\nSleeper services return to the "
                                     "northern line in May after a two-year pause.\n")
    (root / "bundle.zip").write_bytes(bundle.getvalue())
    (root / "readme.pdf").write_bytes(b"%PDF-1.4 not an article")
    return root


def test_ingest_folder_end_to_end(inbox: Path, tmp_path: Path):
    db = tmp_path / "s.db"
    result = run(["ingest", str(inbox), "--json"], db)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ingested"] == 4
    assert report["skip_reasons"] == {"malformed JSON": 1, "unsupported file": 1}
    assert "wire.jsonl.gz:2: malformed JSON" in result.stderr
    assert "readme.pdf: unsupported file" in result.stderr
    assert "Traceback" not in result.stderr
    listed = run(["articles", "--format", "json"], db)
    assert listed.returncode == 0, listed.stderr
    titles = {a.get("title") for a in json.loads(listed.stdout)}
    assert {"Tunnel boring machine breaks through", "Park grows", "Choir wins contest",
            "Night trains return"} <= titles
    again = run(["ingest", str(inbox), "--json"], db)  # idempotent
    assert json.loads(again.stdout)["ingested"] == 0
    strict = run(["ingest", str(inbox), "--strict"], db)
    assert strict.returncode != 0 and "--strict" in strict.stderr


def test_ingest_bad_inputs_one_line_each(tmp_path: Path):
    db = tmp_path / "s.db"
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00 truncated")
    result = run(["ingest", str(broken), str(tmp_path / "absent.jsonl")], db)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "broken.csv.gz" in result.stderr and "absent.jsonl" in result.stderr
    unknown = run(["ingest", str(broken), "--format", "yaml"], db)
    assert unknown.returncode != 0 and "--format yaml" in unknown.stderr


def test_ingest_url_refused_without_override(tmp_path: Path):
    result = run(["ingest", "http://127.0.0.1:9/news.html"], tmp_path / "s.db")
    assert result.returncode != 0
    assert "refused" in result.stderr and "STORYLINE_ALLOW_PRIVATE_URLS" in result.stderr
    assert "Traceback" not in result.stderr
